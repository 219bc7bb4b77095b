"""What recording leave would uncover: the person's published shifts and pinned shifts then.

A shift is uncovered when the person works it on the week's latest published version
(the staff were told), or is pinned on it in the week's latest version (a re-plan keeps
every pin, so the pin would clash with the leave). Days before today at the person's
site are past and uncover nothing. The leave forms list these before saving, and the
leave page then offers to re-plan each week touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..clock import site_today
from ..extensions import db
from ..filters import day_label
from ..models import Rota, RotaAssignment, Site, Staff
from .rota_lookup import latest_rota, published_rota


@dataclass(frozen=True)
class UncoveredShift:
    """One shift a person would leave open: when, where, and why it matters."""

    on_date: date
    shift: str
    place: str
    site_id: int
    week_start: date
    published: bool
    pinned: bool

    @property
    def words(self) -> str:
        """The shift in words, e.g. 'Tue 3 Mar day at IV room (pinned)'."""
        tags = [name for name, on in (("published", self.published), ("pinned", self.pinned)) if on]
        return f"{day_label(self.on_date)} {self.shift.lower()} at {self.place} ({', '.join(tags)})"


@dataclass(frozen=True)
class WeekToReplan:
    """A week at a site that leave uncovers shifts of, from the first day uncovered."""

    site: Site
    week_start: date
    first_day: date


def uncovered_by(
    staff: Staff,
    start: date,
    end: date,
    shift_type_id: int | None = None,
    *,
    pins: bool = True,
) -> list[UncoveredShift]:
    """The shifts leave from ``start`` to ``end`` (one shift type, or whole days) would uncover.

    ``pins=False`` leaves out what only a draft shows (for the person's own eyes: they
    see the published rota alone).
    """
    first = max(start, site_today(staff.home_site))
    if first > end:
        return []
    query = (
        db.select(RotaAssignment)
        .join(Rota, RotaAssignment.rota_id == Rota.id)
        .where(
            RotaAssignment.staff_id == staff.id,
            RotaAssignment.on_date >= first,
            RotaAssignment.on_date <= end,
        )
        .order_by(RotaAssignment.on_date, RotaAssignment.id)
    )
    if shift_type_id is not None:
        query = query.where(RotaAssignment.shift_type_id == shift_type_id)
    versions: dict[tuple[int, date], tuple[Rota | None, Rota | None]] = {}
    found: dict[tuple, UncoveredShift] = {}
    for a in db.session.scalars(query):
        week = (a.rota.site_id, a.rota.week_start)
        if week not in versions:
            versions[week] = (latest_rota(*week), published_rota(*week))
        latest, published = versions[week]
        is_published = published is not None and a.rota_id == published.id
        is_pinned = pins and a.pinned and latest is not None and a.rota_id == latest.id
        if not (is_published or is_pinned):
            continue
        place = a.station.name if a.station is not None else a.duty.name
        slot = (a.on_date, a.shift_type.name, place, *week)
        before = found.get(slot)
        found[slot] = UncoveredShift(
            on_date=a.on_date,
            shift=a.shift_type.name,
            place=place,
            site_id=week[0],
            week_start=week[1],
            published=is_published or (before is not None and before.published),
            pinned=is_pinned or (before is not None and before.pinned),
        )
    return sorted(found.values(), key=lambda u: (u.on_date, u.shift, u.place))


def weeks_to_replan(shifts: list[UncoveredShift]) -> list[WeekToReplan]:
    """The weeks (site by site) the uncovered shifts fall in, each from its first such day."""
    first: dict[tuple[int, date], date] = {}
    for u in shifts:
        key = (u.site_id, u.week_start)
        first[key] = min(first.get(key, u.on_date), u.on_date)
    out = [
        WeekToReplan(db.session.get(Site, site_id), week, day)
        for (site_id, week), day in first.items()
    ]
    return sorted(out, key=lambda w: (w.week_start, w.site.name))
