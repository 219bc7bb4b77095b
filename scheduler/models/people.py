"""Staff, their competencies and sign-offs, development goals, wishes, leave and CE."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import (
    CECategory,
    GoalStatus,
    LeaveKind,
    OfferKind,
    SkillLevel,
    StaffRole,
    str_enum,
    utcnow,
)
from .sites import station_competencies

if TYPE_CHECKING:
    from .accounts import User
    from .sites import Duty, ShiftType, Site, Station

LEVEL_ORDER = (
    SkillLevel.OBSERVE,
    SkillLevel.SUPERVISED,
    SkillLevel.INDEPENDENT,
    SkillLevel.TRAINER,
)


def level_rank(level: SkillLevel | None) -> int:
    """A level's place in observe < supervised < independent < trainer (0 when none is held)."""
    return 0 if level is None else LEVEL_ORDER.index(SkillLevel(level)) + 1


# ----- people ---------------------------------------------------------------


class Staff(db.Model):
    """A member of staff with a role, a home site and the contract rules of their rota."""

    __tablename__ = "staff"
    __table_args__ = (
        CheckConstraint(
            "max_minutes_per_week IS NULL OR max_minutes_per_week >= min_minutes_per_week",
            name="minutes_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    role: Mapped[StaffRole] = mapped_column(str_enum(StaffRole))
    certified: Mapped[bool] = mapped_column(default=False)
    home_site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # contract
    min_minutes_per_week: Mapped[int] = mapped_column(default=0)
    max_minutes_per_week: Mapped[int | None] = mapped_column(default=2400)
    max_consecutive_days: Mapped[int | None] = mapped_column(default=5)
    min_consecutive_days: Mapped[int] = mapped_column(default=1)
    min_consecutive_days_off: Mapped[int] = mapped_column(default=1)
    max_weekends_per_4_weeks: Mapped[int | None] = mapped_column(default=2)
    min_rest_minutes: Mapped[int] = mapped_column(default=600)
    max_trainees: Mapped[int] = mapped_column(default=1)
    # when the person last said they had seen the changes to their published shifts
    shifts_seen_at: Mapped[datetime | None]

    home_site: Mapped[Site] = relationship(back_populates="staff")
    skills: Mapped[list[StaffCompetency]] = relationship(
        back_populates="staff",
        cascade="all, delete-orphan",
        foreign_keys="StaffCompetency.staff_id",
    )
    goals: Mapped[list[DevelopmentGoal]] = relationship(
        back_populates="staff", cascade="all, delete-orphan"
    )
    offers: Mapped[list[VolunteerOffer]] = relationship(
        back_populates="staff", cascade="all, delete-orphan"
    )
    leave: Mapped[list[Leave]] = relationship(back_populates="staff", cascade="all, delete-orphan")
    requests: Mapped[list[ShiftRequest]] = relationship(
        back_populates="staff", cascade="all, delete-orphan"
    )
    certifications: Mapped[list[Certification]] = relationship(
        back_populates="staff", cascade="all, delete-orphan"
    )
    ce_entries: Mapped[list[CEEntry]] = relationship(
        back_populates="staff", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Staff {self.name!r} {self.role.value}>"


class Competency(db.Model):
    """A skill a station or duty needs, with how often it must be requalified."""

    __tablename__ = "competencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    code: Mapped[str] = mapped_column(unique=True)
    requalify_days: Mapped[int | None]
    prerequisite_id: Mapped[int | None] = mapped_column(ForeignKey("competencies.id"))
    archived_at: Mapped[datetime | None]  # kept for history, gone from lists and pickers

    prerequisite: Mapped[Competency | None] = relationship(remote_side=[id])
    holders: Mapped[list[StaffCompetency]] = relationship(
        back_populates="competency", cascade="all, delete-orphan"
    )
    stations: Mapped[list[Station]] = relationship(
        secondary=station_competencies, back_populates="competencies"
    )

    def __repr__(self) -> str:
        return f"<Competency {self.code}>"


class StaffCompetency(db.Model):
    """A person's level in one competency, valid until a date, signed off by a trainer."""

    __tablename__ = "staff_competencies"
    __table_args__ = (UniqueConstraint("staff_id", "competency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"))
    level: Mapped[SkillLevel] = mapped_column(str_enum(SkillLevel))
    valid_until: Mapped[date | None]
    signed_off_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    signed_off_at: Mapped[datetime | None]

    staff: Mapped[Staff] = relationship(back_populates="skills", foreign_keys=[staff_id])
    competency: Mapped[Competency] = relationship(back_populates="holders")
    signed_off_by: Mapped[Staff | None] = relationship(foreign_keys=[signed_off_by_id])


# ----- development and wishes ----------------------------------------------


class DevelopmentGoal(db.Model):
    """Supervised shifts a person needs toward a level in a competency by a deadline."""

    __tablename__ = "development_goals"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 1 AND 3", name="priority_range"),
        CheckConstraint("shifts_needed >= 0", name="shifts_needed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"))
    target_level: Mapped[SkillLevel] = mapped_column(str_enum(SkillLevel))
    shifts_needed: Mapped[int]
    deadline: Mapped[date | None]
    priority: Mapped[int] = mapped_column(default=2)
    status: Mapped[GoalStatus] = mapped_column(str_enum(GoalStatus), default=GoalStatus.ACTIVE)

    staff: Mapped[Staff] = relationship(back_populates="goals")
    competency: Mapped[Competency] = relationship()


class VolunteerOffer(db.Model):
    """Something a person volunteers for in one week: a duty, training others, extra shifts."""

    __tablename__ = "volunteer_offers"
    __table_args__ = (CheckConstraint("count >= 1", name="count_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    week_start: Mapped[date]
    kind: Mapped[OfferKind] = mapped_column(str_enum(OfferKind))
    duty_id: Mapped[int | None] = mapped_column(ForeignKey("duties.id", ondelete="CASCADE"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(default=1)
    note: Mapped[str] = mapped_column(default="")

    staff: Mapped[Staff] = relationship(back_populates="offers")
    duty: Mapped[Duty | None] = relationship()
    station: Mapped[Station | None] = relationship()


class Leave(db.Model):
    """Days a person is away or unavailable (a whole day, or one shift type only)."""

    __tablename__ = "leave"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="date_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    start_date: Mapped[date]
    end_date: Mapped[date]
    kind: Mapped[LeaveKind] = mapped_column(str_enum(LeaveKind))
    approved: Mapped[bool] = mapped_column(default=False)
    shift_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("shift_types.id", ondelete="CASCADE")
    )
    note: Mapped[str] = mapped_column(default="")

    staff: Mapped[Staff] = relationship(back_populates="leave")
    shift_type: Mapped[ShiftType | None] = relationship()

    @property
    def status(self) -> str:
        """'approved' once a supervisor approved it, else 'pending' (planned as a wish)."""
        return "approved" if self.approved else "pending"


class ShiftRequest(db.Model):
    """A wish to work, or not to work, a shift (or a whole day) on a date."""

    __tablename__ = "shift_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    on_date: Mapped[date]
    shift_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("shift_types.id", ondelete="CASCADE")
    )
    want: Mapped[bool]
    weight: Mapped[int] = mapped_column(default=10)

    staff: Mapped[Staff] = relationship(back_populates="requests")
    shift_type: Mapped[ShiftType | None] = relationship()


class Certification(db.Model):
    """A professional certification such as CPhT or CSPT, with its expiry."""

    __tablename__ = "certifications"
    __table_args__ = (UniqueConstraint("staff_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    name: Mapped[str]
    number: Mapped[str] = mapped_column(default="")
    issued: Mapped[date | None]
    expires: Mapped[date | None]

    staff: Mapped[Staff] = relationship(back_populates="certifications")


class CEEntry(db.Model):
    """Hours of continuing education a person logged on a date."""

    __tablename__ = "ce_entries"
    __table_args__ = (CheckConstraint("hours > 0", name="hours_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    on_date: Mapped[date]
    hours: Mapped[float]
    topic: Mapped[str]
    category: Mapped[CECategory] = mapped_column(str_enum(CECategory))

    staff: Mapped[Staff] = relationship(back_populates="ce_entries")


# ----- sign-offs -------------------------------------------------------------


class SignOff(db.Model):
    """One sign-off of a person's competency level, kept for inspection: who, when, from, to."""

    __tablename__ = "sign_offs"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"))
    from_level: Mapped[SkillLevel | None] = mapped_column(str_enum(SkillLevel))
    to_level: Mapped[SkillLevel] = mapped_column(str_enum(SkillLevel))
    valid_until: Mapped[date | None]
    supervised_shifts: Mapped[int] = mapped_column(default=0)  # trainee shifts done by then
    signed_by_staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff.id", ondelete="SET NULL")
    )
    signed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    signer_name: Mapped[str]  # kept as written, should the account or staff record go
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(default="")

    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])
    competency: Mapped[Competency] = relationship()
    signed_by_staff: Mapped[Staff | None] = relationship(foreign_keys=[signed_by_staff_id])
    signed_by_user: Mapped[User | None] = relationship()
