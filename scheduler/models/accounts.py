"""Accounts that sign in: supervisors, pharmacists-in-charge and technicians (linked to staff)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .enums import AccountRole, LinkPurpose, str_enum, utcnow

if TYPE_CHECKING:
    from .people import Staff
    from .sites import Site


class User(UserMixin, db.Model):
    """A login with a role; a technician's account points at their staff record."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]
    password_hash: Mapped[str]
    role: Mapped[AccountRole] = mapped_column(str_enum(AccountRole))
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL"), unique=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the site the account's pages open on (None: the site of their staff record, or the first)
    home_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"))

    # raised when the password changes: sessions signed in before it end (see get_id)
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")

    staff: Mapped[Staff | None] = relationship()
    home_site: Mapped[Site | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        """Whether the account may sign in."""
        return self.active

    def get_id(self) -> str:
        """The session's name for the account: its id and session epoch, e.g. '7:2'.

        A session signed in before the password last changed holds an older epoch,
        so the user loader (:func:`scheduler.security.load_user`) ends it.
        """
        return f"{self.id}:{self.session_epoch or 0}"

    def set_password(self, password: str) -> None:
        """Store a salted hash of a new password; sessions signed in before it end."""
        self.password_hash = generate_password_hash(password)
        self.session_epoch = (self.session_epoch or 0) + 1

    def check_password(self, password: str) -> bool:
        """Whether a password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: AccountRole) -> bool:
        """Whether the account holds one of the roles."""
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.email!r} {self.role.value}>"


class AccountLink(db.Model):
    """A one-time link that lets someone set their password: an invitation or a reset.

    Only a hash of the link's secret is stored; the link itself is shown once (or
    mailed). It stops when used, when it expires, or when a newer link of the account
    replaces it.
    """

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(unique=True)
    purpose: Mapped[LinkPurpose] = mapped_column(str_enum(LinkPurpose, length=None))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
