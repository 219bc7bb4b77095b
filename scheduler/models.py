"""The pharmacy scheduler's data: sites, staff, competencies, cover, duties, wishes and rotas.

Typed SQLAlchemy 2 models. Enums are stored as their string values; timestamps
are timezone-aware and stored in UTC; calendar dates (shifts, leave, weeks) are
plain dates in the site's own time zone.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db

ALL_WEEKDAYS = "0123456"


def utcnow() -> datetime:
    """The current moment as an aware UTC datetime."""
    return datetime.now(UTC)


def str_enum(cls: type[enum.Enum]) -> Enum:
    """A column type that stores a Python enum by its string value, without a native DB enum."""
    return Enum(
        cls,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def weekday_set(text: str | None) -> frozenset[int] | None:
    """Weekdays (0=Monday) from a digit string such as '01234', or None for any day."""
    if text is None:
        return None
    return frozenset(int(ch) for ch in text)


# ----- enums ---------------------------------------------------------------


class SiteKind(enum.StrEnum):
    """The kind of pharmacy."""

    HOSPITAL = "hospital"
    RETAIL = "retail"
    LONG_TERM_CARE = "long_term_care"


class StaffRole(enum.StrEnum):
    """A person's job."""

    PHARMACIST = "pharmacist"
    TECHNICIAN = "technician"
    TRAINEE = "trainee"  # trainee technician


class SkillLevel(enum.StrEnum):
    """How far a person has come in a competency."""

    OBSERVE = "observe"
    SUPERVISED = "supervised"
    INDEPENDENT = "independent"
    TRAINER = "trainer"


class DutyKind(enum.StrEnum):
    """Work beyond station cover."""

    INVENTORY_COUNT = "inventory_count"
    CABINET_RESTOCK = "cabinet_restock"
    QI_PROJECT = "qi_project"
    TRAINING = "training"
    PROTECTED_LEARNING = "protected_learning"


class GoalStatus(enum.StrEnum):
    """Where a development goal stands."""

    ACTIVE = "active"
    MET = "met"
    CANCELLED = "cancelled"


class OfferKind(enum.StrEnum):
    """What a person volunteers for in a week."""

    DUTY = "duty"
    TRAIN = "train"
    EXTRA_SHIFTS = "extra_shifts"
    STATION = "station"


class LeaveKind(enum.StrEnum):
    """Why a person is away."""

    ANNUAL = "annual"
    SICK = "sick"
    TRAINING = "training"
    UNAVAILABLE = "unavailable"


class CECategory(enum.StrEnum):
    """Continuing-education categories that PTCB recertification counts."""

    LAW = "law"
    PATIENT_SAFETY = "patient_safety"
    TECHNICIAN = "technician"
    GENERAL = "general"


class RotaStatus(enum.StrEnum):
    """Whether a rota is still being worked on or has been published to staff."""

    DRAFT = "draft"
    PUBLISHED = "published"


class AssignmentMode(enum.StrEnum):
    """How a person stands at a station: counted in cover, or as a supernumerary trainee."""

    WORKS = "works"
    TRAINEE = "trainee"


class SolveStatus(enum.StrEnum):
    """The life of a solve run."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STOPPED = "stopped"


# ----- association tables ---------------------------------------------------

station_competencies = Table(
    "station_competencies",
    db.metadata,
    Column("station_id", ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True),
    Column("competency_id", ForeignKey("competencies.id", ondelete="CASCADE"), primary_key=True),
)

shift_type_forbidden_next = Table(
    "shift_type_forbidden_next",
    db.metadata,
    Column("shift_type_id", ForeignKey("shift_types.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "next_shift_type_id", ForeignKey("shift_types.id", ondelete="CASCADE"), primary_key=True
    ),
)

duty_shift_types = Table(
    "duty_shift_types",
    db.metadata,
    Column("duty_id", ForeignKey("duties.id", ondelete="CASCADE"), primary_key=True),
    Column("shift_type_id", ForeignKey("shift_types.id", ondelete="CASCADE"), primary_key=True),
)

duty_people = Table(
    "duty_people",
    db.metadata,
    Column("duty_id", ForeignKey("duties.id", ondelete="CASCADE"), primary_key=True),
    Column("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True),
)


# ----- sites and rules ------------------------------------------------------


class SiteGroup(db.Model):
    """Sites planned together, so staff may train or cover across them."""

    __tablename__ = "site_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)

    sites: Mapped[list[Site]] = relationship(back_populates="group")


class RatioRuleSet(db.Model):
    """A pharmacist-to-technician ratio law for a jurisdiction and setting, with its source."""

    __tablename__ = "ratio_rule_sets"
    __table_args__ = (
        UniqueConstraint("jurisdiction", "setting", "effective_date"),
        CheckConstraint("techs_per_pharmacist >= 0", name="techs_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction: Mapped[str]
    setting: Mapped[str]  # e.g. "hospital", "community"
    techs_per_pharmacist: Mapped[int]
    offset: Mapped[int] = mapped_column(default=0)
    certified_extra: Mapped[int] = mapped_column(default=0)
    trainees_count: Mapped[bool] = mapped_column(default=True)
    formula: Mapped[str] = mapped_column(default="")
    source: Mapped[str] = mapped_column(default="")
    effective_date: Mapped[date | None]

    sites: Mapped[list[Site]] = relationship(back_populates="ratio_rule")

    @property
    def label(self) -> str:
        """A short name such as 'Florida hospital 1:4'."""
        return f"{self.jurisdiction} {self.setting} 1:{self.techs_per_pharmacist}"


class Site(db.Model):
    """A pharmacy with its own time zone, hours, stations and shifts."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    kind: Mapped[SiteKind] = mapped_column(str_enum(SiteKind))
    timezone: Mapped[str] = mapped_column(default="UTC")  # IANA name, e.g. America/Chicago
    open_24_7: Mapped[bool] = mapped_column(default=False)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("site_groups.id"))
    ratio_rule_id: Mapped[int | None] = mapped_column(ForeignKey("ratio_rule_sets.id"))

    group: Mapped[SiteGroup | None] = relationship(back_populates="sites")
    ratio_rule: Mapped[RatioRuleSet | None] = relationship(back_populates="sites")
    opening_hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="site", cascade="all, delete-orphan", order_by="OpeningHours.weekday"
    )
    staff: Mapped[list[Staff]] = relationship(back_populates="home_site")
    stations: Mapped[list[Station]] = relationship(
        back_populates="site", cascade="all, delete-orphan", order_by="Station.id"
    )
    shift_types: Mapped[list[ShiftType]] = relationship(
        back_populates="site", cascade="all, delete-orphan", order_by="ShiftType.start"
    )
    duties: Mapped[list[Duty]] = relationship(back_populates="site", cascade="all, delete-orphan")
    rotas: Mapped[list[Rota]] = relationship(
        back_populates="site", order_by="(Rota.week_start, Rota.version)"
    )

    def __repr__(self) -> str:
        return f"<Site {self.name!r}>"


class OpeningHours(db.Model):
    """When a site that is not open around the clock opens and closes on a weekday."""

    __tablename__ = "opening_hours"
    __table_args__ = (
        UniqueConstraint("site_id", "weekday"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    weekday: Mapped[int]  # 0 = Monday
    opens: Mapped[time]
    closes: Mapped[time]

    site: Mapped[Site] = relationship(back_populates="opening_hours")


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


# ----- stations, shifts, cover, duties -------------------------------------


class Station(db.Model):
    """A place at a site that needs cover by people holding all its competencies."""

    __tablename__ = "stations"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    name: Mapped[str]

    site: Mapped[Site] = relationship(back_populates="stations")
    competencies: Mapped[list[Competency]] = relationship(
        secondary=station_competencies, back_populates="stations", order_by="Competency.id"
    )
    cover: Mapped[list[CoverRequirement]] = relationship(
        back_populates="station", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Station {self.name!r}>"


class ShiftType(db.Model):
    """A shift pattern at a site; it may cross midnight and may forbid some shifts next day."""

    __tablename__ = "shift_types"
    __table_args__ = (
        UniqueConstraint("site_id", "code"),
        CheckConstraint("max_per_week IS NULL OR max_per_week >= 0", name="max_per_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    code: Mapped[str]
    name: Mapped[str]
    start: Mapped[time]
    end: Mapped[time]
    night: Mapped[bool] = mapped_column(default=False)
    weekdays: Mapped[str] = mapped_column(default=ALL_WEEKDAYS)  # days it runs, "0123456"
    max_per_week: Mapped[int | None]  # per person

    site: Mapped[Site] = relationship(back_populates="shift_types")
    forbidden_next: Mapped[list[ShiftType]] = relationship(
        secondary=shift_type_forbidden_next,
        primaryjoin=lambda: ShiftType.id == shift_type_forbidden_next.c.shift_type_id,
        secondaryjoin=lambda: ShiftType.id == shift_type_forbidden_next.c.next_shift_type_id,
    )

    @property
    def minutes(self) -> int:
        """Length in minutes, adding a day when the shift ends after midnight."""
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return end - start if end > start else end - start + 24 * 60

    def runs_on(self, weekday: int) -> bool:
        """Whether this shift is worked on a weekday (0 = Monday)."""
        return str(weekday) in self.weekdays

    def __repr__(self) -> str:
        return f"<ShiftType {self.code}>"


class CoverRequirement(db.Model):
    """Head count wanted at a station on a shift: per weekday, or on one date overriding it."""

    __tablename__ = "cover_requirements"
    __table_args__ = (
        CheckConstraint("(weekday IS NULL) != (on_date IS NULL)", name="weekday_xor_date"),
        CheckConstraint("weekday IS NULL OR weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("minimum >= 0 AND ideal >= minimum", name="head_count"),
        UniqueConstraint("station_id", "shift_type_id", "weekday", "on_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"))
    shift_type_id: Mapped[int] = mapped_column(ForeignKey("shift_types.id", ondelete="CASCADE"))
    weekday: Mapped[int | None]
    on_date: Mapped[date | None]
    minimum: Mapped[int] = mapped_column(default=1)
    ideal: Mapped[int] = mapped_column(default=1)

    station: Mapped[Station] = relationship(back_populates="cover")
    shift_type: Mapped[ShiftType] = relationship()


class Duty(db.Model):
    """Work beyond station cover, done a number of times a week on allowed days and shifts."""

    __tablename__ = "duties"
    __table_args__ = (
        UniqueConstraint("site_id", "name"),
        CheckConstraint("per_week >= 0", name="per_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    name: Mapped[str]
    kind: Mapped[DutyKind] = mapped_column(str_enum(DutyKind))
    minutes: Mapped[int]
    weekdays: Mapped[str | None]  # allowed weekdays as digits; None = any day
    competency_id: Mapped[int | None] = mapped_column(ForeignKey("competencies.id"))
    min_level: Mapped[SkillLevel] = mapped_column(
        str_enum(SkillLevel), default=SkillLevel.INDEPENDENT
    )
    per_week: Mapped[int] = mapped_column(default=1)
    weight: Mapped[int] = mapped_column(default=100)  # priority: cost per missing occurrence

    site: Mapped[Site] = relationship(back_populates="duties")
    competency: Mapped[Competency | None] = relationship()
    shift_types: Mapped[list[ShiftType]] = relationship(secondary=duty_shift_types)
    people: Mapped[list[Staff]] = relationship(secondary=duty_people)  # empty = anyone eligible

    def __repr__(self) -> str:
        return f"<Duty {self.name!r}>"


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


# ----- rotas and solves -----------------------------------------------------


class Rota(db.Model):
    """A site's rota for one week (Monday start): drafts are versioned, one gets published."""

    __tablename__ = "rotas"
    __table_args__ = (UniqueConstraint("site_id", "week_start", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    week_start: Mapped[date]
    status: Mapped[RotaStatus] = mapped_column(str_enum(RotaStatus), default=RotaStatus.DRAFT)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    objective: Mapped[int | None]
    bound: Mapped[float | None]
    solve_status: Mapped[str | None]  # optimal | feasible | infeasible | unknown
    costs: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # the score breakdown
    reasons: Mapped[list[str] | None] = mapped_column(JSON)  # why no rota exists
    notes: Mapped[str] = mapped_column(default="")

    site: Mapped[Site] = relationship(back_populates="rotas")
    assignments: Mapped[list[RotaAssignment]] = relationship(
        back_populates="rota", cascade="all, delete-orphan", order_by="RotaAssignment.on_date"
    )
    solve_runs: Mapped[list[SolveRun]] = relationship(back_populates="rota")

    def __repr__(self) -> str:
        return f"<Rota {self.week_start} v{self.version} {self.status.value}>"


class RotaAssignment(db.Model):
    """One person on one shift of a date at a station or on a duty; trainees name a trainer."""

    __tablename__ = "rota_assignments"
    __table_args__ = (
        CheckConstraint("(station_id IS NULL) != (duty_id IS NULL)", name="station_xor_duty"),
        CheckConstraint("mode = 'trainee' OR trainer_id IS NULL", name="trainer_only_for_trainee"),
        UniqueConstraint("rota_id", "staff_id", "on_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rota_id: Mapped[int] = mapped_column(ForeignKey("rotas.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    on_date: Mapped[date]
    shift_type_id: Mapped[int] = mapped_column(ForeignKey("shift_types.id", ondelete="CASCADE"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"))
    duty_id: Mapped[int | None] = mapped_column(ForeignKey("duties.id", ondelete="CASCADE"))
    mode: Mapped[AssignmentMode] = mapped_column(
        str_enum(AssignmentMode), default=AssignmentMode.WORKS
    )
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    pinned: Mapped[bool] = mapped_column(default=False)

    rota: Mapped[Rota] = relationship(back_populates="assignments")
    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])
    trainer: Mapped[Staff | None] = relationship(foreign_keys=[trainer_id])
    shift_type: Mapped[ShiftType] = relationship()
    station: Mapped[Station | None] = relationship()
    duty: Mapped[Duty | None] = relationship()


class SolveRun(db.Model):
    """One run of the solver for a site's week, with its live progress and outcome."""

    __tablename__ = "solve_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    rota_id: Mapped[int | None] = mapped_column(ForeignKey("rotas.id", ondelete="SET NULL"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    week_start: Mapped[date]
    status: Mapped[SolveStatus] = mapped_column(str_enum(SolveStatus), default=SolveStatus.QUEUED)
    time_limit: Mapped[float]
    best_objective: Mapped[float | None]  # progress: best score so far
    best_bound: Mapped[float | None]  # progress: proven bound so far
    elapsed: Mapped[float] = mapped_column(default=0.0)
    solutions: Mapped[int] = mapped_column(default=0)
    objective: Mapped[int | None]
    bound: Mapped[float | None]
    seconds: Mapped[float | None]
    message: Mapped[str] = mapped_column(default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    rota: Mapped[Rota | None] = relationship(back_populates="solve_runs")
    site: Mapped[Site] = relationship()
