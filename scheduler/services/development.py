"""How people grow: progress of development goals, competency expiry, certifications and CE.

Goal progress counts trainee shifts at stations that need the goal's competency:
*done* are those before today in published rotas (the latest published version
of each site's week); *planned* are those from today on, read from the latest
published version of a week, or from its latest draft when nothing is published
for that week yet. The projected sign-off date follows the pace of the planned
shifts.

Continuing-education rules are data (:data:`CE_RULES`), named by certification,
with their source; a certification without a rule shows its expiry only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func

from ..dates import monday_of
from ..extensions import db
from ..models import (
    AssignmentMode,
    CECategory,
    CEEntry,
    Certification,
    DevelopmentGoal,
    GoalStatus,
    Rota,
    RotaAssignment,
    RotaStatus,
    StaffCompetency,
    station_competencies,
)
from .fairness_history import published_only

SKILL_WARNING_DAYS = 30
CERT_WARNING_DAYS = 90
CERT_URGENT_DAYS = 30


@dataclass(frozen=True)
class CERule:
    """What renewing a certification asks for: a cycle, total hours and minimum hours by category.

    A category minimum counts only hours logged in that category (so the 15
    technician-specific hours are hours logged as "technician-specific").
    """

    certification: str
    cycle_years: int
    total_hours: float
    minimums: dict[CECategory, float]
    source: str


CE_RULES = {
    "CPhT": CERule(
        certification="CPhT",
        cycle_years=2,
        total_hours=20,
        minimums={CECategory.LAW: 1, CECategory.PATIENT_SAFETY: 1, CECategory.TECHNICIAN: 15},
        source="PTCB recertification requirements (ptcb.org)",
    ),
}


# ----- expiry --------------------------------------------------------------


def days_left(until: date | None, today: date) -> int | None:
    """Days from today to an expiry date (negative once it has passed), or None without one."""
    return None if until is None else (until - today).days


NO_LONGER_VALID = "No longer valid"


def skill_expiry_note(until: date | None, today: date) -> str | None:
    """'No longer valid', 'Valid until today' or 'Valid until Tue 3 Mar (in N days)' when near.

    ``until`` is the last day the level counts, so on it the level is still valid;
    None outside the window.
    """
    left = days_left(until, today)
    if left is None or left > SKILL_WARNING_DAYS:
        return None
    if left < 0:
        return NO_LONGER_VALID
    if left == 0:
        return "Valid until today"
    days = f"{left} day{'s' if left != 1 else ''}"
    return f"Valid until {until:%a} {until.day} {until:%b} (in {days})"


def cert_warning(until: date | None, today: date) -> str | None:
    """The warning level of a certification: 'expired', 'urgent' (30 days), 'soon' (90), or None."""
    left = days_left(until, today)
    if left is None or left > CERT_WARNING_DAYS:
        return None
    if left < 0:
        return "expired"
    return "urgent" if left <= CERT_URGENT_DAYS else "soon"


# ----- certifications and CE -----------------------------------------------


@dataclass
class CEStatus:
    """A certification with its expiry warning and, under a CE rule, the hours of its cycle."""

    certification: Certification
    days_left: int | None
    warning: str | None  # expired | urgent | soon | None
    rule: CERule | None = None
    cycle_start: date | None = None
    hours: dict[CECategory, float] = field(default_factory=dict)
    total: float = 0.0
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether the logged hours meet every requirement of the rule."""
        return self.rule is not None and not self.missing


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _hours(value: float) -> str:
    return f"{value:g} h"


def ce_status(cert: Certification, entries: list[CEEntry], today: date) -> CEStatus:
    """A certification's expiry warning and, when a CE rule applies, the hours logged and missing.

    The cycle is the rule's years up to the expiry date; entries count when dated
    after its start and on or before the expiry.
    """
    status = CEStatus(
        certification=cert,
        days_left=days_left(cert.expires, today),
        warning=cert_warning(cert.expires, today),
    )
    rule = CE_RULES.get(cert.name)
    if rule is None or cert.expires is None:
        return status
    status.rule = rule
    status.cycle_start = _years_before(cert.expires, rule.cycle_years)
    hours = dict.fromkeys(CECategory, 0.0)
    for entry in entries:
        if status.cycle_start < entry.on_date <= cert.expires:
            hours[entry.category] += entry.hours
    status.hours = hours
    status.total = sum(hours.values())
    for category, minimum in rule.minimums.items():
        short = minimum - hours[category]
        if short > 0:
            status.missing.append(f"{_hours(short)} of {category.label.lower()} still needed")
    if status.total < rule.total_hours:
        status.missing.append(
            f"{_hours(rule.total_hours - status.total)} more in total still needed "
            f"({_hours(status.total)} of {_hours(rule.total_hours)} logged)"
        )
    return status


def certification_statuses(staff_id: int, today: date) -> list[CEStatus]:
    """A person's certifications, soonest expiry first, each with its CE status."""
    certs = db.session.scalars(
        db.select(Certification)
        .where(Certification.staff_id == staff_id)
        .order_by(Certification.expires.is_(None), Certification.expires, Certification.name)
    ).all()
    entries = ce_entries(staff_id)
    return [ce_status(cert, entries, today) for cert in certs]


def ce_entries(staff_id: int) -> list[CEEntry]:
    """A person's CE log, newest first."""
    return list(
        db.session.scalars(
            db.select(CEEntry)
            .where(CEEntry.staff_id == staff_id)
            .order_by(CEEntry.on_date.desc(), CEEntry.id.desc())
        )
    )


# ----- development goals ---------------------------------------------------


@dataclass(frozen=True)
class GoalProgress:
    """Where a development goal stands: shifts done, planned and remaining, and when it ends."""

    goal: DevelopmentGoal
    current_level: str | None
    needed: int
    done: int
    planned: int
    remaining: int  # after the planned shifts
    planned_dates: tuple[date, ...]
    projected: date | None
    on_track: bool | None  # None when there is no deadline or no projection

    @property
    def ready(self) -> bool:
        """Whether enough supervised shifts are done for the trainer to sign off."""
        return self.done >= self.needed

    @property
    def status_text(self) -> str:
        """A short sentence on the goal's state, for the pages that list goals."""
        if self.ready:
            return "Ready for sign-off"
        if self.projected is None:
            return "Not planned yet"
        if self.on_track is False:
            return "Behind: projected after the deadline"
        return "On track"


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


def _planned_rotas(today: date) -> list[int]:
    """Ids of the rotas that hold the plan from this week on: per site and week, the latest
    published version, or the latest draft when none is published."""
    first_week = monday_of(today)
    rows = db.session.execute(
        db.select(Rota.id, Rota.site_id, Rota.week_start, Rota.status, Rota.version).where(
            Rota.week_start >= first_week
        )
    ).all()
    best: dict[tuple[int, date], tuple[int, int, int]] = {}
    for rota_id, site_id, week, status, version in rows:
        rank = (1 if status == RotaStatus.PUBLISHED else 0, version)
        key = (site_id, week)
        if key not in best or rank > best[key][:2]:
            best[key] = (*rank, rota_id)
    return [value[2] for value in best.values()]


def planned_dates(goal: DevelopmentGoal, today: date) -> list[date]:
    """Dates of trainee shifts toward a goal from today on, in the rotas that hold the plan."""
    rota_ids = _planned_rotas(today)
    if not rota_ids:
        return []
    query = (
        db.select(RotaAssignment.on_date)
        .join(station_competencies, station_competencies.c.station_id == RotaAssignment.station_id)
        .where(
            RotaAssignment.rota_id.in_(rota_ids),
            RotaAssignment.staff_id == goal.staff_id,
            RotaAssignment.mode == AssignmentMode.TRAINEE,
            RotaAssignment.on_date >= today,
            station_competencies.c.competency_id == goal.competency_id,
        )
        .order_by(RotaAssignment.on_date)
    )
    return list(db.session.scalars(query))


def project(needed_after_done: int, dates: list[date]) -> date | None:
    """The day the last needed shift falls, continuing the planned weekly pace past the plan.

    Returns None when nothing is planned and shifts are still needed.
    """
    if needed_after_done <= 0:
        return None
    if len(dates) >= needed_after_done:
        return dates[needed_after_done - 1]
    if not dates:
        return None
    weeks = (monday_of(dates[-1]) - monday_of(dates[0])).days // 7 + 1
    per_week = len(dates) / weeks
    more_weeks = math.ceil((needed_after_done - len(dates)) / per_week)
    return dates[-1] + timedelta(weeks=more_weeks)


def goal_progress(goal: DevelopmentGoal, today: date) -> GoalProgress:
    """A goal's supervised shifts done, planned and remaining, its projected sign-off and pace."""
    done = shifts_done(goal, before=today)
    dates = planned_dates(goal, today)
    after_done = max(0, goal.shifts_needed - done)
    if after_done == 0:
        projected: date | None = None
    else:
        projected = project(after_done, dates)
    on_track = None
    if goal.deadline is not None:
        if after_done == 0:
            on_track = True
        elif projected is not None:
            on_track = projected <= goal.deadline
        elif goal.deadline < today:
            on_track = False
    held = db.session.scalar(
        db.select(StaffCompetency.level).where(
            StaffCompetency.staff_id == goal.staff_id,
            StaffCompetency.competency_id == goal.competency_id,
        )
    )
    return GoalProgress(
        goal=goal,
        current_level=held.value if held is not None else None,
        needed=goal.shifts_needed,
        done=done,
        planned=len(dates),
        remaining=max(0, after_done - len(dates)),
        planned_dates=tuple(dates),
        projected=projected,
        on_track=on_track,
    )


def goals_of(staff_id: int, today: date, active_only: bool = False) -> list[GoalProgress]:
    """A person's development goals with their progress, active first, by deadline."""
    query = db.select(DevelopmentGoal).where(DevelopmentGoal.staff_id == staff_id)
    if active_only:
        query = query.where(DevelopmentGoal.status == GoalStatus.ACTIVE)
    goals = db.session.scalars(
        query.order_by(
            DevelopmentGoal.status, DevelopmentGoal.deadline.is_(None), DevelopmentGoal.deadline
        )
    ).all()
    return [goal_progress(g, today) for g in goals]


def trainee_shift_count(staff_id: int, competency_id: int, before: date) -> int:
    """Trainee shifts a person did before a date at stations needing a competency (published)."""
    probe = DevelopmentGoal(staff_id=staff_id, competency_id=competency_id)
    return shifts_done(probe, before=before)
