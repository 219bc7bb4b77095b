"""Load a week's rota problem from the database into the solver's plain data.

:func:`build_problem` reads one week (or a few days) of one site or a site group and
returns the solver's :class:`~scheduler.solver.Problem` with the :class:`IdMap` that
maps its ids back to rows. It is made of small ``_load_*`` steps, one for each part of
the problem the solver's rule families read: sites and shift types (placement, rest),
competencies and stations (placement, supervision), leave (availability and requests),
people with their contracts, history and fairness counts (contract hours, sequences,
weekends, fairness), wishes (requests), offers (volunteering), goals, cover, duties,
pins, the reference a re-plan changes least (stability) and the kept days.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .. import solver as sv
from ..extensions import db
from ..models import (
    Competency,
    CoverRequirement,
    DevelopmentGoal,
    Duty,
    GoalStatus,
    Leave,
    Rota,
    RotaAssignment,
    RotaStatus,
    ShiftRequest,
    ShiftType,
    Site,
    Staff,
    StaffCompetency,
    Station,
    VolunteerOffer,
    weekday_set,
)
from .development import shifts_done
from .fairness_history import shared_counts
from .priorities import site_priorities
from .replanning import Keep
from .rota_lookup import latest_rota, published_rota
from .solver_terms import IdMap, assignment_to_solver, ratio_rule, solver_level

UNAPPROVED_LEAVE_WEIGHT = 5
HISTORY_DAYS = 7
WEEKEND_PERIOD_WEEKS = 4
# per head above a station's ideal (rule "ideal cover"): small beside goals (40 a shift) and
# offers, so it decides only when nothing else asks for the extra person
OVER_IDEAL_WEIGHT = 2


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
    for), else of the first site. ``keep`` (see :func:`.replanning.replan_inputs`) fixes the days
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
    week = _read_week(_sites(sites), week_start, days, keep, _named_in(archived_in))
    problem_sites = _load_sites(week)
    shift_types = _load_shift_types(week)
    competencies = _load_competencies(week)
    stations = _load_stations(week)
    leave = _load_leave(week)
    history, history_known = _load_history(week)
    people = _load_people(week, leave, history)
    requests = leave.requests + _load_wishes(week)
    offers = _load_offers(week)
    goals = _load_goals(week)
    cover = _load_cover(week)
    duties = _load_duties(week)
    pins = _load_pins(week, pins_from)
    ref = _load_reference(week, reference)
    problem = sv.Problem(
        start=week_start,
        days=days,
        sites=problem_sites,
        shift_types=shift_types,
        competencies=competencies,
        stations=stations,
        people=people,
        cover=cover,
        duties=duties,
        goals=goals,
        offers=offers,
        requests=tuple(requests),
        pins=pins,
        reference=ref,
        kept=_load_kept(week),
        kept_days=min(keep.days, days),
        short_notice_days=min(keep.short_notice_days, days) if ref is not None else 0,
        history_days=HISTORY_DAYS if history_known else 0,
        fairness_weeks=week.fairness_weeks,
        priorities=site_priorities(priorities_of or week.sites[0]),
    )
    return problem, week.ids


# ----- the week being read ------------------------------------------------------------


@dataclass
class _Week:
    """What the loading steps share: the horizon, the rows planned with and their solver ids."""

    sites: list[Site]
    start: date
    days: int
    keep: Keep
    shift_rows: list[ShiftType]
    station_rows: list[Station]
    duty_rows: list[Duty]
    staff_rows: list[Staff]
    ids: IdMap = field(default_factory=IdMap)

    @property
    def site_ids(self) -> list[int]:
        """The database ids of the sites planned, in id order."""
        return [s.id for s in self.sites]

    @property
    def staff_ids(self) -> list[int]:
        """The database ids of the people planned, in id order."""
        return [s.id for s in self.staff_rows]

    @property
    def end(self) -> date:
        """The first date after the horizon."""
        return self.start + timedelta(days=self.days)

    @property
    def scale(self) -> float:
        """The horizon as a share of a week: weekly figures are scaled by it."""
        return self.days / 7

    @property
    def fairness_weeks(self) -> int:
        """The fairness window in weeks: a group's longest."""
        return max(0, *(s.fairness_weeks for s in self.sites))

    def day_of(self, d: date) -> int:
        """A date as a day number of the horizon (0 is the Monday)."""
        return (d - self.start).days

    def in_horizon(self, start_date: date, end_date: date) -> range:
        """The day numbers of the horizon a span of dates (both ends included) covers."""
        first = max(start_date, self.start)
        last = min(end_date, self.end - timedelta(days=1))
        return range(self.day_of(first), self.day_of(last) + 1) if first <= last else range(0)

    def planned(self, a: RotaAssignment) -> bool:
        """Whether an assignment's person, shift and place are all in this problem."""
        ids = self.ids
        place = IdMap.key("station", a.station_id) if a.station_id else IdMap.key("duty", a.duty_id)
        return (
            a.staff_id in ids.staff.values()
            and IdMap.key("shift", a.shift_type_id) in ids.shifts
            and (place in ids.stations or place in ids.duties)
        )

    def assignments_of(self, rotas: Iterable[Rota], days: int) -> tuple[sv.Assignment, ...]:
        """The planned assignments of some rotas on the first ``days`` days, in solver words."""
        return tuple(
            assignment_to_solver(a, self.start)
            for r in rotas
            for a in r.assignments
            if 0 <= self.day_of(a.on_date) < days and self.planned(a)
        )


def _sites(sites: Site | int | Iterable[Site | int]) -> list[Site]:
    """The sites asked for (rows or ids), in id order; ``LookupError`` for an unknown id."""
    items = [sites] if isinstance(sites, Site | int) else list(sites)
    out = []
    for item in items:
        site = item if isinstance(item, Site) else db.session.get(Site, item)
        if site is None:
            raise LookupError(f"no site with id {item}")
        out.append(site)
    return sorted(out, key=lambda s: s.id)


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


def _read_week(
    sites: list[Site], start: date, days: int, keep: Keep, named: dict[str, set[int]]
) -> _Week:
    """The rows a week is planned with: shift types, stations and duties in use (or named by
    a checked rota) and the active people whose home is one of the sites."""
    site_ids = [s.id for s in sites]
    staff_rows = list(
        db.session.scalars(
            db.select(Staff)
            .where(Staff.home_site_id.in_(site_ids), Staff.active.is_(True))
            .order_by(Staff.id)
        )
    )
    return _Week(
        sites=sites,
        start=start,
        days=days,
        keep=keep,
        shift_rows=[st for site in sites for st in _planned(site.shift_types, named["shift"])],
        station_rows=[st for site in sites for st in _planned(site.stations, named["station"])],
        duty_rows=[d for site in sites for d in _planned(site.duties, named["duty"])],
        staff_rows=staff_rows,
    )


# ----- sites, shift types, competencies, stations (placement, rest, supervision, ratio) -----


def _load_sites(week: _Week) -> tuple[sv.Site, ...]:
    """The sites with their time zones and ratio laws."""
    return tuple(
        sv.Site(week.ids.add("site", site.id), site.name, site.timezone, ratio_rule(site))
        for site in week.sites
    )


def _load_shift_types(week: _Week) -> tuple[sv.ShiftType, ...]:
    """The shift types, with the shifts each may not be followed by."""
    for st in week.shift_rows:
        week.ids.add("shift", st.id)
    return tuple(
        sv.ShiftType(
            id=IdMap.key("shift", st.id),
            name=st.name,
            site=IdMap.key("site", st.site_id),
            start=st.start,
            minutes=st.minutes,
            forbidden_next=frozenset(
                IdMap.key("shift", nxt.id) for nxt in st.forbidden_next if nxt in week.shift_rows
            ),
            night=st.night,
        )
        for st in week.shift_rows
    )


def _load_competencies(week: _Week) -> tuple[sv.Competency, ...]:
    """Every competency, with its prerequisite."""
    return tuple(
        sv.Competency(
            id=week.ids.add("competency", c.id),
            name=c.name,
            prerequisite=IdMap.key("competency", c.prerequisite_id) if c.prerequisite_id else None,
        )
        for c in db.session.scalars(db.select(Competency).order_by(Competency.id))
    )


def _load_stations(week: _Week) -> tuple[sv.Station, ...]:
    """The stations, with the competencies working at each needs."""
    return tuple(
        sv.Station(
            id=week.ids.add("station", st.id),
            name=st.name,
            site=IdMap.key("site", st.site_id),
            competencies=tuple(IdMap.key("competency", c.id) for c in st.competencies),
        )
        for st in week.station_rows
    )


# ----- leave (availability and requests) ---------------------------------------------------


@dataclass
class _Leave:
    """What leave and closed shifts make of a week, per person (by database id)."""

    unavailable: dict[int, set[tuple[int, str | None]]]  # (day, shift or None: all day)
    leave_days: dict[int, set[int]]  # days of approved whole-day leave
    requests: list[sv.Request]  # unapproved leave as don't-want requests


def _load_leave(week: _Week) -> _Leave:
    """Closed shifts and approved leave as unavailability, unapproved leave as requests.

    Approved leave over a kept day leaves it as it was; leave from an archived shift
    is left out (there is nothing to be away from).
    """
    staff_ids = week.staff_ids
    leave_rows = db.session.scalars(
        db.select(Leave).where(
            Leave.staff_id.in_(staff_ids),
            Leave.start_date < week.end,
            Leave.end_date >= week.start,
        )
    ).all()
    closed = frozenset(
        (d, IdMap.key("shift", st.id))
        for st in week.shift_rows
        for d in range(week.days)
        if not st.runs_on((week.start + timedelta(days=d)).weekday())
    )
    out = _Leave(
        unavailable={sid: set(closed) for sid in staff_ids},
        leave_days={sid: set() for sid in staff_ids},
        requests=[],
    )
    for lv in leave_rows:
        shift = IdMap.key("shift", lv.shift_type_id) if lv.shift_type_id else None
        if shift is not None and shift not in week.ids.shifts:
            continue
        for d in week.in_horizon(lv.start_date, lv.end_date):
            if lv.approved:
                if d >= week.keep.days:  # a kept day is as it was, whatever leave says now
                    out.unavailable[lv.staff_id].add((d, shift))
                if shift is None:
                    out.leave_days[lv.staff_id].add(d)
            else:
                out.requests.append(
                    sv.Request(
                        IdMap.key("staff", lv.staff_id), d, shift, False, UNAPPROVED_LEAVE_WEIGHT
                    )
                )
    return out


# ----- people: contracts, history, weekends, fairness ------------------------------------


def _load_history(week: _Week) -> tuple[dict[int, list[sv.PastShift]], bool]:
    """Each person's shifts in the previous week's published rotas, as negative day numbers
    (those of shift types the problem leaves out, archived ones, are not known to it).

    The flag says whether every site's previous week was published: only then are the
    days before the week known (a day without a shift was a day off); otherwise the week
    is planned as a first week, its opening runs exempt from the contract's minimums.
    """
    out: dict[int, list[sv.PastShift]] = {}
    wanted = set(week.staff_ids)
    known = True
    for site_id in week.site_ids:
        rota = published_rota(site_id, week.start - timedelta(days=HISTORY_DAYS))
        if rota is None:
            known = False
            continue
        for a in sorted(rota.assignments, key=lambda a: a.on_date):
            if a.staff_id in wanted and IdMap.key("shift", a.shift_type_id) in week.ids.shifts:
                out.setdefault(a.staff_id, []).append(
                    sv.PastShift(week.day_of(a.on_date), IdMap.key("shift", a.shift_type_id))
                )
    return out, known


def _weekends_worked(week: _Week) -> dict[int, int]:
    """Weekends each person worked in the published rotas of the three weeks before a week."""
    worked: dict[int, set[date]] = {sid: set() for sid in week.staff_ids}
    for back in range(1, WEEKEND_PERIOD_WEEKS):
        earlier = week.start - timedelta(weeks=back)
        for site_id in week.site_ids:
            rota = published_rota(site_id, earlier)
            if rota is None:
                continue
            for a in rota.assignments:
                if a.on_date.weekday() >= 5 and a.staff_id in worked:
                    worked[a.staff_id].add(earlier)
    return {sid: len(weeks) for sid, weeks in worked.items()}


def _load_contract(
    week: _Week, s: Staff, present: float, weekends_done: int, caps: dict[str, int]
) -> sv.Contract:
    """A person's contract scaled to the horizon: the minimum cut pro rata for leave, the
    weekends left of the four-week limit, each shift type's weekly cap."""
    return sv.Contract(
        min_minutes=round(s.min_minutes_per_week * week.scale * present),
        max_minutes=(
            round(s.max_minutes_per_week * week.scale)
            if s.max_minutes_per_week is not None
            else None
        ),
        max_consecutive_days=s.max_consecutive_days,
        min_consecutive_days=s.min_consecutive_days,
        min_consecutive_days_off=s.min_consecutive_days_off,
        max_weekends=(
            max(0, s.max_weekends_per_4_weeks - weekends_done)
            if s.max_weekends_per_4_weeks is not None
            else None
        ),
        max_shifts=dict(caps),
        min_rest_minutes=s.min_rest_minutes,
    )


def _load_people(
    week: _Week, leave: _Leave, history: dict[int, list[sv.PastShift]]
) -> tuple[sv.Person, ...]:
    """The active people of the sites with their skills, contracts, unavailability, history
    and shared work of the fairness window."""
    staff_ids = week.staff_ids
    skills_of: dict[int, list[StaffCompetency]] = {sid: [] for sid in staff_ids}
    for sk in db.session.scalars(  # everyone's skills in one statement, not one per person
        db.select(StaffCompetency).where(StaffCompetency.staff_id.in_(staff_ids))
    ):
        skills_of[sk.staff_id].append(sk)
    for s in week.staff_rows:
        week.ids.add("staff", s.id)
    weekends_done = _weekends_worked(week)
    shared = shared_counts(staff_ids, week.start, week.fairness_weeks, week.site_ids)
    caps = {
        IdMap.key("shift", st.id): math.ceil(st.max_per_week * week.scale)
        for st in week.shift_rows
        if st.max_per_week is not None
    }
    people = []
    for s in week.staff_rows:
        present = (week.days - len(leave.leave_days[s.id])) / week.days
        people.append(
            sv.Person(
                id=IdMap.key("staff", s.id),
                name=s.name,
                role=sv.Role(s.role.value),
                site=IdMap.key("site", s.home_site_id),
                certified=s.certified,
                skills={
                    IdMap.key("competency", sk.competency_id): sv.Skill(
                        solver_level(sk.level.value), sk.valid_until
                    )
                    for sk in skills_of[s.id]
                },
                contract=_load_contract(week, s, present, weekends_done[s.id], caps),
                unavailable=frozenset(leave.unavailable[s.id]),
                history=tuple(history.get(s.id, ())),
                max_trainees=s.max_trainees,
                past=shared[s.id].as_past(lambda d: IdMap.key("duty", d)),
            )
        )
    return tuple(people)


# ----- wishes, offers, goals (requests, volunteering, goals) ---------------------------------


def _load_wishes(week: _Week) -> list[sv.Request]:
    """People's shift requests (wants and don't-wants) on the days of the horizon."""
    out = []
    for r in db.session.scalars(
        db.select(ShiftRequest)
        .where(
            ShiftRequest.staff_id.in_(week.staff_ids),
            ShiftRequest.on_date >= week.start,
            ShiftRequest.on_date < week.end,
        )
        .order_by(ShiftRequest.id)
    ):
        if r.shift_type_id is not None and r.shift_type_id not in week.ids.shifts.values():
            continue
        out.append(
            sv.Request(
                person=IdMap.key("staff", r.staff_id),
                day=week.day_of(r.on_date),
                shift=IdMap.key("shift", r.shift_type_id) if r.shift_type_id else None,
                want=r.want,
                weight=r.weight,
            )
        )
    return out


def _load_offers(week: _Week) -> tuple[sv.Offer, ...]:
    """The week's volunteer offers for stations and duties still planned."""
    duty_ids = {d.id for d in week.duty_rows}
    return tuple(
        sv.Offer(
            person=IdMap.key("staff", o.staff_id),
            kind=sv.OfferKind(o.kind.value),
            duty=IdMap.key("duty", o.duty_id) if o.duty_id else None,
            station=IdMap.key("station", o.station_id) if o.station_id else None,
            count=o.count,
        )
        for o in db.session.scalars(
            db.select(VolunteerOffer)
            .where(
                VolunteerOffer.staff_id.in_(week.staff_ids),
                VolunteerOffer.week_start == week.start,
            )
            .order_by(VolunteerOffer.id)
        )
        if (o.station_id is None or IdMap.key("station", o.station_id) in week.ids.stations)
        and (o.duty_id is None or o.duty_id in duty_ids)
    )


def _load_goals(week: _Week) -> tuple[sv.Goal, ...]:
    """Active development goals with the trainee shifts still needed before the week."""
    goals = []
    for g in db.session.scalars(
        db.select(DevelopmentGoal)
        .where(
            DevelopmentGoal.staff_id.in_(week.staff_ids),
            DevelopmentGoal.status == GoalStatus.ACTIVE,
        )
        .order_by(DevelopmentGoal.id)
    ):
        left = g.shifts_needed - shifts_done(g, before=week.start)
        if left <= 0:
            continue
        goals.append(
            sv.Goal(
                id=f"g{g.id}",
                person=IdMap.key("staff", g.staff_id),
                competency=IdMap.key("competency", g.competency_id),
                target_level=solver_level(g.target_level.value),
                shifts_needed=left,
                deadline=g.deadline,
                priority=g.priority,
            )
        )
    return tuple(goals)


# ----- cover and duties ---------------------------------------------------------------------


def _load_cover(week: _Week) -> tuple[sv.Cover, ...]:
    """Cover lines for each day: a date-specific line replaces the weekday line it matches."""
    if not week.station_rows:
        return ()
    station_ids = [station.id for station in week.station_rows]
    rows = db.session.scalars(
        db.select(CoverRequirement)
        .where(
            CoverRequirement.station_id.in_(station_ids),
            (CoverRequirement.on_date.is_(None))
            | ((CoverRequirement.on_date >= week.start) & (CoverRequirement.on_date < week.end)),
        )
        .order_by(CoverRequirement.id)
    ).all()
    by_weekday = {
        (r.station_id, r.shift_type_id, r.weekday): r for r in rows if r.weekday is not None
    }
    by_date = {(r.station_id, r.shift_type_id, r.on_date): r for r in rows if r.on_date is not None}
    out = []
    for d in range(week.days):
        on = week.start + timedelta(days=d)
        for station in week.station_rows:
            station_id = station.id
            for st in week.shift_rows:
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


def _load_duties(week: _Week) -> tuple[sv.Duty, ...]:
    """The duties of each site, scaled to the horizon, with who may take them."""
    ids = week.ids
    duties = []
    for site in week.sites:
        for duty in sorted((d for d in week.duty_rows if d.site_id == site.id), key=lambda d: d.id):
            duties.append(
                sv.Duty(
                    id=ids.add("duty", duty.id),
                    name=duty.name,
                    site=IdMap.key("site", duty.site_id),
                    minutes=duty.minutes,
                    per_week=math.ceil(duty.per_week * week.scale),
                    per_day=duty.per_day,
                    days=weekday_set(duty.weekdays),
                    shifts=(
                        frozenset(
                            IdMap.key("shift", st.id)
                            for st in duty.shift_types
                            if st in week.shift_rows
                        )
                        if duty.shift_types
                        else None
                    ),
                    competency=(
                        IdMap.key("competency", duty.competency_id) if duty.competency_id else None
                    ),
                    min_level=solver_level(duty.min_level.value),
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
    return tuple(duties)


# ----- pins, reference, kept days (pins, stability, kept) -----------------------------------


def _load_pins(week: _Week, pins_from: Iterable[Rota] | None) -> tuple[sv.Assignment, ...]:
    """The pinned rows of each site's latest draft (or of ``pins_from``) still planned."""
    if pins_from is None:
        sources = [latest_rota(site.id, week.start, RotaStatus.DRAFT) for site in week.sites]
    else:
        sources = list(pins_from)
    pins = []
    for source in sources:
        if source is not None:
            pins.extend(
                assignment_to_solver(a, week.start)
                for a in source.assignments
                if a.pinned and week.planned(a) and 0 <= week.day_of(a.on_date) < week.days
            )
    return tuple(pins)


def _load_reference(
    week: _Week, reference: Rota | Iterable[Rota] | None
) -> tuple[sv.Assignment, ...] | None:
    """The rota (or one per site) a re-plan should change least, or None for a fresh plan."""
    if reference is None:
        return None
    references = [reference] if isinstance(reference, Rota) else list(reference)
    return week.assignments_of(references, week.days)


def _load_kept(week: _Week) -> tuple[sv.Assignment, ...]:
    """The rows of the kept days, as the re-plan's rotas have them."""
    return week.assignments_of(week.keep.rotas, week.keep.days)
