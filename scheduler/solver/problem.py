"""The rota problem as plain, frozen data: no Flask, no SQLAlchemy, no solver.

Days are whole numbers counted from ``Problem.start`` (day 0). A *slot* is a
(day, shift type) pair; its real start and end are absolute minutes from
midnight UTC of ``Problem.start``, computed in the site's time zone, so night
shifts that cross midnight and daylight-saving changes come out right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum, StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo

from .faults import ProblemError, problem_faults
from .priorities import Priorities


class Level(IntEnum):
    """How far a person has come in a competency; higher is more."""

    OBSERVE = 1
    SUPERVISED = 2
    INDEPENDENT = 3
    TRAINER = 4


class Role(StrEnum):
    """A person's job, which decides how they count for the pharmacist ratio."""

    PHARMACIST = "pharmacist"
    TECHNICIAN = "technician"
    TRAINEE = "trainee"  # technician in training; counts for the ratio when the rule says so


class Mode(StrEnum):
    """How a person stands at a station on a shift."""

    WORKS = "works"  # counts toward the station's cover
    TRAINEE = "trainee"  # supernumerary, beside a trainer


@dataclass(frozen=True)
class RatioRule:
    """A pharmacist-to-technician ratio law, applied at every moment of every shift.

    Non-certified technicians (and trainees when ``trainees_count``) may number at
    most ``max(0, techs_per_pharmacist * P + offset)``; all technicians together at
    most ``max(0, (techs_per_pharmacist + certified_extra) * P + offset)``, where P
    is the number of pharmacists on duty at that moment.
    """

    name: str
    techs_per_pharmacist: int
    offset: int = 0
    certified_extra: int = 0
    trainees_count: bool = True
    source: str = ""

    def limits(self, pharmacists: int) -> tuple[int, int]:
        """Return (non-certified limit, total limit) for a number of pharmacists."""
        base = max(0, self.techs_per_pharmacist * pharmacists + self.offset)
        per = self.techs_per_pharmacist + self.certified_extra
        total = max(0, per * pharmacists + self.offset)
        return base, total


@dataclass(frozen=True)
class Site:
    """A pharmacy; its shift times are read in its own time zone."""

    id: str
    name: str
    timezone: str = "UTC"
    ratio: RatioRule | None = None


@dataclass(frozen=True)
class ShiftType:
    """A shift pattern at a site: wall-clock start and nominal length in minutes."""

    id: str
    name: str
    site: str
    start: time = time(0, 0)
    minutes: int = 480
    forbidden_next: frozenset[str] = frozenset()  # shift types that may not follow the next day
    night: bool = False  # undesirable for fairness

    @property
    def crosses_midnight(self) -> bool:
        """Whether the shift ends on the next calendar day."""
        return self.start.hour * 60 + self.start.minute + self.minutes > 24 * 60


@dataclass(frozen=True)
class Competency:
    """A skill a station needs; ``prerequisite`` must be held independently before training."""

    id: str
    name: str
    prerequisite: str | None = None


@dataclass(frozen=True)
class Skill:
    """A person's level in one competency and the last day it is valid (inclusive)."""

    level: Level
    valid_until: date | None = None

    def valid_on(self, day: date) -> bool:
        """Whether this skill may be used on a shift dated ``day``."""
        return self.valid_until is None or day <= self.valid_until


@dataclass(frozen=True)
class Contract:
    """Labour rules for one person over the planning horizon (history already netted out)."""

    min_minutes: int = 0
    max_minutes: int | None = None
    max_consecutive_days: int | None = None
    min_consecutive_days: int = 1
    min_consecutive_days_off: int = 1
    max_weekends: int | None = None
    max_shifts: dict[str, int] = field(default_factory=dict)  # shift type id -> most of that type
    min_rest_minutes: int = 0


@dataclass(frozen=True)
class PastShift:
    """A shift worked before the horizon (day is negative: -1 is the day before day 0)."""

    day: int
    shift: str


@dataclass(frozen=True)
class Person:
    """Someone who can be put on the rota."""

    id: str
    name: str
    role: Role
    site: str
    certified: bool = False
    skills: dict[str, Skill] = field(default_factory=dict)
    contract: Contract = field(default_factory=Contract)
    unavailable: frozenset[tuple[int, str | None]] = frozenset()  # (day, shift or None=all day)
    history: tuple[PastShift, ...] = ()
    max_trainees: int = 1  # trainees this person may supervise at once, as a trainer
    # shared work over the site's fairness window before the horizon, by kind: "night",
    # "weekend", "duty:<duty id>", "training" (a kind not listed counts 0)
    past: dict[str, int] = field(default_factory=dict)

    def skill(self, competency: str, day: date) -> Level | None:
        """The level held in ``competency`` on ``day``, or None when absent or lapsed."""
        held = self.skills.get(competency)
        if held is None or not held.valid_on(day):
            return None
        return held.level

    def is_unavailable(self, day: int, shift: str) -> bool:
        """Whether leave or unavailability rules this slot out."""
        return (day, None) in self.unavailable or (day, shift) in self.unavailable


@dataclass(frozen=True)
class Station:
    """A place at a site that needs cover by people holding every listed competency."""

    id: str
    name: str
    site: str
    competencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cover:
    """Head count wanted at a station on one slot; shortfalls are penalised, never forbidden."""

    day: int
    shift: str
    station: str
    minimum: int
    ideal: int
    under_weight: int = 1000  # per head below the minimum
    ideal_weight: int = 20  # per head below the ideal (on top of under_weight below the minimum)
    over_weight: int = 0  # per head above the ideal


@dataclass(frozen=True)
class Duty:
    """Work beyond station cover (inventory, restock, QI, protected learning) done on a shift."""

    id: str
    name: str
    site: str
    minutes: int
    per_week: int = 1
    per_day: int | None = None  # most occurrences on one day (a daily batch: 1); None = no cap
    days: frozenset[int] | None = None  # weekdays allowed (0=Monday); None = any
    shifts: frozenset[str] | None = None  # shift types allowed; None = any
    competency: str | None = None
    min_level: Level = Level.INDEPENDENT
    people: frozenset[str] | None = None  # only these people may take it (protected learning)
    weight: int = 100  # per missing occurrence
    required: bool = False  # a required duty ranks with station cover (level 1)


@dataclass(frozen=True)
class Goal:
    """A development goal: supervised shifts still needed toward a competency level."""

    id: str
    person: str
    competency: str
    target_level: Level
    shifts_needed: int
    deadline: date | None = None
    priority: int = 2  # 1 low, 2 normal, 3 high


class OfferKind(StrEnum):
    """What a person volunteers for."""

    DUTY = "duty"
    TRAIN = "train"
    EXTRA_SHIFTS = "extra_shifts"
    STATION = "station"


@dataclass(frozen=True)
class Offer:
    """Something a person volunteered for this horizon."""

    person: str
    kind: OfferKind
    duty: str | None = None
    station: str | None = None
    count: int = 1
    weight: int = 30


@dataclass(frozen=True)
class Request:
    """A wish to work (want) or not work (don't want) a shift, or a whole day when shift is None."""

    person: str
    day: int
    shift: str | None
    want: bool
    weight: int = 10


@dataclass(frozen=True)
class Assignment:
    """One person on one slot at a station or duty; a trainee names the trainer beside them."""

    person: str
    day: int
    shift: str
    activity: str  # station id or duty id
    mode: Mode = Mode.WORKS
    trainer: str | None = None


@dataclass(frozen=True)
class Weights:
    """Weights of the soft rules that are not carried by the data itself."""

    goal: int = 40  # per supervised shift short of the week's share, times priority
    volunteer: int = 1  # multiplier on an offer's own weight
    night_fairness: int = 15  # per night shift beyond a fair share
    weekend_fairness: int = 15  # per weekend worked beyond a fair share
    change: int = 50  # per person-day changed against the reference rota
    trainer_variety: int = 5  # per shift beyond two with the same trainer
    minute_short: int = 1  # per minute below the contract's minimum (level 2)
    pattern: int = 600  # per day beyond a run limit, short run or weekend over the contract: more
    # than the 480 minutes of a shift it would take to avoid it, so the limit wins over the hours
    duty_fairness: int = 10  # per occurrence of a duty beyond a fair share
    training_fairness: int = 10  # per training shift beyond a fair share
    change_short_notice: int = 150  # ``change`` on a day before ``Problem.short_notice_days``
    change_person: int = 100  # per person whose shifts change at all


@dataclass(frozen=True)
class Rota:
    """A rota: the assignments of a horizon."""

    assignments: tuple[Assignment, ...]


@dataclass(frozen=True)
class Problem:
    """Everything one solve needs, as plain data."""

    start: date
    days: int
    sites: tuple[Site, ...]
    shift_types: tuple[ShiftType, ...]
    competencies: tuple[Competency, ...]
    stations: tuple[Station, ...]
    people: tuple[Person, ...]
    cover: tuple[Cover, ...] = ()
    duties: tuple[Duty, ...] = ()
    goals: tuple[Goal, ...] = ()
    offers: tuple[Offer, ...] = ()
    requests: tuple[Request, ...] = ()
    pins: tuple[Assignment, ...] = ()
    reference: tuple[Assignment, ...] | None = None
    # days 0 .. kept_days - 1 hold exactly ``kept``: days already worked, or before a sick call
    kept: tuple[Assignment, ...] = ()
    kept_days: int = 0
    short_notice_days: int = 0  # a change on a day before this one counts as short notice
    history_days: int = 0  # how many days before day 0 the people's history covers
    fairness_weeks: int = 8  # the published weeks Person.past counts (said in sentences only)
    weights: Weights = field(default_factory=Weights)
    priorities: Priorities = field(default_factory=Priorities)

    def __post_init__(self) -> None:
        """Refuse a problem with faults: one ProblemError listing every one (``faults.py``)."""
        faults = problem_faults(self)
        if faults:
            raise ProblemError(faults)

    # ----- lookups -------------------------------------------------------

    @cached_property
    def site(self) -> dict[str, Site]:
        """Sites by id."""
        return {s.id: s for s in self.sites}

    @cached_property
    def shift(self) -> dict[str, ShiftType]:
        """Shift types by id."""
        return {s.id: s for s in self.shift_types}

    @cached_property
    def competency(self) -> dict[str, Competency]:
        """Competencies by id."""
        return {c.id: c for c in self.competencies}

    @cached_property
    def station(self) -> dict[str, Station]:
        """Stations by id."""
        return {s.id: s for s in self.stations}

    @cached_property
    def duty(self) -> dict[str, Duty]:
        """Duties by id."""
        return {d.id: d for d in self.duties}

    @cached_property
    def person(self) -> dict[str, Person]:
        """People by id."""
        return {p.id: p for p in self.people}

    @cached_property
    def goals_of(self) -> dict[str, tuple[Goal, ...]]:
        """Development goals by person id."""
        out: dict[str, list[Goal]] = {}
        for g in self.goals:
            out.setdefault(g.person, []).append(g)
        return {k: tuple(v) for k, v in out.items()}

    def activity_site(self, activity: str) -> str:
        """The site of a station or duty id."""
        if activity in self.station:
            return self.station[activity].site
        return self.duty[activity].site

    # ----- calendar ------------------------------------------------------

    def date_of(self, day: int) -> date:
        """The calendar date of a day index."""
        return self.start + timedelta(days=day)

    def is_weekend(self, day: int) -> bool:
        """Whether a day index falls on Saturday or Sunday."""
        return self.date_of(day).weekday() >= 5

    @cached_property
    def weekends(self) -> tuple[tuple[int, ...], ...]:
        """The weekends touched by the horizon, each as its day indices inside the horizon."""
        groups: dict[date, list[int]] = {}
        for d in range(self.days):
            if self.is_weekend(d):
                the_date = self.date_of(d)
                saturday = the_date - timedelta(days=the_date.weekday() - 5)
                groups.setdefault(saturday, []).append(d)
        return tuple(tuple(v) for _, v in sorted(groups.items()))

    @cached_property
    def weeks(self) -> tuple[tuple[int, ...], ...]:
        """The horizon cut into runs of seven days from day 0 (the last may be shorter)."""
        return tuple(tuple(range(w, min(w + 7, self.days))) for w in range(0, self.days, 7))

    def day_label(self, day: int) -> str:
        """A short human label such as 'Tue 3 Mar'."""
        d = self.date_of(day)
        return f"{d:%a} {d.day} {d:%b}"

    def slot_label(self, day: int, shift: str) -> str:
        """A short human label such as 'Tue 3 Mar night'."""
        return f"{self.day_label(day)} {self.shift[shift].name.lower()}"

    # ----- time ----------------------------------------------------------

    @cached_property
    def _epoch(self) -> datetime:
        return datetime.combine(self.start, time(0, 0), tzinfo=UTC)

    def slot_window(self, day: int, shift: str) -> tuple[int, int]:
        """Absolute (start, end) minutes of a slot from midnight UTC of day 0.

        The shift starts at its wall-clock time in the site's zone and ends at the
        wall-clock time ``minutes`` later, so a night across a daylight-saving change
        is an hour shorter or longer than usual.
        """
        key = (day, shift)
        found = self._windows.get(key)
        if found is None:
            st = self.shift[shift]
            zone = ZoneInfo(self.site[st.site].timezone)
            local_start = datetime.combine(self.date_of(day), st.start)
            local_end = local_start + timedelta(minutes=st.minutes)
            a = local_start.replace(tzinfo=zone).astimezone(UTC)
            b = local_end.replace(tzinfo=zone).astimezone(UTC)
            found = (
                int((a - self._epoch).total_seconds() // 60),
                int((b - self._epoch).total_seconds() // 60),
            )
            self._windows[key] = found
        return found

    @cached_property
    def _windows(self) -> dict[tuple[int, str], tuple[int, int]]:
        return {}

    def slot_minutes(self, day: int, shift: str) -> int:
        """Real length of a slot in minutes (differs from nominal across a clock change)."""
        a, b = self.slot_window(day, shift)
        return b - a

    # ----- who may stand where ------------------------------------------

    def can_work(self, person: Person, station: Station, day: int) -> bool:
        """Whether a person counts toward the station's cover on that day."""
        if station.site != person.site:
            return False
        on = self.date_of(day)
        return all((person.skill(c, on) or 0) >= Level.INDEPENDENT for c in station.competencies)

    def training_competencies(self, person: Person, station: Station, day: int) -> tuple[str, ...]:
        """Competencies a person would train in at a station, or () when they cannot train there.

        A person may stand at a station as a trainee when every competency it needs is
        either held independently or being learned (observe or supervised level, or a
        development goal) with its prerequisite held independently. At another site of
        the group, only a development goal takes them there.
        """
        on = self.date_of(day)
        goal_comps = {g.competency for g in self.goals_of.get(person.id, ())}
        learning: list[str] = []
        for c in station.competencies:
            level = person.skill(c, on) or 0
            if level >= Level.INDEPENDENT:
                continue
            held = person.skills.get(c)
            in_training = c in goal_comps or (held is not None and held.level < Level.INDEPENDENT)
            if not in_training:
                return ()
            prereq = self.competency[c].prerequisite if c in self.competency else None
            if prereq and (person.skill(prereq, on) or 0) < Level.INDEPENDENT:
                return ()
            learning.append(c)
        if not learning:
            return ()
        if station.site != person.site and not goal_comps.intersection(learning):
            return ()
        return tuple(learning)

    def can_train(self, trainer: Person, competencies: tuple[str, ...], day: int) -> bool:
        """Whether a person may supervise trainees in all these competencies on that day."""
        on = self.date_of(day)
        return trainer.role is not Role.TRAINEE and all(
            (trainer.skill(c, on) or 0) >= Level.TRAINER for c in competencies
        )

    def can_do_duty(self, person: Person, duty: Duty, day: int, shift: str) -> bool:
        """Whether a person may take a duty on a slot."""
        if duty.site != person.site or self.shift[shift].site != duty.site:
            return False
        if duty.people is not None and person.id not in duty.people:
            return False
        if duty.days is not None and self.date_of(day).weekday() not in duty.days:
            return False
        if duty.shifts is not None and shift not in duty.shifts:
            return False
        if duty.competency is None:
            return True
        return (person.skill(duty.competency, self.date_of(day)) or 0) >= duty.min_level

    def shifts_at(self, site: str) -> tuple[ShiftType, ...]:
        """Shift types of a site."""
        return tuple(s for s in self.shift_types if s.site == site)

    def weeks_to(self, deadline: date | None) -> int:
        """Whole weeks from day 0 to a deadline, at least 1 (no deadline counts as 8 weeks)."""
        if deadline is None:
            return 8
        return max(1, math.ceil((deadline - self.start).days / 7))
