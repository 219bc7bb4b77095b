"""Accounts in the app: invitations, one-time links, roles, deactivation and password rules.

A supervisor invites a person: the account is made inactive, with a password no
one can type, and an invitation link valid for 7 days. The link is shown once;
only a SHA-256 hash of its secret is stored. Opening it, the person sets a password
and the account becomes active. "Reset password" issues a new link valid for 24
hours; an account's newer link stops its older ones. Every change is recorded by
the audit log as the session flushes (:mod:`scheduler.services.audit.recording`).

Where the app has a mail server (``MAIL_SERVER``) the link is e-mailed to the
account's address (:mod:`scheduler.services.mail`); otherwise, or when sending
fails, the supervisor copies it from the page and passes it on. A password change
raises the account's session epoch, which signs out every session signed in
before it (``User.get_id``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from ..extensions import db
from ..models import (
    AccountLink,
    AccountRole,
    LinkPurpose,
    Rota,
    Site,
    Staff,
    StaffRole,
    User,
    utcnow,
)

LINK_LIFETIME = {LinkPurpose.INVITE: timedelta(days=7), LinkPurpose.RESET: timedelta(hours=24)}
UNUSABLE_PREFIX = "!"  # a password hash no password matches: werkzeug cannot read it
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "common_passwords.txt"
TECHNICIAN_ROLES = (StaffRole.TECHNICIAN, StaffRole.TRAINEE)


class AccountRefused(Exception):
    """An account change the rules do not allow; the message says why."""


# ----- links ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    """A link just made: the account, the link's secret (shown once) and when it expires."""

    user: User
    token: str
    link: AccountLink

    @property
    def words(self) -> str:
        """'invitation' or 'password-reset'."""
        return self.link.purpose.label


def token_hash(token: str) -> str:
    """The stored form of a link's secret: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def aware(moment: datetime | None) -> datetime | None:
    """A stored timestamp as aware UTC (SQLite gives timestamps back without a zone)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def issue_link(user: User, purpose: LinkPurpose, by: User | None) -> IssuedLink:
    """A new one-time link for an account (not committed); its older links stop working."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    link = AccountLink(
        user=user,
        token_hash=token_hash(token),
        purpose=purpose,
        created_at=now,
        expires_at=now + LINK_LIFETIME[purpose],
        created_by=by,
    )
    db.session.add(link)
    return IssuedLink(user, token, link)


def newest_link(user: User) -> AccountLink | None:
    """The account's most recent link, or None."""
    return db.session.scalars(
        db.select(AccountLink).where(AccountLink.user_id == user.id).order_by(AccountLink.id.desc())
    ).first()


def link_problem(link: AccountLink | None) -> str | None:
    """Why a link cannot be used, in words; None when it can."""
    if link is None:
        return (
            "This link is not known. Check that the whole address was copied, or ask a "
            "supervisor for a new link."
        )
    what = link.purpose.label
    if link.used_at is not None:
        return (
            f"This {what} link has already been used. Sign in with your password, or ask a "
            "supervisor to reset it."
        )
    newest = newest_link(link.user)
    if newest is not None and newest.id != link.id:
        return (
            f"This {what} link was replaced by a newer one. Use the newest link you were "
            "given, or ask a supervisor for a new one."
        )
    if aware(link.expires_at) <= utcnow():
        return f"This {what} link has expired. Ask a supervisor for a new one."
    if not link.user.active and link.purpose is not LinkPurpose.INVITE:
        return "This account has been deactivated. Ask a supervisor if you need it back."
    return None


def find_link(token: str) -> AccountLink | None:
    """The link whose secret is ``token``, or None."""
    if not token or len(token) > 200:
        return None
    return db.session.scalar(
        db.select(AccountLink).where(AccountLink.token_hash == token_hash(token))
    )


def use_link(link: AccountLink, password: str) -> User:
    """Set the account's password through its link: the link is used and the account active."""
    user = link.user
    user.set_password(password)
    user.active = True
    link.used_at = utcnow()
    return user


def close_links(user: User) -> None:
    """Stop the account's open links now (they read as expired)."""
    now = utcnow()
    for link in db.session.scalars(
        db.select(AccountLink).where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
    ):
        if aware(link.expires_at) > now:
            link.expires_at = now


# ----- accounts ---------------------------------------------------------------------------


def has_password(user: User) -> bool:
    """Whether the person has set a password (an invitation not yet accepted has none)."""
    return not user.password_hash.startswith(UNUSABLE_PREFIX)


def find_by_email(email: str) -> User | None:
    """The account with this email (compared in lower case), or None."""
    return db.session.scalar(db.select(User).where(User.email == email.strip().lower()))


def invite(
    name: str, email: str, role: AccountRole, staff: Staff | None, by: User | None
) -> IssuedLink:
    """A new inactive account with no password and its invitation link (not committed)."""
    email = email.strip().lower()
    if find_by_email(email) is not None:
        raise AccountRefused(f"An account for {email} already exists.")
    if staff is not None and account_of(staff) is not None:
        raise AccountRefused(f"{staff.name} already has an account.")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        staff=staff,
        active=False,
        password_hash=UNUSABLE_PREFIX + secrets.token_hex(8),
    )
    db.session.add(user)
    return issue_link(user, LinkPurpose.INVITE, by)


def reset_link(user: User, by: User | None) -> IssuedLink:
    """A new one-time link to set the account's password (an invitation when it has none yet)."""
    if not user.active and has_password(user):
        raise AccountRefused(f"{user.name}'s account is deactivated: reactivate it first.")
    purpose = LinkPurpose.RESET if has_password(user) else LinkPurpose.INVITE
    return issue_link(user, purpose, by)


def active_supervisors() -> int:
    """How many active supervisor accounts there are."""
    return db.session.scalar(
        db.select(db.func.count(User.id)).where(
            User.role == AccountRole.SUPERVISOR, User.active.is_(True)
        )
    )


def _keeps_a_supervisor(user: User) -> None:
    """Refuse a change that would leave no active supervisor."""
    if user.role is AccountRole.SUPERVISOR and user.active and active_supervisors() <= 1:
        raise AccountRefused(
            f"{user.name} is the last active supervisor: make another supervisor first, "
            "or nobody could manage accounts."
        )


def change_role(user: User, role: AccountRole, by: User) -> None:
    """Give an account another role (never one's own, never the last supervisor's)."""
    if user.role is role:
        return
    if user.id == by.id:
        raise AccountRefused("You cannot change your own role; ask another supervisor.")
    _keeps_a_supervisor(user)
    user.role = role


def set_active(user: User, active: bool, by: User) -> None:
    """Deactivate an account (its open links stop; for an invitation, that cancels it) or
    reactivate one whose person has set a password."""
    if active:
        if not has_password(user):
            raise AccountRefused(
                f"{user.name} has not set a password yet: give them a new invitation link."
            )
        user.active = True
        return
    if user.id == by.id:
        raise AccountRefused("You cannot deactivate your own account.")
    if user.active:
        _keeps_a_supervisor(user)
    close_links(user)
    user.active = False


def change_own_password(user: User, current: str, new: str) -> bool:
    """Set a new password when ``current`` is the account's password; False otherwise."""
    if not user.check_password(current):
        return False
    user.set_password(new)
    return True


# ----- password rules ---------------------------------------------------------------------


@cache
def common_passwords() -> frozenset[str]:
    """The list of common passwords shipped with the app, in lower case."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is too weak, in words; None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    folded = password.strip().lower()
    if folded in common_passwords():
        return "That password is on a list of common passwords; choose another."
    own = {email.strip().lower(), email.strip().lower().split("@")[0], name.strip().lower()}
    own |= {word.replace(" ", "") for word in own}
    if folded in {word for word in own if word}:
        return "Do not use your email address or your name as your password."
    if len(set(folded)) < 3:
        return "Use more different characters."
    return None


# ----- who has an account ------------------------------------------------------------------


def account_of(staff: Staff) -> User | None:
    """The account linked to a staff record, or None."""
    return db.session.scalar(db.select(User).where(User.staff_id == staff.id))


def _technicians_of(site: Site):
    """The condition for a site's active technicians and trainees."""
    return (
        (Staff.home_site_id == site.id) & Staff.active.is_(True) & Staff.role.in_(TECHNICIAN_ROLES)
    )


def technician_count(site: Site) -> int:
    """How many active technicians and trainees a site has, with an account or without."""
    return db.session.scalar(db.select(db.func.count(Staff.id)).where(_technicians_of(site))) or 0


def technicians_without_account(site: Site) -> list[Staff]:
    """Active technicians and trainees of a site whose staff record has no account, by name."""
    linked = db.select(User.staff_id).where(User.staff_id.is_not(None))
    return list(
        db.session.scalars(
            db.select(Staff)
            .where(_technicians_of(site), Staff.id.not_in(linked))
            .order_by(Staff.name, Staff.id)
        )
    )


def staff_without_account() -> list[Staff]:
    """Active staff whose record has no account yet (for linking a new technician's account)."""
    linked = db.select(User.staff_id).where(User.staff_id.is_not(None))
    return list(
        db.session.scalars(
            db.select(Staff)
            .where(Staff.active.is_(True), Staff.id.not_in(linked))
            .order_by(Staff.name, Staff.id)
        )
    )


def can_sign_in(user: User | None) -> bool:
    """Whether an account is active and has a password."""
    return user is not None and user.active and has_password(user)


def active_approvers() -> int:
    """How many pharmacist-in-charge accounts can sign in to approve rotas."""
    users = db.session.scalars(
        db.select(User).where(User.role == AccountRole.PHARMACIST_IN_CHARGE, User.active.is_(True))
    )
    return sum(1 for user in users if has_password(user))


def technician_reach(rota: Rota) -> tuple[int, int]:
    """Of the technicians (and trainees) on a rota, how many can sign in to see it: (can, all)."""
    on_rota = {a.staff_id for a in rota.assignments}
    people = db.session.scalars(
        db.select(Staff.id).where(Staff.id.in_(on_rota), Staff.role.in_(TECHNICIAN_ROLES))
    ).all()
    if not people:
        return 0, 0
    accounts = db.session.scalars(db.select(User).where(User.staff_id.in_(people)))
    return sum(1 for user in accounts if can_sign_in(user)), len(people)


def reach_words(rota: Rota) -> str:
    """Who of the rota's technicians can see it, e.g. '3 of 9 technicians on this week can
    sign in to see it; the others have no account yet (see Accounts).'"""
    can, everyone = technician_reach(rota)
    if everyone == 0:
        return "No technician is on this week."
    if can == everyone:
        return f"All {everyone} technicians on this week can sign in to see it."
    return (
        f"{can} of {everyone} technicians on this week can sign in to see it; "
        "the others have no account they can use yet (see Accounts)."
    )


# ----- the list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    """One account as the Accounts page lists it."""

    user: User
    state: str  # "active", "invited" or "deactivated"
    link: str  # the last link's state in words


def state_of(user: User) -> str:
    """'active', 'invited' (no password set yet) or 'deactivated'."""
    if user.active:
        return "active"
    return "deactivated" if has_password(user) else "invited"


def link_words(link: AccountLink | None) -> str:
    """The state of an account's last link in words: 'Invitation open until ...' and so on."""
    if link is None:
        return "No link issued"
    what = link.purpose.label.capitalize()
    if link.used_at is not None:
        return f"{what} link used"
    if aware(link.expires_at) <= utcnow():
        return f"{what} link expired"
    return f"{what} link open"


def account_rows() -> list[AccountRow]:
    """Every account, by name, with its state and its last link's state."""
    users = db.session.scalars(db.select(User).order_by(User.name, User.id)).all()
    latest: dict[int, AccountLink] = {}
    for link in db.session.scalars(db.select(AccountLink).order_by(AccountLink.id)):
        latest[link.user_id] = link
    return [AccountRow(u, state_of(u), link_words(latest.get(u.id))) for u in users]
