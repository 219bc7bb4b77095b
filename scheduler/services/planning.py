"""Load a week's rota problem from the database, run the solver, and store what it returns.

This is the only module that knows both the ORM models and the solver's plain
data. Solver ids carry a prefix and the database id ("p12" is staff 12, "st3"
station 3, "sh2" shift type 2, "d4" duty 4, "c5" competency 5, "s1" site 1);
:class:`IdMap` maps them back.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, update

from .. import solver as sv
from ..extensions import db
from ..models import (
    AssignmentMode,
    Competency,
    CoverRequirement,
    DevelopmentGoal,
    GoalStatus,
    Leave,
    Rota,
    RotaAssignment,
    RotaStatus,
    ShiftRequest,
    Site,
    SolveRun,
    SolveStatus,
    Staff,
    StaffCompetency,
    VolunteerOffer,
    station_competencies,
    utcnow,
    weekday_set,
)
from ..solver.gaps import gap_reasons
from ..solver.priorities import Rule
from ..solver.solve import costs_short
from .fairness_history import published_only, shared_counts
from .priorities import settings_of, site_priorities
from .run_messages import failure_message, no_rota_message

PREFIX = {
    "site": "s",
    "staff": "p",
    "station": "st",
    "shift": "sh",
    "duty": "d",
    "competency": "c",
}
UNAPPROVED_LEAVE_WEIGHT = 5
HISTORY_DAYS = 7
WEEKEND_PERIOD_WEEKS = 4


def monday_of(day: date) -> date:
    """The Monday on or before a date."""
    return day - timedelta(days=day.weekday())


@dataclass
class IdMap:
    """Solver ids of one problem and the database ids they stand for."""

    sites: dict[str, int] = field(default_factory=dict)
    staff: dict[str, int] = field(default_factory=dict)
    stations: dict[str, int] = field(default_factory=dict)
    shifts: dict[str, int] = field(default_factory=dict)
    duties: dict[str, int] = field(default_factory=dict)
    competencies: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, db_id: int) -> str:
        """Register a database row and return its solver id."""
        key = f"{PREFIX[kind]}{db_id}"
        self._table(kind)[key] = db_id
        return key

    def _table(self, kind: str) -> dict[str, int]:
        return {
            "site": self.sites,
            "staff": self.staff,
            "station": self.stations,
            "shift": self.shifts,
            "duty": self.duties,
            "competency": self.competencies,
        }[kind]

    @staticmethod
    def key(kind: str, db_id: int) -> str:
        """The solver id of a database row (whether or not it is in this problem)."""
        return f"{PREFIX[kind]}{db_id}"


def _sites(sites: Site | int | Iterable[Site | int]) -> list[Site]:
    items = [sites] if isinstance(sites, Site | int) else list(sites)
    out = []
    for item in items:
        site = item if isinstance(item, Site) else db.session.get(Site, item)
        if site is None:
            raise LookupError(f"no site with id {item}")
        out.append(site)
    return sorted(out, key=lambda s: s.id)


def published_rota(site_id: int, week_start: date) -> Rota | None:
    """The latest published version of a site's rota for a week, if any."""
    return db.session.scalar(
        db.select(Rota)
        .where(
            Rota.site_id == site_id,
            Rota.week_start == week_start,
            Rota.status == RotaStatus.PUBLISHED,
        )
        .order_by(Rota.version.desc())
        .limit(1)
    )


def latest_rota(site_id: int, week_start: date, status: RotaStatus | None = None) -> Rota | None:
    """The highest version of a site's rota for a week, optionally of one status."""
    query = db.select(Rota).where(Rota.site_id == site_id, Rota.week_start == week_start)
    if status is not None:
        query = query.where(Rota.status == status)
    return db.session.scalar(query.order_by(Rota.version.desc()).limit(1))


def shifts_done(goal: DevelopmentGoal, before: date | None = None) -> int:
    """Trainee shifts a person has in published rotas at stations needing the goal's competency."""
    query = published_only(
        db.select(func.count(RotaAssignment.id))
        .join(station_competencies, station_competencies.c.station_id == RotaAssignment.station_id)
        .where(
            RotaAssignment.staff_id == goal.staff_id,
            RotaAssignment.mode == AssignmentMode.TRAINEE,
            station_competencies.c.competency_id == goal.competency_id,
        )
    )
    if before is not None:
        query = query.where(RotaAssignment.on_date < before)
    return db.session.scalar(query) or 0


def _weekends_worked(staff_ids: list[int], site_ids: list[int], week_start: date) -> dict[int, int]:
    """Weekends each person worked in the published rotas of the three weeks before a week."""
    worked: dict[int, set[date]] = {sid: set() for sid in staff_ids}
    for back in range(1, WEEKEND_PERIOD_WEEKS):
        week = week_start - timedelta(weeks=back)
        for site_id in site_ids:
            rota = published_rota(site_id, week)
            if rota is None:
                continue
            for a in rota.assignments:
                if a.on_date.weekday() >= 5 and a.staff_id in worked:
                    worked[a.staff_id].add(week)
    return {sid: len(weeks) for sid, weeks in worked.items()}


def _level(name: str) -> sv.Level:
    return sv.Level[name.upper()]


def _to_assignment(a: RotaAssignment, start: date) -> sv.Assignment:
    activity = (
        IdMap.key("station", a.station_id)
        if a.station_id is not None
        else IdMap.key("duty", a.duty_id)
    )
    return sv.Assignment(
        person=IdMap.key("staff", a.staff_id),
        day=(a.on_date - start).days,
        shift=IdMap.key("shift", a.shift_type_id),
        activity=activity,
        mode=sv.Mode(a.mode.value),
        trainer=IdMap.key("staff", a.trainer_id) if a.trainer_id is not None else None,
    )


def assignment_to_solver(a: RotaAssignment, week_start: date) -> sv.Assignment:
    """One stored assignment in the solver's words, its day counted from ``week_start``."""
    return _to_assignment(a, week_start)


def rota_to_solver(rota: Rota) -> sv.Rota:
    """A stored rota as the solver's plain Rota, for the validator or as a reference."""
    return sv.Rota(tuple(_to_assignment(a, rota.week_start) for a in rota.assignments))


def ratio_rule(site: Site) -> sv.RatioRule | None:
    """The site's ratio law as the engine reads it, or None when it has none."""
    rule = site.ratio_rule
    if rule is None:
        return None
    return sv.RatioRule(
        name=rule.label,
        techs_per_pharmacist=rule.techs_per_pharmacist,
        offset=rule.offset,
        certified_extra=rule.certified_extra,
        trainees_count=rule.trainees_count,
        source=rule.source,
    )


@dataclass(frozen=True)
class Keep:
    """What a re-plan keeps: the days before ``days`` exactly as in ``rotas``.

    ``short_notice_days``: a change on a day before this one is short notice (today
    and tomorrow) and counts three times.
    """

    rotas: tuple[Rota, ...] = ()
    days: int = 0
    short_notice_days: int = 0


@dataclass(frozen=True)
class Replan:
    """How a solve of a week treats what people were already given.

    ``reference`` is the rota people were given (the published version at each site
    that has one; for a sick call of a week never published, the version re-planned
    from); ``keep`` the days that are not re-planned at all.
    """

    reference: list[Rota] | None
    keep: Keep

    @property
    def all_kept(self) -> bool:
        """Whether every day of the week is kept: nothing is left to plan."""
        return self.keep.days >= 7


def replan_inputs(
    site: Site,
    week_start: date,
    kind: str = "full",
    chosen: Rota | None = None,
    keep_before: date | None = None,
) -> Replan:
    """What a solve of a site's week (with its group) must keep, and the rota to change least.

    - Days already worked are history: when the week has a published version at any
      site planned with this one, the days before the site's today are kept as the
      latest version has them.
    - A sick call (``kind`` "replan", first absent day ``keep_before``) also keeps the
      days before the absence, as the version re-planned from (``chosen``) has them.
    - The changes are counted against the published version of each site that has one,
      and the latest version of a site of the group that has none; a sick call of a week
      never published counts them against ``chosen`` and the latest versions of the
      other sites.
    - A change today or tomorrow is short notice.
    """
    from ..clock import site_today

    sites = planned_with(site)
    current = [r for r in (latest_rota(s.id, week_start) for s in sites) if r is not None]
    if chosen is not None:
        current = [chosen if r.site_id == chosen.site_id else r for r in current]
    published = [r for r in (published_rota(s.id, week_start) for s in sites) if r is not None]
    today = (site_today(site) - week_start).days
    days = 0
    if published:
        days = min(7, max(0, today))
    if kind == "replan" and keep_before is not None:
        days = max(days, min(7, max(0, (keep_before - week_start).days)))
    if published:  # a site of the group never published: its latest version is what it has
        done = {r.site_id for r in published}
        reference = published + [r for r in current if r.site_id not in done]
    elif kind == "replan":
        reference = current
    else:
        reference = None
    keep = Keep(
        rotas=tuple(current) if days else (),
        days=days,
        short_notice_days=min(7, max(0, today + 2)),
    )
    return Replan(reference, keep)


def build_problem(
    sites: Site | int | Iterable[Site | int],
    week_start: date,
    days: int = 7,
    reference: Rota | Iterable[Rota] | None = None,
    pins_from: Iterable[Rota] | None = None,
    priorities_of: Site | None = None,
    keep: Keep | None = None,
    archived_in: Iterable[Rota] = (),
) -> tuple[sv.Problem, IdMap]:
    """Read one week (or ``days`` days) of one site or a site group into a solver Problem.

    Contracts are scaled to the horizon, with the minimum cut pro rata for days
    of approved leave; approved leave makes a person unavailable and unapproved
    leave becomes a don't-want request; shifts that do not run on a weekday are
    closed to everyone; history is the previous week's published rota. ``reference``
    (one rota, or one per site of a group) is what a re-plan should change least.
    Pins come from each site's latest draft, or only from ``pins_from`` when given;
    every pin is kept, even one on approved leave: the solve then names the clash
    (a pin is only ever dropped by a person, never here).
    The priorities are those of ``priorities_of`` (the site a group's solve was asked
    for), else of the first site. ``keep`` (see :func:`replan_inputs`) fixes the days
    before a re-plan's start as they are in its rotas; leave recorded over those days
    does not rewrite them.

    Archived stations, shift types and duties are left out, with the cover, leave,
    wishes, offers, pins and kept or past shifts that name them (a re-plan of a week
    under way drops the shifts already worked at an archived station), unless a rota
    of ``archived_in`` names them: checking a rota made before they were archived reads
    its week as it was planned.
    """
    keep = keep or Keep()
    if week_start.weekday() != 0:
        raise ValueError(f"{week_start} is not a Monday")
    chosen = _sites(sites)
    site_ids = [s.id for s in chosen]
    named = _named_in(archived_in)
    end = week_start + timedelta(days=days)
    ids = IdMap()
    scale = days / 7

    def day_of(d: date) -> int:
        return (d - week_start).days

    def in_horizon(start_date: date, end_date: date) -> range:
        first = max(start_date, week_start)
        last = min(end_date, end - timedelta(days=1))
        return range(day_of(first), day_of(last) + 1) if first <= last else range(0)

    # --- sites, shifts, competencies, stations --------------------------------
    problem_sites = []
    shift_rows = []
    for site in chosen:
        problem_sites.append(
            sv.Site(ids.add("site", site.id), site.name, site.timezone, ratio_rule(site))
        )
        shift_rows.extend(_planned(site.shift_types, named["shift"]))
    for st in shift_rows:
        ids.add("shift", st.id)
    shift_types = tuple(
        sv.ShiftType(
            id=IdMap.key("shift", st.id),
            name=st.name,
            site=IdMap.key("site", st.site_id),
            start=st.start,
            minutes=st.minutes,
            forbidden_next=frozenset(
                IdMap.key("shift", nxt.id) for nxt in st.forbidden_next if nxt in shift_rows
            ),
            night=st.night,
        )
        for st in shift_rows
    )
    competencies = tuple(
        sv.Competency(
            id=ids.add("competency", c.id),
            name=c.name,
            prerequisite=IdMap.key("competency", c.prerequisite_id) if c.prerequisite_id else None,
        )
        for c in db.session.scalars(db.select(Competency).order_by(Competency.id))
    )
    station_rows = [st for site in chosen for st in _planned(site.stations, named["station"])]
    duty_rows = [d for site in chosen for d in _planned(site.duties, named["duty"])]
    duty_ids = {d.id for d in duty_rows}
    stations = tuple(
        sv.Station(
            id=ids.add("station", st.id),
            name=st.name,
            site=IdMap.key("site", st.site_id),
            competencies=tuple(IdMap.key("competency", c.id) for c in st.competencies),
        )
        for st in station_rows
    )

    # --- people ---------------------------------------------------------------
    staff_rows = list(
        db.session.scalars(
            db.select(Staff)
            .where(Staff.home_site_id.in_(site_ids), Staff.active.is_(True))
            .order_by(Staff.id)
        )
    )
    staff_ids = [s.id for s in staff_rows]
    skills_of: dict[int, list[StaffCompetency]] = {sid: [] for sid in staff_ids}
    for sk in db.session.scalars(  # everyone's skills in one statement, not one per person
        db.select(StaffCompetency).where(StaffCompetency.staff_id.in_(staff_ids))
    ):
        skills_of[sk.staff_id].append(sk)
    for s in staff_rows:
        ids.add("staff", s.id)
    leave_rows = db.session.scalars(
        db.select(Leave).where(
            Leave.staff_id.in_(staff_ids), Leave.start_date < end, Leave.end_date >= week_start
        )
    ).all()
    closed = frozenset(
        (d, IdMap.key("shift", st.id))
        for st in shift_rows
        for d in range(days)
        if not st.runs_on((week_start + timedelta(days=d)).weekday())
    )
    unavailable: dict[int, set[tuple[int, str | None]]] = {sid: set(closed) for sid in staff_ids}
    leave_days: dict[int, set[int]] = {sid: set() for sid in staff_ids}
    requests: list[sv.Request] = []
    for lv in leave_rows:
        shift = IdMap.key("shift", lv.shift_type_id) if lv.shift_type_id else None
        if shift is not None and shift not in ids.shifts:
            continue  # leave from an archived shift: there is nothing to be away from
        for d in in_horizon(lv.start_date, lv.end_date):
            if lv.approved:
                if d >= keep.days:  # a kept day is as it was, whatever leave says now
                    unavailable[lv.staff_id].add((d, shift))
                if shift is None:
                    leave_days[lv.staff_id].add(d)
            else:
                requests.append(
                    sv.Request(
                        IdMap.key("staff", lv.staff_id), d, shift, False, UNAPPROVED_LEAVE_WEIGHT
                    )
                )
    weekends_done = _weekends_worked(staff_ids, site_ids, week_start)
    history, history_known = _history(site_ids, staff_ids, week_start, ids)
    fairness_weeks = max(0, *(s.fairness_weeks for s in chosen))  # a group: its longest window
    shared = shared_counts(staff_ids, week_start, fairness_weeks, site_ids)
    caps = {
        IdMap.key("shift", st.id): math.ceil(st.max_per_week * scale)
        for st in shift_rows
        if st.max_per_week is not None
    }
    people = []
    for s in staff_rows:
        present = (days - len(leave_days[s.id])) / days
        contract = sv.Contract(
            min_minutes=round(s.min_minutes_per_week * scale * present),
            max_minutes=(
                round(s.max_minutes_per_week * scale)
                if s.max_minutes_per_week is not None
                else None
            ),
            max_consecutive_days=s.max_consecutive_days,
            min_consecutive_days=s.min_consecutive_days,
            min_consecutive_days_off=s.min_consecutive_days_off,
            max_weekends=(
                max(0, s.max_weekends_per_4_weeks - weekends_done[s.id])
                if s.max_weekends_per_4_weeks is not None
                else None
            ),
            max_shifts=dict(caps),
            min_rest_minutes=s.min_rest_minutes,
        )
        people.append(
            sv.Person(
                id=IdMap.key("staff", s.id),
                name=s.name,
                role=sv.Role(s.role.value),
                site=IdMap.key("site", s.home_site_id),
                certified=s.certified,
                skills={
                    IdMap.key("competency", sk.competency_id): sv.Skill(
                        _level(sk.level.value), sk.valid_until
                    )
                    for sk in skills_of[s.id]
                },
                contract=contract,
                unavailable=frozenset(unavailable[s.id]),
                history=tuple(history.get(s.id, ())),
                max_trainees=s.max_trainees,
                past=shared[s.id].as_past(lambda d: IdMap.key("duty", d)),
            )
        )

    # --- wishes ---------------------------------------------------------------
    for r in db.session.scalars(
        db.select(ShiftRequest)
        .where(
            ShiftRequest.staff_id.in_(staff_ids),
            ShiftRequest.on_date >= week_start,
            ShiftRequest.on_date < end,
        )
        .order_by(ShiftRequest.id)
    ):
        if r.shift_type_id is not None and r.shift_type_id not in ids.shifts.values():
            continue
        requests.append(
            sv.Request(
                person=IdMap.key("staff", r.staff_id),
                day=day_of(r.on_date),
                shift=IdMap.key("shift", r.shift_type_id) if r.shift_type_id else None,
                want=r.want,
                weight=r.weight,
            )
        )

    offers = tuple(
        sv.Offer(
            person=IdMap.key("staff", o.staff_id),
            kind=sv.OfferKind(o.kind.value),
            duty=IdMap.key("duty", o.duty_id) if o.duty_id else None,
            station=IdMap.key("station", o.station_id) if o.station_id else None,
            count=o.count,
        )
        for o in db.session.scalars(
            db.select(VolunteerOffer)
            .where(VolunteerOffer.staff_id.in_(staff_ids), VolunteerOffer.week_start == week_start)
            .order_by(VolunteerOffer.id)
        )
        if (o.station_id is None or IdMap.key("station", o.station_id) in ids.stations)
        and (o.duty_id is None or o.duty_id in duty_ids)
    )

    goals = []
    for g in db.session.scalars(
        db.select(DevelopmentGoal)
        .where(
            DevelopmentGoal.staff_id.in_(staff_ids),
            DevelopmentGoal.status == GoalStatus.ACTIVE,
        )
        .order_by(DevelopmentGoal.id)
    ):
        left = g.shifts_needed - shifts_done(g, before=week_start)
        if left <= 0:
            continue
        goals.append(
            sv.Goal(
                id=f"g{g.id}",
                person=IdMap.key("staff", g.staff_id),
                competency=IdMap.key("competency", g.competency_id),
                target_level=_level(g.target_level.value),
                shifts_needed=left,
                deadline=g.deadline,
                priority=g.priority,
            )
        )

    # --- cover and duties -----------------------------------------------------
    cover = _cover(station_rows, shift_rows, week_start, days)
    duties = []
    for site in chosen:
        for duty in sorted((d for d in duty_rows if d.site_id == site.id), key=lambda d: d.id):
            duties.append(
                sv.Duty(
                    id=ids.add("duty", duty.id),
                    name=duty.name,
                    site=IdMap.key("site", duty.site_id),
                    minutes=duty.minutes,
                    per_week=math.ceil(duty.per_week * scale),
                    per_day=duty.per_day,
                    days=weekday_set(duty.weekdays),
                    shifts=(
                        frozenset(
                            IdMap.key("shift", st.id) for st in duty.shift_types if st in shift_rows
                        )
                        if duty.shift_types
                        else None
                    ),
                    competency=(
                        IdMap.key("competency", duty.competency_id) if duty.competency_id else None
                    ),
                    min_level=_level(duty.min_level.value),
                    people=(  # of the people planned: someone who left cannot take it
                        frozenset(
                            IdMap.key("staff", p.id)
                            for p in duty.people
                            if IdMap.key("staff", p.id) in ids.staff
                        )
                        if duty.people
                        else None
                    ),
                    weight=duty.weight,
                    required=duty.required,
                )
            )

    # --- pins and reference ---------------------------------------------------
    def planned(a: RotaAssignment) -> bool:
        """Whether an assignment's person, shift and place are all in this problem."""
        place = IdMap.key("station", a.station_id) if a.station_id else IdMap.key("duty", a.duty_id)
        return (
            a.staff_id in ids.staff.values()
            and IdMap.key("shift", a.shift_type_id) in ids.shifts
            and (place in ids.stations or place in ids.duties)
        )

    pins = []
    if pins_from is None:
        sources = [latest_rota(site.id, week_start, RotaStatus.DRAFT) for site in chosen]
    else:
        sources = list(pins_from)
    for source in sources:
        if source is not None:
            pins.extend(
                _to_assignment(a, week_start)
                for a in source.assignments
                if a.pinned and planned(a) and 0 <= day_of(a.on_date) < days
            )
    ref = None
    if reference is not None:
        references = [reference] if isinstance(reference, Rota) else list(reference)
        ref = tuple(
            _to_assignment(a, week_start)
            for r in references
            for a in r.assignments
            if 0 <= day_of(a.on_date) < days and planned(a)
        )

    kept = tuple(
        _to_assignment(a, week_start)
        for r in keep.rotas
        for a in r.assignments
        if 0 <= day_of(a.on_date) < keep.days and planned(a)
    )
    problem = sv.Problem(
        start=week_start,
        days=days,
        sites=tuple(problem_sites),
        shift_types=shift_types,
        competencies=competencies,
        stations=stations,
        people=tuple(people),
        cover=cover,
        duties=tuple(duties),
        goals=tuple(goals),
        offers=offers,
        requests=tuple(requests),
        pins=tuple(pins),
        reference=ref,
        kept=kept,
        kept_days=min(keep.days, days),
        short_notice_days=min(keep.short_notice_days, days) if ref is not None else 0,
        history_days=HISTORY_DAYS if history_known else 0,
        fairness_weeks=fairness_weeks,
        priorities=site_priorities(priorities_of or chosen[0]),
    )
    return problem, ids


def _named_in(rotas: Iterable[Rota]) -> dict[str, set[int]]:
    """The stations, shift types and duties the assignments of some rotas name, by kind."""
    out: dict[str, set[int]] = {"station": set(), "shift": set(), "duty": set()}
    for rota in rotas:
        for a in rota.assignments:
            out["shift"].add(a.shift_type_id)
            if a.station_id is not None:
                out["station"].add(a.station_id)
            if a.duty_id is not None:
                out["duty"].add(a.duty_id)
    return out


def _planned(rows: list, named: set[int]) -> list:
    """The rows a problem plans with: those in use, and archived ones a checked rota names."""
    return [row for row in rows if row.archived_at is None or row.id in named]


def _history(
    site_ids: list[int], staff_ids: list[int], week_start: date, ids: IdMap
) -> tuple[dict[int, list], bool]:
    """Each person's shifts in the previous week's published rotas, as negative day numbers
    (those of shift types the problem leaves out, archived ones, are not known to it).

    The flag says whether every site's previous week was published: only then are the
    days before the week known (a day without a shift was a day off); otherwise the week
    is planned as a first week, its opening runs exempt from the contract's minimums.
    """
    out: dict[int, list[sv.PastShift]] = {}
    wanted = set(staff_ids)
    known = True
    for site_id in site_ids:
        rota = published_rota(site_id, week_start - timedelta(days=HISTORY_DAYS))
        if rota is None:
            known = False
            continue
        for a in sorted(rota.assignments, key=lambda a: a.on_date):
            if a.staff_id in wanted and IdMap.key("shift", a.shift_type_id) in ids.shifts:
                out.setdefault(a.staff_id, []).append(
                    sv.PastShift((a.on_date - week_start).days, IdMap.key("shift", a.shift_type_id))
                )
    return out, known


# per head above a station's ideal (rule "ideal cover"): small beside goals (40 a shift) and
# offers, so it decides only when nothing else asks for the extra person
OVER_IDEAL_WEIGHT = 2


def _cover(station_rows, shift_rows, week_start: date, days: int) -> tuple[sv.Cover, ...]:
    """Cover lines for each day: a date-specific line replaces the weekday line it matches."""
    if not station_rows:
        return ()
    station_ids = [station.id for station in station_rows]
    end = week_start + timedelta(days=days)
    rows = db.session.scalars(
        db.select(CoverRequirement)
        .where(
            CoverRequirement.station_id.in_(station_ids),
            (CoverRequirement.on_date.is_(None))
            | ((CoverRequirement.on_date >= week_start) & (CoverRequirement.on_date < end)),
        )
        .order_by(CoverRequirement.id)
    ).all()
    by_weekday = {
        (r.station_id, r.shift_type_id, r.weekday): r for r in rows if r.weekday is not None
    }
    by_date = {(r.station_id, r.shift_type_id, r.on_date): r for r in rows if r.on_date is not None}
    out = []
    for d in range(days):
        on = week_start + timedelta(days=d)
        for station in station_rows:
            station_id = station.id
            for st in shift_rows:
                if st.site_id != station.site_id or not st.runs_on(on.weekday()):
                    continue
                line = by_date.get((station_id, st.id, on)) or by_weekday.get(
                    (station_id, st.id, on.weekday())
                )
                # no line: nobody is needed there; a head beyond the ideal costs a little,
                # so nobody is rostered where they are not needed unless a contract asks
                out.append(
                    sv.Cover(
                        d,
                        IdMap.key("shift", st.id),
                        IdMap.key("station", station_id),
                        line.minimum if line else 0,
                        line.ideal if line else 0,
                        over_weight=OVER_IDEAL_WEIGHT,
                    )
                )
    return tuple(out)


# ----- solving and storing ------------------------------------------------------


def cost_to_dict(cost) -> dict:
    """A solver cost as JSON-ready data for the rota's stored score breakdown."""
    s = cost.subject
    return {
        "family": cost.family,
        "key": cost.key,
        "weight": cost.weight,
        "amount": cost.amount,
        "total": cost.total,
        "sentence": cost.sentence,
        "subject": {"person": s.person, "day": s.day, "shift": s.shift, "activity": s.activity},
        "rule": cost.rule.value,
        "level": cost.level,
    }


def costs_with_reasons(
    problem: sv.Problem, rota: sv.Rota | None, costs: Iterable, site: Site
) -> list[dict]:
    """A rota's costs as stored data, each gap of the site's cover with its ``why``: for every
    person who could have filled it, the rule that kept them off (``solver/gaps.py``)."""
    why = gap_reasons(problem, rota, IdMap.key("site", site.id)) if rota is not None else {}
    out = [cost_to_dict(c) for c in costs]
    for cost in out:
        subject = cost["subject"]
        key = (subject["day"], subject["shift"], subject["activity"])
        if cost["family"] == "cover" and cost["rule"] == Rule.COVER.value and key in why:
            cost["why"] = why[key]
    return out


def stored_costs(rota: Rota) -> list:
    """The rota's stored score breakdown as solver costs, ready for explain.format_breakdown."""
    from ..solver.penalties import Cost, Subject

    return [
        Cost(
            family=c["family"],
            key=c["key"],
            weight=c["weight"],
            amount=c["amount"],
            subject=Subject(**c.get("subject", {})),
            sentence=c["sentence"],
            rule=Rule(c.get("rule", Rule.COVER)),
            level=c.get("level", 1),  # rotas stored before levels: one weighted sum
        )
        for c in rota.costs or []
    ]


def json_bounds(bounds: Iterable[float | None]) -> list[float | None] | None:
    """Per-level bounds as JSON can hold them: an infinite bound is none (None); no levels, None."""
    out = [b if b is not None and math.isfinite(b) else None for b in bounds]
    return out or None


def rota_rows(
    problem: sv.Problem,
    ids: IdMap,
    rota: sv.Rota,
    short: Iterable[tuple[int, str, str, int]] | None,
    site_id: int,
) -> list[dict]:
    """A solver rota's rows at one site as JSON-ready data in database ids (``SolveRun.best_rota``).

    An assignment reads {"staff", "date", "shift", "station", "duty", "mode",
    "trainer"}; a cover gap {"staff": None, "date", "shift", "station", "short"}
    with the people missing. ``short`` None (gaps not known) adds no gap rows.
    """
    site_key = IdMap.key("site", site_id)
    rows = [
        {
            "staff": ids.staff[a.person],
            "date": problem.date_of(a.day).isoformat(),
            "shift": ids.shifts[a.shift],
            "station": ids.stations.get(a.activity),
            "duty": ids.duties.get(a.activity),
            "mode": a.mode.value,
            "trainer": ids.staff[a.trainer] if a.trainer else None,
        }
        for a in rota.assignments
        if problem.activity_site(a.activity) == site_key
    ]
    for day, shift, station, missing in short or ():
        if station in ids.stations and problem.activity_site(station) == site_key:
            rows.append(
                {
                    "staff": None,
                    "date": problem.date_of(day).isoformat(),
                    "shift": ids.shifts[shift],
                    "station": ids.stations[station],
                    "short": missing,
                }
            )
    return rows


class _ProgressWriter:
    """Writes a solve run's progress (and heartbeat) to its row about once a second, any thread.

    The best rota found so far is written with it, as rows of the run's own site
    (:func:`rota_rows`); the first rota at once, so the page shows it without waiting.
    Only while the run is running: a run failed meanwhile as dead keeps its reason.
    """

    def __init__(
        self,
        run_id: int,
        on_progress: Callable[[sv.Progress], None] | None,
        problem: sv.Problem | None = None,
        ids: IdMap | None = None,
        site_id: int | None = None,
    ) -> None:
        self.engine = db.engine
        self.run_id = run_id
        self.on_progress = on_progress
        self.problem, self.ids, self.site_id = problem, ids, site_id
        self.last = 0.0
        self.rows: list[dict] | None = None  # the newest rota, not yet written
        self.written = False  # a rota has been written
        self.lock = threading.Lock()

    def __call__(self, progress: sv.Progress) -> None:
        """Pass the progress on, and write it (with any newer rota) when a second has passed
        since the last write or when it brings the first rota."""
        if self.on_progress is not None:
            self.on_progress(progress)
        with self.lock:
            if progress.rota is not None and self.problem is not None:
                self.rows = rota_rows(
                    self.problem, self.ids, progress.rota, progress.short, self.site_id
                )
            now = time.monotonic()
            first = self.rows is not None and not self.written
            if now - self.last < 1.0 and not first:
                return
            self.last = now
            values = {
                "best_objective": progress.objective,
                "best_bound": progress.bound,
                "best_levels": list(progress.levels) or None,
                "best_level_bounds": json_bounds(progress.level_bounds),
                "elapsed": progress.seconds,
                "solutions": progress.solutions,
                "heartbeat_at": utcnow(),
            }
            if self.rows is not None:
                values["best_rota"] = self.rows
                self.rows, self.written = None, True
            with self.engine.begin() as conn:
                conn.execute(
                    update(SolveRun)
                    .where(SolveRun.id == self.run_id, SolveRun.status == SolveStatus.RUNNING)
                    .values(**values)
                )


def problem_digest(problem: sv.Problem) -> str:
    """A fingerprint of a solve's inputs: equal for equal problems, whatever the order of rows."""
    text = json.dumps(_plain(problem), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value):
    """A problem's value as JSON-ready data in a stable order (sets and row lists sorted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(item) for item in value), key=_order)
    if isinstance(value, (list, tuple)):
        items = [_plain(item) for item in value]
        rows = value and all(dataclasses.is_dataclass(item) for item in value)
        return sorted(items, key=_order) if rows else items
    return value


def _order(item) -> str:
    """A sort key for any plain value."""
    return json.dumps(item, sort_keys=True, default=str)


def run_solve(
    site: Site,
    week_start: date,
    time_limit: float = 20.0,
    on_progress: Callable[[sv.Progress], None] | None = None,
    stop: threading.Event | None = None,
    run: SolveRun | None = None,
    reference: Iterable[Rota] | None = None,
    pins_from: Iterable[Rota] | None = None,
    keep: Keep | None = None,
    based_on: Rota | None = None,
) -> Rota:
    """Solve a site's week and store the result as a new draft rota, recording the solve run.

    A site in a group is planned with every site of its group in one solve, so
    people can cross-train at another site; each site gets its own new draft,
    and the requested site's draft is returned. ``run`` is a run already claimed
    by this process, or a queued one it claims (by default a new one is opened:
    ``SolveBusy`` when the week is being solved); ``reference`` makes it a re-plan
    that changes as little as it can; ``pins_from`` names the rotas whose pinned
    rows hold (default: the latest drafts); ``keep`` the days it may not change
    (:func:`replan_inputs`); ``based_on`` the version a re-plan started from, which
    the new draft's list of changes compares with (default: the reference). While it
    solves, the run's heartbeat is kept fresh and a stop asked for from any process
    ends it early with the best rota found. When staff, cover, leave or requests
    change during the solve, the run says so. Raises ``RunEnded`` (storing nothing)
    when the run was ended elsewhere meanwhile, and its kind ``NoRotaFound`` when the
    solve found no rota: the run then fails with the conflicting rules and no draft
    is stored.
    """
    from ..jobs.runs import (
        STALE_INPUTS,
        NoRotaFound,
        RunEnded,
        RunWatcher,
        claim,
        open_run,
        process_label,
    )

    if run is None:
        run = open_run(site, week_start, time_limit, worker=process_label("command"))
    elif run.status is SolveStatus.QUEUED and not claim(run.id, process_label("process")):
        raise RunEnded(run.id, "no longer queued")
    stop = stop if stop is not None else threading.Event()
    run_id = run.id
    references = list(reference) if reference is not None else None
    pins = list(pins_from) if pins_from is not None else None
    sites = planned_with(site)

    def read() -> tuple[sv.Problem, IdMap]:
        return build_problem(
            sites, week_start, reference=references, pins_from=pins, priorities_of=site, keep=keep
        )

    try:
        with RunWatcher(run_id, stop):
            problem, ids = read()
            digest = problem_digest(problem)
            writer = _ProgressWriter(run_id, on_progress, problem, ids, site.id)
            result = sv.solve(problem, time_limit=time_limit, on_progress=writer, stop=stop)
            db.session.commit()  # end the read transaction: the rebuild sees others' changes
            again, _ = read()
            changed = problem_digest(again) != digest
    except Exception as exc:
        db.session.rollback()
        run = db.session.get(SolveRun, run_id)
        if run is not None and run.status is SolveStatus.RUNNING:
            run.status = SolveStatus.FAILED
            run.message = failure_message(exc)
            run.finished_at = utcnow()
            db.session.commit()
        raise
    db.session.refresh(run)
    if run.status is not SolveStatus.RUNNING:
        raise RunEnded(run_id, run.status.value)
    if result.rota is None:  # nothing to store: the run fails with the reasons
        message = no_rota_message(list(result.reasons), stopped=stop.is_set())
        run.status = SolveStatus.FAILED
        run.seconds = run.elapsed = result.seconds
        run.inputs_digest = digest
        run.inputs_changed = changed
        run.message = message
        run.finished_at = utcnow()
        db.session.commit()
        raise NoRotaFound(run_id, message, list(result.reasons))
    rotas = [store_result(s, week_start, problem, ids, result) for s in sites]
    for stored in rotas:
        stored.based_on = (
            based_on
            if based_on is not None and based_on.site_id == stored.site_id
            else next((r for r in references or () if r.site_id == stored.site_id), None)
        )
    rota = next(r for r in rotas if r.site_id == site.id)
    run.rota = rota
    run.status = SolveStatus.STOPPED if stop.is_set() else SolveStatus.DONE
    run.objective = result.objective
    run.bound = result.bound
    run.seconds = result.seconds
    run.elapsed = result.seconds
    run.solutions = result.solutions
    run.best_objective = result.objective
    run.best_bound = result.bound
    run.best_levels = list(result.levels) or None
    run.best_level_bounds = json_bounds(result.level_bounds)
    run.best_rota = rota_rows(problem, ids, result.rota, costs_short(result.costs), site.id)
    run.inputs_digest = digest
    run.inputs_changed = changed
    message = (
        result.status if not result.reasons else f"{result.status}: " + "; ".join(result.reasons)
    )
    run.message = f"{message}. {STALE_INPUTS}" if changed else message
    run.finished_at = utcnow()
    db.session.commit()
    return rota


def planned_with(site: Site) -> list[Site]:
    """The sites solved together with a site: its whole group, or the site alone."""
    if site.group is None:
        return [site]
    return sorted(site.group.sites, key=lambda s: s.id)


def store_result(
    site: Site, week_start: date, problem: sv.Problem, ids: IdMap, result: sv.SolveResult
) -> Rota:
    """Save a solve result as the next draft version of a site's week, marking pinned rows."""
    if result.rota is None:  # never a draft of the pins alone: the caller reports no rota
        raise ValueError(f"the solve found no rota ({result.status}); nothing to store")
    previous = latest_rota(site.id, week_start)
    rota = Rota(
        site=site,
        week_start=week_start,
        status=RotaStatus.DRAFT,
        version=(previous.version + 1) if previous is not None else 1,
        objective=result.objective,
        bound=result.bound,
        level_bounds=json_bounds(result.level_bounds),
        solve_status=result.status,
        costs=costs_with_reasons(problem, result.rota, result.costs, site),
        reasons=list(result.reasons),
        priorities=settings_of(problem.priorities),
    )
    pins = set(problem.pins)
    site_key = IdMap.key("site", site.id)
    for a in result.rota.assignments:
        if problem.activity_site(a.activity) != site_key:
            continue
        rota.assignments.append(
            RotaAssignment(
                staff_id=ids.staff[a.person],
                on_date=problem.date_of(a.day),
                shift_type_id=ids.shifts[a.shift],
                station_id=ids.stations.get(a.activity),
                duty_id=ids.duties.get(a.activity),
                mode=AssignmentMode(a.mode.value),
                trainer_id=ids.staff[a.trainer] if a.trainer else None,
                pinned=a in pins,
            )
        )
    db.session.add(rota)
    db.session.flush()
    return rota
