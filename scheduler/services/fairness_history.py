"""Shared work over a site's fairness window: nights, weekends, each duty and training shifts.

The window is the ``Site.fairness_weeks`` weeks before the week being planned.
Only the latest published version of each site-week counts (drafts never do); a
group solve counts the published rotas of every site it plans. A night is a
shift of a night shift type; a weekend counts once when the person works any
shift on its Saturday or Sunday; duties are counted per duty; training is
TRAINEE-mode shifts. The loader fills the solver's ``Person.past`` from these
counts and the person pages show them, both through this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, func, or_

from ..extensions import db
from ..models import (
    AssignmentMode,
    Duty,
    Rota,
    RotaAssignment,
    RotaStatus,
    ShiftType,
    Staff,
)


@dataclass
class SharedCounts:
    """One person's shared work over a window of published weeks."""

    nights: int = 0
    weekends: int = 0
    training: int = 0
    duties: dict[int, int] = field(default_factory=dict)  # duty id -> occurrences

    def as_past(self, duty_key: Callable[[int], str]) -> dict[str, int]:
        """The counts as the solver's ``Person.past`` (kinds with a count only)."""
        past = {"night": self.nights, "weekend": self.weekends, "training": self.training}
        past.update({f"duty:{duty_key(d)}": n for d, n in self.duties.items()})
        return {kind: n for kind, n in past.items() if n}


def window(week_start: date, weeks: int) -> tuple[date, date]:
    """The first Monday counted and the Monday the window ends before (the week planned)."""
    return week_start - timedelta(weeks=max(0, weeks)), week_start


def published_only(
    query: Select,
    first: date | None = None,
    end: date | None = None,
    site_ids: Iterable[int] | None = None,
) -> Select:
    """A query over rota assignments kept to the latest published version of each site-week.

    ``first`` and ``end`` bound the weeks (``end`` excluded); ``site_ids`` the sites.
    """
    latest = db.select(
        Rota.site_id, Rota.week_start, func.max(Rota.version).label("version")
    ).where(Rota.status == RotaStatus.PUBLISHED)
    if first is not None:
        latest = latest.where(Rota.week_start >= first)
    if end is not None:
        latest = latest.where(Rota.week_start < end)
    if site_ids is not None:
        latest = latest.where(Rota.site_id.in_(list(site_ids)))
    latest = latest.group_by(Rota.site_id, Rota.week_start).subquery()
    return (
        query.join(Rota, RotaAssignment.rota_id == Rota.id)
        .join(
            latest,
            (latest.c.site_id == Rota.site_id)
            & (latest.c.week_start == Rota.week_start)
            & (latest.c.version == Rota.version),
        )
        .where(Rota.status == RotaStatus.PUBLISHED)
    )


def shared_counts(
    staff_ids: Iterable[int],
    week_start: date,
    weeks: int,
    site_ids: Iterable[int] | None = None,
) -> dict[int, SharedCounts]:
    """Each person's shared work in the published weeks of the window before ``week_start``.

    One statement: the latest published version of each site-week in the window
    (of the given sites, or of every site), joined to its assignments of these people.
    """
    wanted = list(staff_ids)
    out = {sid: SharedCounts() for sid in wanted}
    first, end = window(week_start, weeks)
    if not wanted or first >= end:
        return out
    query = db.select(
        RotaAssignment.staff_id,
        RotaAssignment.on_date,
        RotaAssignment.shift_type_id,
        RotaAssignment.duty_id,
        RotaAssignment.mode,
        ShiftType.night,
    ).join(ShiftType, ShiftType.id == RotaAssignment.shift_type_id)
    rows = db.session.execute(
        published_only(query, first, end, site_ids).where(RotaAssignment.staff_id.in_(wanted))
    )
    nights: dict[int, set] = defaultdict(set)
    weekends: dict[int, set] = defaultdict(set)
    training: dict[int, set] = defaultdict(set)
    duties: dict[int, dict[int, set]] = defaultdict(lambda: defaultdict(set))
    for staff_id, on, shift_id, duty_id, mode, night in rows:
        slot = (on, shift_id)
        if night:
            nights[staff_id].add(slot)
        if on.weekday() >= 5:
            weekends[staff_id].add(on - timedelta(days=on.weekday() - 5))  # its Saturday
        if duty_id is not None:
            duties[staff_id][duty_id].add(slot)
        if mode == AssignmentMode.TRAINEE:
            training[staff_id].add(slot)
    for sid, counts in out.items():
        counts.nights = len(nights[sid])
        counts.weekends = len(weekends[sid])
        counts.training = len(training[sid])
        counts.duties = {d: len(slots) for d, slots in sorted(duties[sid].items())}
    return out


# ----- what the person pages show ------------------------------------------------------------


@dataclass(frozen=True)
class SharedWork:
    """A person's shared work as the person pages show it: the window and one line per kind."""

    weeks: int
    first: date  # the Monday the window starts
    last: date  # the Sunday it ends
    lines: tuple[tuple[str, str], ...]  # (what, how many), e.g. ("Weekends", "3 of the last 8")


def shared_work(staff: Staff, today: date) -> SharedWork:
    """A person's nights, weekends, duties and training shifts over their site's window.

    The window is the one the next week's rota is planned with: the site's
    ``fairness_weeks`` weeks up to the end of the current week.
    """
    weeks = max(0, staff.home_site.fairness_weeks)
    next_week = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
    first, end = window(next_week, weeks)
    counts = shared_counts([staff.id], next_week, weeks)[staff.id]
    duties = db.session.scalars(
        db.select(Duty)
        .where(
            or_(
                (Duty.site_id == staff.home_site_id) & Duty.archived_at.is_(None),
                Duty.id.in_(list(counts.duties)),
            )
        )
        .order_by(Duty.name, Duty.id)
    ).all()
    lines = [
        ("Weekends", f"{counts.weekends} of the last {weeks}"),
        ("Nights", str(counts.nights)),
        *((d.name, str(counts.duties.get(d.id, 0))) for d in duties),
        ("Training shifts", str(counts.training)),
    ]
    return SharedWork(weeks, first, end - timedelta(days=1), tuple(lines))
