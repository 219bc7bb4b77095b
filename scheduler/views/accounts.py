"""Accounts: supervisors invite people, set roles, deactivate and reset; everyone changes their
own password; an invitation or reset link sets a password without signing in.

A new link is e-mailed to its person where the app has a mail server (MAIL_SERVER);
otherwise, or when sending fails, it is shown once, on the Accounts page right after it
is made (kept in the session for that one page view). Only its hash is stored.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user

from .. import navigation
from ..extensions import db
from ..filters import site_time
from ..forms.accounts import (
    ChangePasswordForm,
    InviteForm,
    RoleForm,
    SetPasswordForm,
    technician_accounts_form,
)
from ..forms.staff import options
from ..models import AccountRole, Site, Staff, User
from ..security import SUPERVISOR, roles_required
from ..services import accounts as svc
from ..services import mail
from .staff import site_from_args, site_picker

bp = Blueprint("accounts", __name__, url_prefix="/accounts")
navigation.add(85, "accounts.index", "Accounts", ("supervisor",))

SHOWN_ONCE = "accounts.new_links"  # links made by the last action, shown on the next page


def _zone() -> str:
    """The time zone link expiry times are shown in: the first site's, else UTC."""
    site = db.session.scalars(db.select(Site).order_by(Site.name).limit(1)).first()
    return site.timezone if site is not None else "UTC"


def _hand_out(issued: list[svc.IssuedLink]) -> list[dict]:
    """E-mail new links where the app has a mail server; keep the rest for the next page view.

    A link that was sent is listed on the next page as sent, without the link; one not
    sent (no mail server, or sending failed, with the reason) is shown there once.
    Links are never stored: only their hash is.
    """
    zone = _zone()
    urls = [url_for("accounts.welcome", token=i.token, _external=True) for i in issued]
    if mail.enabled():
        outcomes = mail.send(
            [mail.link_message(i, url, current_user) for i, url in zip(issued, urls, strict=True)]
        )
    else:
        outcomes = [None] * len(issued)
    entries = []
    for i, url, outcome in zip(issued, urls, outcomes, strict=True):
        sent = outcome is not None and outcome.sent
        entries.append(
            {
                "name": i.user.name,
                "email": i.user.email,
                "words": i.words,
                "url": None if sent else url,
                "expires": site_time(svc.aware(i.link.expires_at), zone),
                "sent": sent,
                "problem": outcome.problem if outcome is not None else None,
            }
        )
    session[SHOWN_ONCE] = entries
    return entries


def _handed_out_words(entries: list[dict]) -> str:
    """What became of new links, for the message on the next page."""
    to_copy = [e for e in entries if e["url"]]
    if not to_copy:
        if len(entries) == 1:
            return f"The link was sent by e-mail to {entries[0]['email']}."
        return "Each link was sent by e-mail to its person."
    if len(to_copy) == len(entries) and not any(e["problem"] for e in entries):
        if len(entries) == 1:
            return "Copy the link below and give it to them: it is shown only this once."
        return "Copy each link below and give it to its person: they are shown only this once."
    if len(entries) == 1:
        return (
            "The link could not be sent by e-mail (the reason is below): copy it and give it "
            "to them; it is shown only this once."
        )
    return (
        f"{len(to_copy)} of {len(entries)} links could not be sent by e-mail (the reasons are "
        "below): copy each and give it to its person; they are shown only this once."
    )


def _account(user_id: int) -> User:
    """An account by id, or 404."""
    return db.get_or_404(User, user_id)


def _invite_form() -> InviteForm:
    """The invitation form with the staff records that have no account yet."""
    form = InviteForm()
    form.staff_id.choices = options(
        ((p.id, f"{p.name} ({p.home_site.name})") for p in svc.staff_without_account()),
        blank="None",
    )
    return form


def _index_page(form: InviteForm, status: int = 200):
    """The Accounts page: every account, the links just made, the invitation form."""
    return render_template(
        "accounts/index.html",
        rows=svc.account_rows(),
        form=form,
        role_form=RoleForm,
        new_links=session.pop(SHOWN_ONCE, []),
        mail_on=mail.enabled(),
        sites=db.session.scalars(db.select(Site).order_by(Site.name)).all(),
    ), status


@bp.get("/")
@roles_required(SUPERVISOR)
def index():
    """Every account with its role, staff record and state, and the invitation form."""
    return _index_page(_invite_form())


@bp.post("/invite")
@roles_required(SUPERVISOR)
def invite():
    """Make an account for a new person and show their invitation link once."""
    form = _invite_form()
    if not form.validate_on_submit():
        return _index_page(form)
    staff = db.session.get(Staff, form.staff_id.data) if form.staff_id.data else None
    try:
        issued = svc.invite(
            form.name.data, form.email.data, AccountRole(form.role.data), staff, current_user
        )
    except svc.AccountRefused as refused:
        db.session.rollback()
        form.email.errors.append(str(refused))
        return _index_page(form)
    db.session.commit()
    handed = _hand_out([issued])
    flash(f"Invited {issued.user.name}. {_handed_out_words(handed)}", "success")
    return redirect(url_for("accounts.index"))


def _refused_or_done(action, done: str):
    """Run an account change: commit and flash ``done``, or flash why it was refused."""
    try:
        action()
    except svc.AccountRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("accounts.index"))


@bp.post("/<int:user_id>/role")
@roles_required(SUPERVISOR)
def role(user_id: int):
    """Give an account another role."""
    user = _account(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose one of the roles offered.", "error")
        return redirect(url_for("accounts.index"))
    new = AccountRole(form.role.data)
    return _refused_or_done(
        lambda: svc.change_role(user, new, current_user),
        f"{user.name} is now a {new.label.lower()}.",
    )


@bp.post("/<int:user_id>/deactivate")
@roles_required(SUPERVISOR)
def deactivate(user_id: int):
    """Stop an account signing in, or cancel an invitation: its open links stop too."""
    user = _account(user_id)
    done = (
        f"Deactivated {user.name}'s account: they can no longer sign in."
        if svc.has_password(user)
        else f"Cancelled {user.name}'s invitation: its link no longer works."
    )
    return _refused_or_done(lambda: svc.set_active(user, False, current_user), done)


@bp.post("/<int:user_id>/reactivate")
@roles_required(SUPERVISOR)
def reactivate(user_id: int):
    """Let a deactivated account sign in again."""
    user = _account(user_id)
    return _refused_or_done(
        lambda: svc.set_active(user, True, current_user),
        f"Reactivated {user.name}'s account: they can sign in again.",
    )


@bp.post("/<int:user_id>/reset")
@roles_required(SUPERVISOR)
def reset(user_id: int):
    """Issue a new one-time link for the account; its older links stop working."""
    user = _account(user_id)
    try:
        issued = svc.reset_link(user, current_user)
    except svc.AccountRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("accounts.index"))
    db.session.commit()
    handed = _hand_out([issued])
    flash(
        f"New {issued.words} link for {user.name}; their older links no longer work. "
        f"{_handed_out_words(handed)}",
        "success",
    )
    return redirect(url_for("accounts.index"))


@bp.route("/technicians", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def technicians():
    """Give the site's technicians without an account one each: an email per row, blank skips."""
    site = site_from_args()
    if site is None:
        return redirect(url_for("accounts.index"))
    people = svc.technicians_without_account(site)
    form = technician_accounts_form(people)
    if people and form.validate_on_submit():
        issued = []
        for person, field in form.rows():
            if field.data:
                issued.append(
                    svc.invite(
                        person.name, field.data, AccountRole.TECHNICIAN, person, current_user
                    )
                )
        db.session.commit()
        handed = _hand_out(issued)
        flash(
            f"Invited {len(issued)} technician{'s' if len(issued) != 1 else ''} of {site.name}. "
            f"{_handed_out_words(handed)}",
            "success",
        )
        return redirect(url_for("accounts.index"))
    return render_template(
        "accounts/technicians.html",
        site=site,
        picker=site_picker(site),
        form=form,
        mail_on=mail.enabled(),
        technician_count=None if people else svc.technician_count(site),  # said when none
    )


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str):
    """Set a password through an invitation or reset link; then the person is signed in."""
    link = svc.find_link(token)
    problem = svc.link_problem(link)
    if problem is not None:
        return render_template("accounts/link_closed.html", problem=problem), (
            404 if link is None else 410
        )
    user = link.user
    form = SetPasswordForm(email=user.email, name=user.name)
    if form.validate_on_submit():
        svc.use_link(link, form.password.data)
        login_user(user)  # before the commit: the audit log names the person as the actor
        session.permanent = True
        db.session.commit()
        flash(f"Your password is set. Welcome, {user.name}.", "success")
        return redirect(url_for("main.index"))
    return render_template("accounts/welcome.html", form=form, user=user, link=link)


@bp.route("/mine", methods=["GET", "POST"])
@login_required
def mine():
    """My account: who I am signed in as, and changing my own password."""
    user: User = current_user._get_current_object()
    form = ChangePasswordForm(email=user.email, name=user.name)
    if form.validate_on_submit():
        if svc.change_own_password(user, form.current.data, form.password.data):
            login_user(user)  # this session stays signed in; every other one ends
            db.session.commit()
            flash(
                "Your password is changed. Use the new one next time you sign in; anywhere "
                "else you were signed in, you are now signed out.",
                "success",
            )
            return redirect(url_for("accounts.mine"))
        form.current.errors.append("That is not your current password.")
    return render_template("accounts/mine.html", form=form, user=user)
