"""Signing in and out.

Failed sign-ins (an email and password that do not match) are rate limited per
email typed and per client address (see :mod:`scheduler.security`); over the
limit, the sign-in page says when to try again, even for the right password.
"""

from __future__ import annotations

import math
import time

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import RateLimitExceeded
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError

from ..extensions import db
from ..forms.auth import LoginForm
from ..models import User
from ..security import (
    csrf_refused,
    limiter,
    login_account_key,
    login_address_key,
    note_failed_sign_in,
    safe_next,
    sign_in_failed,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _account_limit() -> str:
    """Failed sign-ins allowed for one email, e.g. '5 per minute;20 per hour'."""
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _address_limit() -> str:
    """Failed sign-ins allowed from one client address, e.g. '60 per minute'."""
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def login_page(notice: str | None = None, status: int = 200, form: LoginForm | None = None):
    """The sign-in page, with a notice above the form when an attempt was refused."""
    if form is None:
        form = LoginForm(formdata=None, data={"email": request.form.get("email", "")[:254]})
    return render_template("auth/login.html", form=form, notice=notice), status


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _account_limit, key_func=login_account_key, methods=["POST"], deduct_when=sign_in_failed
)
@limiter.limit(
    _address_limit, key_func=login_address_key, methods=["POST"], deduct_when=sign_in_failed
)
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
            session.permanent = True  # ends after PERMANENT_SESSION_LIFETIME
            flash(f"Signed in as {user.name} ({user.role.label}).", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
        note_failed_sign_in()
        form.password.errors.append("That email and password do not match an active account.")
    return login_page(form=form)


@bp.errorhandler(CSRFError)
def expired_form(error: CSRFError):
    """A sign-in form sent without a valid token (left open too long): the form again, with a
    notice; other forms of this blueprint get the site's page for an expired form."""
    if request.endpoint == "auth.login":
        return login_page(notice="The sign-in form expired; please sign in again.", status=400)
    return csrf_refused(error)


@bp.errorhandler(RateLimitExceeded)
def too_many_attempts(error: RateLimitExceeded):
    """Over a sign-in limit: the sign-in page again, saying when to try again (429)."""
    wait = 60
    current = limiter.current_limit
    if current is not None:  # the breached limit: its window ends at reset_time
        wait = max(1, math.ceil(current.window.reset_time - time.time()))
    minutes = math.ceil(wait / 60)
    when = "in a minute" if minutes <= 1 else f"in {minutes} minutes"
    if error.limit.key_func is login_address_key:
        notice = f"Too many sign-in attempts from this network address; try again {when}."
    else:
        notice = f"Too many sign-in attempts for this account; try again {when}."
    response = current_app.make_response(login_page(notice=notice, status=429))
    response.headers["Retry-After"] = str(wait)
    return response


@bp.post("/logout")
def logout():
    """Sign out and return to the sign-in page."""
    logout_user()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))
