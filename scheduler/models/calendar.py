"""A person's calendar feed: the secret link a calendar app subscribes to for their shifts.

Only a SHA-256 hash of the link's token is stored. The full link is shown once,
when it is created or reset; whoever loses it resets it and gets a new one.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import utcnow

if TYPE_CHECKING:
    from .people import Staff


class CalendarFeed(db.Model):
    """A member of staff's calendar link: its token's hash, when it was made, used, turned off."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(unique=True)  # hex SHA-256 of the secret token
    created_at: Mapped[datetime] = mapped_column(default=utcnow)  # when this token was made
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    staff: Mapped[Staff] = relationship()

    @property
    def active(self) -> bool:
        """Whether the link still answers (it has not been turned off)."""
        return self.revoked_at is None

    def __repr__(self) -> str:
        state = "active" if self.active else "revoked"
        return f"<CalendarFeed staff={self.staff_id} {state}>"
