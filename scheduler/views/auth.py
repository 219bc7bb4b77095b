"""Signing in and out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..extensions import db
from ..forms.auth import LoginForm
from ..models import User
from ..security import safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form; on a correct email and password, sign in and go on."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is not None and user.active and user.check_password(form.password.data):
            login_user(user)
            flash(f"Signed in as {user.name} ({user.role.label}).", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
        form.password.errors.append("That email and password do not match an active account.")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out and return to the sign-in page."""
    logout_user()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))
