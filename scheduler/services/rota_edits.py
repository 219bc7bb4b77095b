"""Changing a draft by hand: pin, remove, move, assign, drop pins; sick calls; replacements.

Every edit is checked with the solver's validator on the whole planning group
(this rota plus the group's other sites' latest rotas of the week). An edit that
adds a hard-rule breach is refused with the rule named; otherwise it is saved,
the score is recomputed and any approval is cleared, since the rota changed.

An edit made on a page that showed the rota at another ``lock`` (its lock_version)
is refused with :class:`~.rota_workflow.RotaChanged` and nothing is saved; each edit also
touches the rota row, so changing only assignments moves the rota's lock on too.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import date

from .. import solver as sv
from ..extensions import db
from ..filters import day_label
from ..models import (
    AssignmentMode,
    Leave,
    LeaveKind,
    Rota,
    RotaAssignment,
    RotaStatus,
    ShiftType,
    Staff,
    Station,
    User,
)
from ..models.sites import Duty
from ..solver.constraints import family
from ..solver.constraints.pins import pin_sentence
from ..solver.constraints.placement import placement_reason
from ..solver.gaps import GapCheck
from ..solver.validate import new_violations
from .audit.reading import last_change
from .priorities import rota_priorities
from .problem_loader import build_problem
from .rota_lookup import latest_rota, planned_with
from .rota_pages import with_people
from .rota_workflow import RotaRefused, check_latest, check_lock, new_draft_from, saving
from .run_messages import failure_message
from .score_data import costs_with_reasons
from .solver_terms import IdMap, assignment_to_solver, rota_to_solver


@dataclass
class WeekCheck:
    """A rota's planning group read as a problem, with the assignments of the other sites."""

    rota: Rota
    problem: sv.Problem
    ids: IdMap
    others: tuple[sv.Assignment, ...]

    def whole(self, mine: list[sv.Assignment]) -> sv.Rota:
        """This site's assignments together with the group's other sites' ones."""
        return sv.Rota(tuple(mine) + self.others)

    def report(self, mine: list[sv.Assignment]) -> sv.Report:
        """Validate this site's assignments (with the rest of the group)."""
        return sv.validate(self.problem, self.whole(mine))


def week_check(rota: Rota) -> WeekCheck:
    """Read the rota's week for checking: no pins and no reference, the rules alone.

    Stations, shift types and duties archived since the rota (or the group's other
    rotas) named them are read as they were, so an older rota is checked as planned.
    Raises :class:`RotaRefused` listing the set-up's faults when the engine refuses the week.
    """
    sites = planned_with(rota.site)
    other_rotas = [
        other
        for site in sites
        if site.id != rota.site_id and (other := latest_rota(site.id, rota.week_start)) is not None
    ]
    try:
        problem, ids = build_problem(sites, rota.week_start, archived_in=[rota, *other_rotas])
    except sv.ProblemError as faulty:
        raise RotaRefused(failure_message(faulty)) from faulty
    problem = dataclasses.replace(
        problem, pins=(), reference=None, priorities=rota_priorities(rota)
    )
    others = [a for other in other_rotas for a in rota_to_solver(other).assignments]
    return WeekCheck(rota, problem, ids, tuple(others))


def rule_sentence(violation) -> str:
    """A hard-rule breach with its rule named: 'Rest between shifts: Ann ...'."""
    try:
        title = family(violation.family).title
    except KeyError:
        title = violation.family
    return f"{title}: {violation.sentence}"


# Findings of recent rota views, keyed by the rota's state and the newest audit event: every
# change people make is audited, so the same key means the same data and the same findings.
_FINDINGS_KEPT = 128
_findings: OrderedDict[tuple, list[str]] = OrderedDict()
_findings_lock = threading.Lock()


def current_violations(rota: Rota) -> list[str]:
    """Every hard rule the rota (with its group's other sites) breaks, in plain words.

    Checking rebuilds the week's whole problem, so a result is reused while neither the
    rota (its lock version) nor anything the audit log records has changed since, on the
    same day (competencies lapse at midnight).
    """
    change = last_change()
    key = None if change is None else (rota.id, rota.lock_version, change, date.today())
    if key is not None:
        with _findings_lock:
            if key in _findings:
                _findings.move_to_end(key)
                return list(_findings[key])
    check = week_check(rota)
    report = check.report(list(rota_to_solver(rota).assignments))
    found = [rule_sentence(v) for v in report.violations]
    if key is not None:
        with _findings_lock:
            _findings[key] = found
            while len(_findings) > _FINDINGS_KEPT:
                _findings.popitem(last=False)
    return list(found)


def _new_breaches(check: WeekCheck, before: list[sv.Assignment], after: list[sv.Assignment]):
    """The hard-rule breaches the change adds, and the report of the rota after it."""
    report = check.report(after)
    return new_violations(check.report(before).violations, report.violations), report


def _editable(rota: Rota) -> None:
    if rota.status is not RotaStatus.DRAFT:
        raise RotaRefused(
            f"Version {rota.version} is published and cannot be changed; "
            "start a new draft from it first."
        )


def _rescore(rota: Rota, report: sv.Report, check: WeekCheck, after: list[sv.Assignment]) -> None:
    """Store the recomputed score (per level, no bounds) with each gap's reasons, and clear any
    approval after a change."""
    rota.costs = costs_with_reasons(check.problem, check.whole(after), report.costs, rota.site)
    rota.objective = report.objective
    rota.bound = None
    rota.level_bounds = None  # a hand edit proves nothing about the best possible
    rota.violations = [rule_sentence(v) for v in report.violations] or None
    rota.approved_at = None
    rota.approved_by = None
    rota.submitted_at = None


def _as_solver(check: WeekCheck, a: RotaAssignment) -> sv.Assignment:
    return assignment_to_solver(a, check.rota.week_start)


def _refuse(breaches) -> None:
    sentences = "; ".join(rule_sentence(v) for v in breaches[:3])
    more = f" (and {len(breaches) - 3} more)" if len(breaches) > 3 else ""
    raise RotaRefused(f"Refused, it would break a hard rule. {sentences}{more}")


# ----- edits -------------------------------------------------------------------------


def toggle_pin(a: RotaAssignment, *, lock: int | None = None, by: User | None = None) -> bool:
    """Pin an assignment (a re-solve keeps it) or unpin it; returns the new state."""
    check_lock(a.rota, lock, by)
    _editable(a.rota)
    with saving(a.rota, by):
        a.pinned = not a.pinned
    return a.pinned


def remove(a: RotaAssignment, *, lock: int | None = None, by: User | None = None) -> None:
    """Take an assignment off the draft, unless that breaks a hard rule."""
    rota = a.rota
    check_lock(rota, lock, by)
    _editable(rota)
    check = week_check(rota)
    before = [_as_solver(check, x) for x in rota.assignments]
    after = [_as_solver(check, x) for x in rota.assignments if x.id != a.id]
    breaches, report = _new_breaches(check, before, after)
    if breaches:
        _refuse(breaches)
    with saving(rota, by):
        rota.assignments.remove(a)
        _rescore(rota, report, check, after)


def _target(check: WeekCheck, on_date: date, shift: ShiftType, place: Station | Duty):
    kind = "station" if isinstance(place, Station) else "duty"
    if place.site_id != check.rota.site_id or shift.site_id != check.rota.site_id:
        raise RotaRefused("That shift or place belongs to another site.")
    day = (on_date - check.rota.week_start).days
    if not 0 <= day < 7:
        raise RotaRefused("That date is not in this week.")
    if not shift.runs_on(on_date.weekday()):
        raise RotaRefused(f"The {shift.name.lower()} shift does not run on {day_label(on_date)}.")
    return day, IdMap.key("shift", shift.id), IdMap.key(kind, place.id), kind


def move(
    a: RotaAssignment,
    on_date: date,
    shift: ShiftType,
    place: Station | Duty,
    *,
    lock: int | None = None,
    by: User | None = None,
) -> None:
    """Move an assignment to another day, shift, station or duty, and pin it there."""
    rota = a.rota
    check_lock(rota, lock, by)
    _editable(rota)
    check = week_check(rota)
    day, shift_key, activity, kind = _target(check, on_date, shift, place)
    clash = next(
        (
            x
            for x in rota.assignments
            if x.staff_id == a.staff_id and x.on_date == on_date and x.id != a.id
        ),
        None,
    )
    if clash is not None:
        raise RotaRefused(
            f"Refused: {a.staff.name} already works on {day_label(on_date)} "
            "(one shift a day); move or remove that shift first."
        )
    mode = a.mode if kind == "station" else AssignmentMode.WORKS
    trainer = a.trainer_id if mode is AssignmentMode.TRAINEE else None
    moved = sv.Assignment(
        IdMap.key("staff", a.staff_id),
        day,
        shift_key,
        activity,
        sv.Mode(mode.value),
        IdMap.key("staff", trainer) if trainer else None,
    )
    before = [_as_solver(check, x) for x in rota.assignments]
    after = [moved if x.id == a.id else _as_solver(check, x) for x in rota.assignments]
    # trainees beside the moved person stay behind without their trainer
    breaches, report = _new_breaches(check, before, after)
    if breaches:
        _refuse(breaches)
    with saving(rota, by):
        a.on_date, a.shift_type, a.mode, a.trainer_id = on_date, shift, mode, trainer
        a.station, a.duty = (place, None) if kind == "station" else (None, place)
        a.pinned = True
        _rescore(rota, report, check, after)


def assign(
    rota: Rota,
    staff: Staff,
    on_date: date,
    shift: ShiftType,
    place: Station | Duty,
    *,
    lock: int | None = None,
    by: User | None = None,
) -> None:
    """Put a person on a shift at a station or duty (pinned), moving them if they work that day."""
    check_lock(rota, lock, by)
    _editable(rota)
    check = week_check(rota)
    day, shift_key, activity, kind = _target(check, on_date, shift, place)
    new = sv.Assignment(IdMap.key("staff", staff.id), day, shift_key, activity)
    existing = next(
        (x for x in rota.assignments if x.staff_id == staff.id and x.on_date == on_date), None
    )
    before = [_as_solver(check, x) for x in rota.assignments]
    after = [_as_solver(check, x) for x in rota.assignments if x is not existing] + [new]
    breaches, report = _new_breaches(check, before, after)
    if breaches:
        _refuse(breaches)
    with saving(rota, by):
        if existing is not None:
            rota.assignments.remove(existing)
            db.session.flush()
        rota.assignments.append(
            RotaAssignment(
                staff=staff,
                on_date=on_date,
                shift_type=shift,
                station=place if kind == "station" else None,
                duty=place if kind == "duty" else None,
                mode=AssignmentMode.WORKS,
                pinned=True,
            )
        )
        _rescore(rota, report, check, after)


# ----- pins that cannot hold ---------------------------------------------------------------


@dataclass(frozen=True)
class PinConflict:
    """A pinned assignment a solve could not keep, in words, with why when it cannot hold alone."""

    assignment: RotaAssignment
    sentence: str  # 'Pin: Ann on Tue 3 Mar day at Central fill'
    why: str | None = None  # 'Ann is on leave on Tue 3 Mar'


def conflicting_pins(rota: Rota, reasons: list[str]) -> list[PinConflict]:
    """The rota's pins that a failed solve's reasons name, or that cannot hold now on their own."""
    pinned = [a for a in rota.assignments if a.pinned]
    if not pinned:
        return []
    check = week_check(rota)
    out = []
    for a in pinned:
        pin = _as_solver(check, a)
        if pin.person not in check.problem.person:
            continue  # someone no longer planned: the solve did not hold this pin
        sentence = pin_sentence(check.problem, pin)
        why = placement_reason(check.problem, pin)
        if why or any(r.startswith(sentence) for r in reasons):
            out.append(PinConflict(a, sentence, why))
    return out


def _same_row(a: RotaAssignment) -> tuple:
    return (a.staff_id, a.on_date, a.shift_type_id, a.station_id, a.duty_id, a.mode)


def _unpin_in_copy(rota: Rota, rows: list[RotaAssignment], lock: int | None, by: User | None):
    """Copy a published version as the next draft and unpin the rows' copies there."""
    wanted = {_same_row(a) for a in rows}
    draft = new_draft_from(rota, lock=lock, by=by)
    with saving(draft, by):
        for a in draft.assignments:
            if _same_row(a) in wanted:
                a.pinned = False
    return draft


def drop_pin(a: RotaAssignment, *, lock: int | None = None, by: User | None = None) -> Rota:
    """Unpin one assignment of the week's latest version, so the next solve may change it.

    A draft is changed in place; a published version is copied as a new draft first
    (it cannot change), the copy without that pin. Returns the version now holding it.
    """
    rota = a.rota
    check_lock(rota, lock, by)
    check_latest(rota, by)
    if not a.pinned:
        raise RotaRefused("That shift is not pinned any more; nothing was changed.")
    if rota.status is RotaStatus.DRAFT:
        toggle_pin(a, lock=lock, by=by)
        return rota
    return _unpin_in_copy(rota, [a], lock, by)


def slot_words(a: RotaAssignment) -> str:
    """One assignment's shift in words, e.g. 'Tue 3 Mar day at IV room'."""
    where = a.station.name if a.station is not None else a.duty.name
    return f"{day_label(a.on_date)} {a.shift_type.name.lower()} at {where}"


def absent_pins(rota: Rota, staff: Staff, start: date, end: date) -> list[RotaAssignment]:
    """A person's pinned assignments of the rota from ``start`` to ``end``, by day."""
    rows = [
        a
        for a in rota.assignments
        if a.pinned and a.staff_id == staff.id and start <= a.on_date <= end
    ]
    return sorted(rows, key=lambda a: (a.on_date, a.id))


def unpin_absent(
    rota: Rota,
    staff: Staff,
    start: date,
    end: date,
    *,
    lock: int | None = None,
    by: User | None = None,
) -> tuple[Rota, list[str]]:
    """Unpin a person's pinned shifts from ``start`` to ``end``, since they are absent then.

    A re-plan keeps the pins of the week's latest version, and would clash with the
    absence; these are removed here, by the sick call, and named ("Tue 3 Mar day at IV
    room"). A published version is copied as a new draft first. Returns the version the
    re-plan starts from and the shifts unpinned.
    """
    rows = absent_pins(rota, staff, start, end)
    if not rows:
        return rota, []
    words = [slot_words(a) for a in rows]
    check_lock(rota, lock, by)
    if rota.status is not RotaStatus.DRAFT:
        return _unpin_in_copy(rota, rows, lock, by), words
    with saving(rota, by):
        for a in rows:
            a.pinned = False
    return rota, words


# ----- a sick call -----------------------------------------------------------------------


def mark_absent(rota: Rota, staff: Staff, start: date, end: date, note: str = "") -> Leave:
    """Record approved sick leave for a person, so a re-plan leaves those days free."""
    leave = Leave(
        staff=staff,
        start_date=start,
        end_date=end,
        kind=LeaveKind.SICK,
        approved=True,
        note=note or f"Sick call, marked on the rota of week {rota.week_start}",
    )
    db.session.add(leave)
    db.session.commit()
    return leave


@dataclass(frozen=True)
class Change:
    """One person-day that differs between two versions of a week."""

    name: str
    day: date
    before: str
    after: str


def placement_text(a: RotaAssignment | None) -> str:
    if a is None:
        return "off"
    where = a.station.name if a.station is not None else a.duty.name
    text = f"{a.shift_type.name} at {where}"
    if a.mode is AssignmentMode.TRAINEE:
        text += " (trainee)"
    return text


def changes(before: Rota, after: Rota) -> list[Change]:
    """Who changed between two versions of a week, day by day, in plain words."""
    with_people(before, after)
    old = {(a.staff_id, a.on_date): a for a in before.assignments}
    new = {(a.staff_id, a.on_date): a for a in after.assignments}
    out = []
    for key in set(old) | set(new):
        was, now = old.get(key), new.get(key)
        same = (
            was is not None
            and now is not None
            and (was.shift_type_id, was.station_id, was.duty_id)
            == (now.shift_type_id, now.station_id, now.duty_id)
        )
        if same:
            continue
        person = (now or was).staff
        out.append(Change(person.name, key[1], placement_text(was), placement_text(now)))
    out.sort(key=lambda c: (c.day, c.name))
    return out


# ----- replacements for one open shift -----------------------------------------------------


@dataclass
class Candidate:
    """A person who might fill an open shift, with what it would cost and why."""

    staff: Staff
    possible: bool
    breaks: list[str] = field(default_factory=list)  # hard rules it would break
    cost: int = 0  # change in score (lower is better)
    reasons: list[str] = field(default_factory=list)
    moves_from: str = ""

    @property
    def rank_key(self) -> tuple:
        """Sort order: possible first, then fewest breaches, then lowest cost, then name."""
        return (not self.possible, len(self.breaks), self.cost, self.staff.name)


def suggest_replacements(
    rota: Rota, on_date: date, shift: ShiftType, station: Station
) -> list[Candidate]:
    """People of the site ranked for an open shift at a station, each with reasons.

    Whoever cannot take it (impossible, or breaking a hard rule) is told why in the
    words of the wall chart's gaps (``solver/gaps.py``), as if moved from their shift
    of that day.
    """
    check = week_check(rota)
    day, shift_key, activity, _kind = _target(check, on_date, shift, station)
    base = [_as_solver(check, x) for x in rota.assignments]
    base_report = check.report(base)
    base_costs = Counter(c.sentence for c in base_report.costs)
    gaps = GapCheck(check.problem, check.whole(base))
    staff_rows = {
        s.id: s
        for s in db.session.scalars(
            db.select(Staff).where(Staff.home_site_id == rota.site_id, Staff.active.is_(True))
        )
    }
    out = []
    for person in check.problem.people:
        if person.id not in check.ids.staff:
            continue
        staff = staff_rows.get(check.ids.staff[person.id])
        if staff is None:
            continue
        existing = next(
            (x for x in rota.assignments if x.staff_id == staff.id and x.on_date == on_date), None
        )
        if (
            existing is not None
            and existing.shift_type_id == shift.id
            and (existing.station_id == station.id)
        ):
            continue  # already there
        new = sv.Assignment(person.id, day, shift_key, activity)
        if placement_reason(check.problem, new):
            words = gaps.why_not(person.id, day, shift_key, activity, moving=True)
            out.append(Candidate(staff, False, reasons=[r.text for r in words if r.hard]))
            continue
        after = [a for x, a in zip(rota.assignments, base, strict=True) if x is not existing]
        after.append(new)
        report = check.report(after)
        added_breaches = new_violations(base_report.violations, report.violations)
        breaks = [rule_sentence(v) for v in added_breaches]
        cand = Candidate(staff, True, breaks=breaks, cost=report.objective - base_report.objective)
        if breaks:  # the same words as the gap's "why nobody else", then any other rule
            words = [
                r for r in gaps.why_not(person.id, day, shift_key, activity, moving=True) if r.hard
            ]
            named = {r.family for r in words}
            cand.reasons.extend(r.text for r in words)
            unnamed = [rule_sentence(v) for v in added_breaches if v.family not in named]
            cand.reasons.extend(f"would break: {b}" for b in unnamed[:3])
        used = sum(
            check.problem.slot_minutes(a.day, a.shift) for a in after if a.person == person.id
        )
        cap = person.contract.max_minutes
        hours = f"{used / 60:g} of {cap / 60:g} h used" if cap else f"{used / 60:g} h rostered"
        cand.reasons.append(f"qualified, available, {hours}")
        if existing is not None:
            cand.moves_from = placement_text(existing)
            cand.reasons.append(f"moves from {cand.moves_from}")
        now = Counter(c.sentence for c in report.costs)
        added = list((now - base_costs).elements())
        removed = list((base_costs - now).elements())
        cand.reasons.extend(f"adds: {s}" for s in added[:3])
        cand.reasons.extend(f"clears: {s}" for s in removed[:2])
        out.append(cand)
    out.sort(key=lambda c: c.rank_key)
    return out
