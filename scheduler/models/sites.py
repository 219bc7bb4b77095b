"""Sites and their rules: ratio laws, opening hours, stations, shift types, cover and duties."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Table, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import ALL_WEEKDAYS, DutyKind, SiteKind, SkillLevel, str_enum

if TYPE_CHECKING:
    from .people import Competency, Staff
    from .rotas import Rota


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


def in_use(rows: list) -> list:
    """The rows of a list that are not archived, in their order."""
    return [row for row in rows if row.archived_at is None]


def zone_of(name: str) -> ZoneInfo:
    """A time zone by its IANA name, or UTC when the name is not a known zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


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
    # how the site ranks the soft rules: {"levels": {rule: 3|4}, "strengths": {rule: name}};
    # None = the documented defaults (solver/priorities.py)
    priorities: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # nights, weekends, duties and training are shared over this many published weeks
    fairness_weeks: Mapped[int] = mapped_column(default=8, server_default="8")

    group: Mapped[SiteGroup | None] = relationship(back_populates="sites")
    ratio_rule: Mapped[RatioRuleSet | None] = relationship(back_populates="sites")
    opening_hours: Mapped[list[OpeningHours]] = relationship(
        back_populates="site", cascade="all, delete-orphan", order_by="OpeningHours.weekday"
    )
    staff: Mapped[list[Staff]] = relationship(back_populates="home_site", order_by="Staff.id")
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

    @property
    def zone(self) -> ZoneInfo:
        """The site's time zone (UTC when its name is not a known zone)."""
        return zone_of(self.timezone)

    @property
    def stations_in_use(self) -> list[Station]:
        """The site's stations that are not archived (what lists, pickers and new rotas show)."""
        return in_use(self.stations)

    @property
    def shift_types_in_use(self) -> list[ShiftType]:
        """The site's shift types that are not archived, by start time."""
        return in_use(self.shift_types)

    @property
    def duties_in_use(self) -> list[Duty]:
        """The site's duties that are not archived, by id."""
        return sorted(in_use(self.duties), key=lambda d: d.id)

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


# ----- stations, shifts, cover, duties -------------------------------------


class Station(db.Model):
    """A place at a site that needs cover by people holding all its competencies."""

    __tablename__ = "stations"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    name: Mapped[str]
    # archived: kept for history (past rotas name it), gone from lists and new rotas
    archived_at: Mapped[datetime | None]

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
    archived_at: Mapped[datetime | None]  # kept for history, gone from lists and new rotas

    site: Mapped[Site] = relationship(back_populates="shift_types")
    forbidden_next: Mapped[list[ShiftType]] = relationship(
        secondary=shift_type_forbidden_next,
        primaryjoin=lambda: ShiftType.id == shift_type_forbidden_next.c.shift_type_id,
        secondaryjoin=lambda: ShiftType.id == shift_type_forbidden_next.c.next_shift_type_id,
    )

    @property
    def minutes(self) -> int:
        """Length in minutes, a day more when it ends past midnight; 0 when it ends as it starts."""
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return end - start if end >= start else end - start + 24 * 60

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
    per_day: Mapped[int | None]  # most on one day (a daily batch: 1); None = no cap
    weight: Mapped[int] = mapped_column(default=100)  # priority: cost per missing occurrence
    # a required duty ranks with station cover (level 1); others with the site-ranked rules
    required: Mapped[bool] = mapped_column(default=False, server_default=false())
    archived_at: Mapped[datetime | None]  # kept for history, gone from lists and new rotas

    site: Mapped[Site] = relationship(back_populates="duties")
    competency: Mapped[Competency | None] = relationship()
    shift_types: Mapped[list[ShiftType]] = relationship(secondary=duty_shift_types)
    people: Mapped[list[Staff]] = relationship(secondary=duty_people)  # empty = anyone eligible

    def __repr__(self) -> str:
        return f"<Duty {self.name!r}>"
