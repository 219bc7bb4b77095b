"""What a rota's pages read: labels, the wall chart, the rota by person, a solve in words,
the score explained, and a person's published shifts.

Dates are the site's own calendar dates and shift times its wall-clock times, so
nothing here converts time zones; a night that ends after midnight shows "(+1)".
Changing a rota's state (approval, publishing, new drafts, the edit lock) is
:mod:`.rota_workflow`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import inspect
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..filters import shift_times
from ..models import (
    AssignmentMode,
    Duty,
    Leave,
    Rota,
    RotaAssignment,
    RotaStatus,
    ShiftType,
    Site,
    SolveRun,
    SolveStatus,
    Staff,
    StaffRole,
    Station,
)
from ..solver.penalties import Cost
from .rota_lookup import latest_rota, planned_with, published_rota
from .run_messages import listed_conflicts, listed_faults
from .score_data import stored_costs
from .scores import RotaScore, rota_breakdown, rota_score, scored
from .solver_terms import IdMap

# ----- small labels ------------------------------------------------------------


def status_label(rota: Rota) -> str:
    """The rota's state in words: Draft, Awaiting approval, Approved, Published or Superseded."""
    if rota.status is RotaStatus.PUBLISHED:
        current = published_rota(rota.site_id, rota.week_start)
        return "Published" if current is None or current.id == rota.id else "Superseded"
    if rota.approved_at is not None:
        return "Approved"
    if rota.submitted_at is not None:
        return "Awaiting approval"
    return "Draft"


def versions(site_id: int, week_start: date) -> list[Rota]:
    """Every version of a site's week, newest first."""
    return list(
        db.session.scalars(
            db.select(Rota)
            .where(Rota.site_id == site_id, Rota.week_start == week_start)
            .order_by(Rota.version.desc())
        )
    )


def find_version(site_id: int, week_start: date, version: int | None) -> Rota | None:
    """One version of a site's week, or the latest when ``version`` is None."""
    if version is None:
        return latest_rota(site_id, week_start)
    return db.session.scalar(
        db.select(Rota).where(
            Rota.site_id == site_id, Rota.week_start == week_start, Rota.version == version
        )
    )


# ----- reading a rota's people at once ----------------------------------------------


def with_people(*rotas: Rota | None) -> None:
    """Read everyone on the rotas' assignments (each person and trainer) in one statement
    and attach them, so naming them all sends no statement per person."""
    missing: list[tuple[RotaAssignment, str, int]] = []  # (assignment, relationship, staff id)
    for rota in rotas:
        for a in rota.assignments if rota is not None else ():
            unloaded = inspect(a).unloaded
            if "staff" in unloaded:
                missing.append((a, "staff", a.staff_id))
            if "trainer" in unloaded and a.trainer_id is not None:
                missing.append((a, "trainer", a.trainer_id))
    if not missing:
        return
    wanted = {staff_id for _a, _key, staff_id in missing}
    people = {s.id: s for s in db.session.scalars(db.select(Staff).where(Staff.id.in_(wanted)))}
    for a, key, staff_id in missing:
        if staff_id in people:
            set_committed_value(a, key, people[staff_id])


# ----- the wall chart (by station) ----------------------------------------------


@dataclass
class Entry:
    """One person in a cell of the wall chart."""

    assignment: RotaAssignment | None  # None on a running solve's rota (nothing stored yet)
    name: str
    trainee: bool = False
    trainer_name: str | None = None
    trainees: list[str] = field(default_factory=list)  # trainees beside this person

    @property
    def pinned(self) -> bool:
        """Whether the assignment is pinned by hand."""
        return self.assignment is not None and self.assignment.pinned


@dataclass
class Cell:
    """One station or duty on one shift of one day."""

    day: date
    shift: ShiftType
    entries: list[Entry] = field(default_factory=list)
    short: int = 0  # heads below the minimum
    minimum: int | None = None
    below_ideal: int = 0
    ideal: int | None = None
    why: list[str] = field(default_factory=list)  # why nobody else filled a gap, person by person

    @property
    def gap(self) -> str:
        """'1 of 2 (1 short)' when below the minimum, '' otherwise."""
        if self.short and self.minimum is not None:
            return f"{self.minimum - self.short} of {self.minimum} ({self.short} short)"
        return ""


@dataclass
class ChartRow:
    """A station (or a duty) down the side of the wall chart, with one cell per column."""

    label: str
    kind: str  # "station" | "duty"
    id: int
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Column:
    """One shift of one day across the top of the wall chart."""

    day: date
    shift: ShiftType


@dataclass
class WallChart:
    """The rota by station: days and shifts across, stations and duties down."""

    days: list[date]
    columns: list[Column]
    rows: list[ChartRow]

    def columns_of(self, day: date) -> int:
        """How many shift columns a day has (for the header's colspan)."""
        return sum(1 for c in self.columns if c.day == day)

    @property
    def gaps(self) -> int:
        """Cells below their minimum cover."""
        return sum(1 for row in self.rows for cell in row.cells if cell.short)


def week_days(week_start: date) -> list[date]:
    """The seven dates of a week."""
    return [week_start + timedelta(days=d) for d in range(7)]


def _cover_gaps(rota: Rota) -> dict[tuple[int, str, str], dict]:
    """Cover shortfalls from the stored costs, by (day, shift key, station key)."""
    out: dict[tuple[int, str, str], dict] = {}
    for cost in rota.costs or []:
        if cost.get("family") != "cover":
            continue
        subject = cost.get("subject") or {}
        key = (subject.get("day"), subject.get("shift"), subject.get("activity"))
        side = cost["key"].rsplit(":", 1)[-1]
        out.setdefault(key, {})[side] = cost
    return out


@dataclass(frozen=True)
class ShownRows:
    """The shift types, stations and duties a rota's pages lay out."""

    shifts: list[ShiftType]
    stations: list[Station]
    duties: list[Duty]


def shown_rows(rota: Rota, gaps: dict | None = None) -> ShownRows:
    """The site's shift types, stations and duties in use, and the archived ones the rota
    names (in its assignments or its gaps, ``_cover_gaps``): a rota made before they were
    archived shows them as it had them, a newer one leaves them out."""
    site = rota.site
    named = set()
    for a in rota.assignments:
        named.add(IdMap.key("shift", a.shift_type_id))
        named.add(
            IdMap.key("station", a.station_id) if a.station_id else IdMap.key("duty", a.duty_id)
        )
    for _day, shift, activity in gaps if gaps is not None else _cover_gaps(rota):
        named |= {shift, activity}

    def shown(kind: str, row) -> bool:
        return row.archived_at is None or IdMap.key(kind, row.id) in named

    return ShownRows(
        [st for st in site.shift_types if shown("shift", st)],
        [st for st in site.stations if shown("station", st)],
        [d for d in sorted(site.duties, key=lambda d: d.id) if shown("duty", d)],
    )


def wall_chart(rota: Rota) -> WallChart:
    """The rota laid out by station, trainees paired with trainers, cover gaps marked."""
    with_people(rota)
    days = week_days(rota.week_start)
    gaps = _cover_gaps(rota)
    shown = shown_rows(rota, gaps)
    columns = [Column(d, st) for d in days for st in shown.shifts if st.runs_on(d.weekday())]
    by_key: dict[tuple[str, int, date, int], list[RotaAssignment]] = {}
    for a in rota.assignments:
        kind, ident = ("station", a.station_id) if a.station_id else ("duty", a.duty_id)
        by_key.setdefault((kind, ident, a.on_date, a.shift_type_id), []).append(a)
    rows = []
    things = [("station", s.id, s.name) for s in shown.stations]
    things += [("duty", d.id, d.name) for d in shown.duties]
    for kind, ident, name in things:
        row = ChartRow(name, kind, ident)
        for col in columns:
            cell = Cell(col.day, col.shift)
            here = by_key.get((kind, ident, col.day, col.shift.id), [])
            cell.entries = _entries(here)
            if kind == "station":
                found = gaps.get(
                    (
                        (col.day - rota.week_start).days,
                        IdMap.key("shift", col.shift.id),
                        IdMap.key("station", ident),
                    ),
                    {},
                )
                workers = sum(1 for a in here if a.mode is AssignmentMode.WORKS)
                if "under" in found:
                    cell.short = found["under"]["amount"]
                    cell.minimum = workers + cell.short
                    cell.why = list(found["under"].get("why") or ())
                if "ideal" in found:
                    cell.below_ideal = found["ideal"]["amount"]
                    cell.ideal = workers + cell.below_ideal
            row.cells.append(cell)
        rows.append(row)
    return WallChart(days, columns, rows)


def live_chart(site: Site, week_start: date, rows: list[dict]) -> WallChart:
    """A running solve's best rota so far (``SolveRun.best_rota`` rows) laid out by station.

    Stations only (duties wait for the stored draft), each person named, trainees
    with their trainer; a gap row marks its cell short. Nothing here is in the
    database as a rota yet, so the entries carry no assignment.
    """
    days = week_days(week_start)
    shifts = site.shift_types_in_use
    columns = [Column(d, st) for d in days for st in shifts if st.runs_on(d.weekday())]
    wanted = {r["staff"] for r in rows if r.get("staff")}
    wanted |= {r["trainer"] for r in rows if r.get("trainer")}
    names = dict(
        db.session.execute(db.select(Staff.id, Staff.name).where(Staff.id.in_(wanted))).all()
    )
    cells: dict[tuple[int, str, int], list[dict]] = {}
    short: dict[tuple[int, str, int], int] = {}
    for r in rows:
        if r.get("station") is None:
            continue
        key = (r["station"], r["date"], r["shift"])
        if r.get("staff") is None:
            short[key] = short.get(key, 0) + int(r.get("short") or 0)
        else:
            cells.setdefault(key, []).append(r)
    out = []
    for station in site.stations_in_use:
        row = ChartRow(station.name, "station", station.id)
        for col in columns:
            key = (station.id, col.day.isoformat(), col.shift.id)
            here = sorted(
                cells.get(key, []),
                key=lambda r: (r["mode"] == "trainee", names.get(r["staff"], "")),
            )
            cell = Cell(col.day, col.shift, short=short.get(key, 0))
            for r in here:
                trainee = r["mode"] == AssignmentMode.TRAINEE.value
                cell.entries.append(
                    Entry(
                        None,
                        names.get(r["staff"], "?"),
                        trainee,
                        names.get(r.get("trainer")) if trainee else None,
                    )
                )
            row.cells.append(cell)
        out.append(row)
    return WallChart(days, columns, out)


def live_gaps(rows: list[dict] | None) -> int | None:
    """People missing on the cover of a running solve's best rota (None before the first rota)."""
    if rows is None:
        return None
    return sum(int(r.get("short") or 0) for r in rows if r.get("staff") is None)


# ----- a solve in words ---------------------------------------------------------------

RUN_STATES = {
    "queued": "waiting for a worker",
    "running": "solving",
    "done": "done",
    "stopped": "stopped",
    "failed": "failed",
}


def run_state(status: str, stopping: bool = False) -> str:
    """A solve's state in a word or two: 'solving', 'stopping', 'done', 'failed'..."""
    if stopping and status in ("queued", "running"):
        return "stopping"
    return RUN_STATES.get(status, status)


def run_said(
    status: str,
    quality: str,
    found: bool,
    version: int | None,
    stopping: bool = False,
    solved_with: str | None = None,
) -> str:
    """What a page says (and a screen reader announces) about a solve: its state and its best
    rota's quality in words, never a raw bound and never the grid.

    ``found`` says whether a rota has been found yet, ``version`` the draft stored at the end;
    ``solved_with`` names the site whose solve makes this site's draft too (a group solve
    started there), whose gaps and quality are not this site's to announce.
    """
    state = run_state(status, stopping).capitalize()
    ended = status in ("done", "stopped", "failed")
    if ended and version is None:
        return f"{state}: no rota was stored."
    if solved_with is not None:
        verb = "solved" if ended else "being solved"
        return f"{state}: this week is {verb} with {solved_with}."
    if ended:
        return f"{state}: version {version}" + (f", {quality}." if quality else ".")
    if status == "queued":
        return f"{state}."
    if not found:
        return f"{state}: no rota found yet."
    return f"{state}: best rota so far, {quality}." if quality else f"{state}: a rota is found."


def run_outcome(run: SolveRun, site: Site) -> str:
    """A finished solve in a sentence for the week page that followed it.

    '' while it runs, and when the page lists why it found no rota itself (set-up
    faults or conflicting rules); ``site`` is the page's site, which may be another
    site planned together with the run's.
    """
    if run.status in (SolveStatus.QUEUED, SolveStatus.RUNNING):
        return ""
    ended = "was stopped" if run.status is SolveStatus.STOPPED else "is done"
    if run.rota is not None and run.site_id == site.id:
        return f"Solve {run.id} {ended}: version {run.rota.version} is its new draft."
    if run.rota is not None:
        return f"Solve {run.id} of {run.site.name} {ended}: it made a new draft of {site.name} too."
    if listed_conflicts(run.message) or listed_faults(run.message):
        return ""
    return f"Solve {run.id} ended without a rota. {run.message or 'Nothing was stored.'}"


def _entries(assignments: list[RotaAssignment]) -> list[Entry]:
    """People in one cell: workers first (each with their trainees), then trainees."""
    entries = {}
    for a in sorted(assignments, key=lambda a: (a.mode is AssignmentMode.TRAINEE, a.staff.name)):
        trainee = a.mode is AssignmentMode.TRAINEE
        entries[a.staff_id] = Entry(
            a, a.staff.name, trainee, a.trainer.name if trainee and a.trainer else None
        )
    for a in assignments:
        if a.mode is AssignmentMode.TRAINEE and a.trainer_id in entries:
            entries[a.trainer_id].trainees.append(a.staff.name)
    return list(entries.values())


# ----- by person ------------------------------------------------------------------


def _lower_first(text: str) -> str:
    """A sentence's first letter in lower case, so it reads inside another sentence."""
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class Visit:
    """A person's shift at another site of their group, as that site's rota stores it."""

    site: Site
    assignment: RotaAssignment
    trainees: tuple[str, ...] = ()  # whom this person trains there on the shift

    @property
    def shift(self) -> ShiftType:
        """The host site's shift type."""
        return self.assignment.shift_type

    @property
    def where(self) -> str:
        """The station, or the duty followed by '(duty)'."""
        a = self.assignment
        return a.station.name if a.station is not None else f"{a.duty.name} (duty)"

    @property
    def training(self) -> str:
        """'Trainee with Nora', 'Trains Sam, Lee', or '' when no one trains or is trained."""
        a = self.assignment
        if a.mode is AssignmentMode.TRAINEE:
            return f"Trainee with {a.trainer.name if a.trainer else 'no trainer named'}"
        if self.trainees:
            return f"Trains {', '.join(self.trainees)}"
        return ""

    @property
    def words(self) -> str:
        """'at Riverside Hospital: IV room, day, trainee with Nora'."""
        parts = [self.where, _lower_first(self.shift.name)]
        if self.training:
            parts.append(_lower_first(self.training))
        return f"at {self.site.name}: {', '.join(parts)}"


@dataclass
class PersonDay:
    """What one person does on one day: a shift here, shifts at other sites of the group,
    leave, or a day off."""

    day: date
    assignment: RotaAssignment | None = None
    leave: str = ""  # e.g. 'Annual leave', 'Sick'
    visits: list[Visit] = field(default_factory=list)  # shifts at other sites of the group

    @property
    def off(self) -> bool:
        """Whether the person is neither rostered (here or at another site) nor on leave."""
        return self.assignment is None and not self.visits and not self.leave


@dataclass
class PersonRow:
    """A person down the side of the by-person table, one cell per day."""

    staff: Staff
    days: list[PersonDay]
    minutes: int  # every shift of the week, at this site and at the others of the group
    away: dict[str, int] = field(default_factory=dict)  # site name -> minutes there

    @property
    def hours(self) -> str:
        """Rostered hours this week, at every site of the group, e.g. '32 h' or '37.5 h'."""
        hours = self.minutes / 60
        return f"{hours:g} h"

    @property
    def hours_note(self) -> str:
        """'incl. 8 h at Riverside Hospital' when the hours count shifts at other sites."""
        if not self.away:
            return ""
        parts = [f"{minutes / 60:g} h at {site}" for site, minutes in sorted(self.away.items())]
        return "incl. " + ", ".join(parts)


def group_rotas(rota: Rota, *, published: bool | None = None) -> list[Rota]:
    """The same week's rotas of the other sites planned with the rota's site.

    Which version of each other site's week is read follows the version shown:
    for a draft, the other site's latest version, draft or published (what the
    group is being planned as now); for a published version, the other site's latest
    published version (what staff have been told). ``published=True`` reads only
    published versions whatever ``rota`` is, as pages handed to staff do (a person's
    printed sheet, the calendar). A site without a group has no other rotas.
    """
    if published is None:
        published = rota.status is RotaStatus.PUBLISHED
    others = []
    for site in planned_with(rota.site):
        if site.id == rota.site_id:
            continue
        if published:
            other = published_rota(site.id, rota.week_start)
        else:
            other = latest_rota(site.id, rota.week_start)
        if other is not None:
            others.append(other)
    with_people(*others)
    return others


def group_visits(
    rota: Rota, people: set[int], *, published: bool | None = None
) -> dict[tuple[int, date], list[Visit]]:
    """The shifts of people (by staff id) at the other sites of the rota's group that week,
    by person and day; which versions are read is :func:`group_rotas`'s choice."""
    out: dict[tuple[int, date], list[Visit]] = {}
    for other in group_rotas(rota, published=published):
        trains: dict[tuple[int, date, int], list[str]] = {}
        for a in other.assignments:
            if a.trainer_id is not None:
                key = (a.trainer_id, a.on_date, a.shift_type_id)
                trains.setdefault(key, []).append(a.staff.name)
        for a in other.assignments:
            if a.staff_id in people:
                trainees = tuple(sorted(trains.get((a.staff_id, a.on_date, a.shift_type_id), [])))
                out.setdefault((a.staff_id, a.on_date), []).append(Visit(other.site, a, trainees))
    return out


def by_person(rota: Rota, *, published: bool | None = None) -> list[PersonRow]:
    """The rota by person: the site's active staff (and anyone rostered) down, days across.

    A person's shifts at the other sites of the group show on the days they fall,
    named with their site, and count in the hours; ``published`` picks the versions
    of the other sites' weeks as :func:`group_rotas` says.
    """
    with_people(rota)
    days = week_days(rota.week_start)
    people = {
        s.id: s
        for s in db.session.scalars(
            db.select(Staff)
            .where(Staff.home_site_id == rota.site_id, Staff.active.is_(True))
            .order_by(Staff.name)
        )
    }
    for a in rota.assignments:
        people.setdefault(a.staff_id, a.staff)
    away = group_visits(rota, set(people), published=published)
    placed = {(a.staff_id, a.on_date): a for a in rota.assignments}
    leave: dict[tuple[int, date], str] = {}
    for lv in db.session.scalars(
        db.select(Leave).where(
            Leave.staff_id.in_(list(people)),
            Leave.approved.is_(True),
            Leave.start_date <= days[-1],
            Leave.end_date >= days[0],
        )
    ):
        for d in days:
            if lv.start_date <= d <= lv.end_date:
                words = lv.kind.short_label
                if lv.shift_type is not None:
                    words = f"No {lv.shift_type.name.lower()} ({words.lower()})"
                leave[(lv.staff_id, d)] = words
    rows = []
    role_order = {StaffRole.PHARMACIST: 0, StaffRole.TECHNICIAN: 1, StaffRole.TRAINEE: 2}
    for person in sorted(people.values(), key=lambda p: (role_order[p.role], p.name)):
        cells = [
            PersonDay(
                d,
                placed.get((person.id, d)),
                leave.get((person.id, d), ""),
                away.get((person.id, d), []),
            )
            for d in days
        ]
        minutes = sum(c.assignment.shift_type.minutes for c in cells if c.assignment is not None)
        elsewhere: dict[str, int] = {}
        for c in cells:
            for v in c.visits:
                elsewhere[v.site.name] = elsewhere.get(v.site.name, 0) + v.shift.minutes
        rows.append(PersonRow(person, cells, minutes + sum(elsewhere.values()), elsewhere))
    return rows


# ----- the explanation -----------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One cost in the explanation: its sentence, its points and, for a cover gap, why
    nobody else filled it (one line per person who could have)."""

    sentence: str
    points: int
    why: tuple[str, ...] = ()


@dataclass
class RuleScore:
    """One soft rule's share of the score on this site, with its items in plain words."""

    title: str
    total: int
    items: list[Item]


@dataclass(frozen=True)
class LevelExplained:
    """One priority level of the explanation: its heading, score in words, and its rules."""

    number: int
    heading: str  # 'Level 1 – cover'
    phrase: str  # '0 cover gaps', 'goals & more 340'
    bound: str  # how far from the best possible, '' when unknown or for a group's part
    points: int
    in_words: bool  # the phrase counts gaps or hours, so the points are worth adding
    rules: list[RuleScore]


@dataclass(frozen=True)
class Explanation:
    """The score of this site's part of the plan: by level, rule by rule, and in one line.

    ``group`` is the whole group's score when the site was planned with others and
    its part differs; the bounds are then the group's, as the solve proved them.
    """

    levels: list[LevelExplained]
    total: int
    score: RotaScore
    group: RotaScore | None

    @property
    def bounds(self) -> str:
        """How far from the best possible each level can be ('' when nothing is known)."""
        return (self.group or self.score).bounds


def site_costs(rota: Rota) -> tuple[list[Cost], list[Cost]]:
    """A rota's stored costs about its own site, and all of them: (the site's part, every cost).

    A site planned with its group stores the group's costs; only the items about
    this site's stations, duties and people are its part.
    """
    every = stored_costs(rota)
    if len(planned_with(rota.site)) == 1:
        return every, every
    mine = {IdMap.key("station", s.id) for s in rota.site.stations}
    mine |= {IdMap.key("duty", d.id) for d in rota.site.duties}
    people = {
        IdMap.key("staff", p)
        for p in db.session.scalars(db.select(Staff.id).where(Staff.home_site_id == rota.site_id))
    }

    def relevant(cost: Cost) -> bool:
        subject = cost.subject
        if subject.activity is not None:
            return subject.activity in mine
        if subject.person is not None:
            return subject.person in people
        return True

    return [c for c in every if relevant(c)], every


def site_score_line(rota: Rota) -> str:
    """The score of a rota's own site level by level on one line ('–' without a score).

    For a site planned with its group, only its own part counts, not the group's total.
    """
    if not scored(rota):
        return "\u2013"
    costs, _every = site_costs(rota)
    return rota_score(rota, costs, with_bounds=False).line or "\u2013"


def explanation(rota: Rota) -> Explanation:
    """The score broken down per level and rule for this site's part of the plan, and its total.

    A site planned with its group stores the group's costs; only the items about
    this site's stations, duties and people are kept (:func:`site_costs`).
    """
    costs, every = site_costs(rota)
    why = {c["key"]: tuple(c["why"]) for c in rota.costs or [] if c.get("why")}
    part = len(costs) != len(every)
    levels = [
        LevelExplained(
            group.level.number,
            group.level.heading,
            group.level.phrase,
            group.level.bound,
            group.level.points,
            group.level.in_words,
            [
                RuleScore(
                    s.title,
                    s.total,
                    [Item(c.sentence, c.total, why.get(c.key, ())) for c in s.items],
                )
                for s in group.rules
            ],
        )
        for group in rota_breakdown(rota, costs, with_bounds=not part)
    ]
    return Explanation(
        levels=levels,
        total=sum(c.total for c in costs),
        score=rota_score(rota, costs, with_bounds=not part),
        group=rota_score(rota, every) if part else None,
    )


# ----- what technicians see ------------------------------------------------------------


@dataclass(frozen=True)
class PublishedShift:
    """One of a person's shifts in a published rota, in the site's own time zone."""

    on_date: date
    site: str
    timezone: str
    where: str  # station or duty name
    is_duty: bool
    shift_code: str
    shift_name: str
    times: str  # '07:00-15:00', '23:00-07:00 (+1)'
    trainee: bool
    trainer: str | None  # who trains this person on the shift
    trainees: tuple[str, ...]  # whom this person trains on the shift
    version: int


def published_shifts(staff_id: int, start: date, end: date) -> list[PublishedShift]:
    """A person's shifts from the latest published rota of each week between two dates, at
    every site: their own and any other site of the group they were placed at."""
    out = []
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append(monday)
        monday += timedelta(days=7)
    site_ids = db.session.scalars(
        db.select(Rota.site_id)
        .join(RotaAssignment, RotaAssignment.rota_id == Rota.id)
        .where(
            RotaAssignment.staff_id == staff_id,
            Rota.status == RotaStatus.PUBLISHED,
            Rota.week_start.in_(weeks),
        )
        .distinct()
    ).all()
    for site_id in site_ids:
        for week in weeks:
            rota = published_rota(site_id, week)
            if rota is None:
                continue
            for a in rota.assignments:
                if a.staff_id != staff_id or not start <= a.on_date <= end:
                    continue
                trainees = tuple(
                    sorted(
                        b.staff.name
                        for b in rota.assignments
                        if b.trainer_id == staff_id
                        and b.on_date == a.on_date
                        and b.shift_type_id == a.shift_type_id
                    )
                )
                out.append(
                    PublishedShift(
                        on_date=a.on_date,
                        site=rota.site.name,
                        timezone=rota.site.timezone,
                        where=a.station.name if a.station is not None else a.duty.name,
                        is_duty=a.duty_id is not None,
                        shift_code=a.shift_type.code,
                        shift_name=a.shift_type.name,
                        times=shift_times(a.shift_type),
                        trainee=a.mode is AssignmentMode.TRAINEE,
                        trainer=a.trainer.name if a.trainer is not None else None,
                        trainees=trainees,
                        version=rota.version,
                    )
                )
    out.sort(key=lambda s: (s.on_date, s.times))
    return out
