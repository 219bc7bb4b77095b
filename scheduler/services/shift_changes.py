"""What changed in a person's published shifts since they last said they had seen them.

A week's first publication is not a change. When a week is published again (a
later version, say after a sick call was re-planned), each person-day that differs
between the version the person last saw and the newest one (another shift, another
station or duty, or working instead of off or the other way) is a change they are
told about on My week, until they say they have seen it (``Staff.shifts_seen_at``).

"The version they last saw" of a site's week is the newest one published before
``shifts_seen_at``, or the week's first publication when there is none (or the
person never said). Only weeks that end today or later are looked at, so old
history never turns up. A day changed and later changed back is no change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import joinedload

from ..clock import site_today
from ..dates import monday_of
from ..extensions import db
from ..models import Rota, RotaAssignment, RotaStatus, Site, Staff, utcnow
from .rota_edits import placement_text

NEVER = datetime.min.replace(tzinfo=UTC)  # sorts a rota published at no recorded time first


@dataclass(frozen=True)
class ShiftChange:
    """One day of a person's that a re-publication changed, in plain words."""

    day: date
    before: str  # 'Day at Dispensary', 'off'
    after: str


@dataclass(frozen=True)
class WeekChanges:
    """A re-published week's changes to one person's days, with when it was published."""

    week_start: date
    changes: tuple[ShiftChange, ...]
    published_at: datetime | None  # the week's newest publication (UTC)
    site: Site  # whose clock the publication time is shown on


@dataclass(frozen=True)
class ChangeNotice:
    """Every change a person has not yet said they have seen, week by week."""

    weeks: tuple[WeekChanges, ...]

    @property
    def count(self) -> int:
        """How many of the person's days changed."""
        return sum(len(week.changes) for week in self.weeks)

    @property
    def newest(self) -> datetime | None:
        """When the newest publication in the notice was made (None when none says)."""
        moments = [week.published_at for week in self.weeks if week.published_at is not None]
        return max(moments) if moments else None


def _last_seen(versions: list[Rota], seen: datetime | None) -> Rota:
    """The version of a site's week the person last saw: published before ``seen``, else the first.

    ``versions`` are the week's published versions, oldest first; one published at no
    recorded time counts as published long ago.
    """
    before = [r for r in versions if seen is not None and (r.published_at or seen) <= seen]
    return before[-1] if before else versions[0]


def _published_weeks(staff: Staff, first_week: date) -> dict[tuple[int, date], list[Rota]]:
    """Published versions, oldest first, of each site week from ``first_week`` the person is in."""
    weeks = (
        db.select(Rota.site_id, Rota.week_start)
        .join(RotaAssignment, RotaAssignment.rota_id == Rota.id)
        .where(
            RotaAssignment.staff_id == staff.id,
            Rota.status == RotaStatus.PUBLISHED,
            Rota.week_start >= first_week,
        )
        .distinct()
    )
    mine = {(site_id, week) for site_id, week in db.session.execute(weeks)}
    if not mine:
        return {}
    rotas = db.session.scalars(
        db.select(Rota)
        .options(joinedload(Rota.site))
        .where(
            Rota.status == RotaStatus.PUBLISHED,
            Rota.week_start >= first_week,
            Rota.site_id.in_({site_id for site_id, _week in mine}),
        )
        .order_by(Rota.version)
    ).all()
    out: dict[tuple[int, date], list[Rota]] = defaultdict(list)
    for rota in rotas:
        if (rota.site_id, rota.week_start) in mine:
            out[(rota.site_id, rota.week_start)].append(rota)
    return out


def _days_of(staff: Staff, rota_ids: set[int]) -> dict[int, dict[date, RotaAssignment]]:
    """The person's assignments in the given rotas, by rota and day."""
    rows = db.session.scalars(
        db.select(RotaAssignment)
        .options(
            joinedload(RotaAssignment.shift_type),
            joinedload(RotaAssignment.station),
            joinedload(RotaAssignment.duty),
        )
        .where(RotaAssignment.staff_id == staff.id, RotaAssignment.rota_id.in_(rota_ids))
    ).all()
    out: dict[int, dict[date, RotaAssignment]] = defaultdict(dict)
    for a in rows:
        out[a.rota_id][a.on_date] = a
    return out


def _placement(a: RotaAssignment | None, staff: Staff, site: Site | None) -> str:
    """A day's placement in the rota wording, naming the site when it is not the person's own."""
    text = placement_text(a)
    if a is not None and site is not None and site.id != staff.home_site_id:
        text += f" ({site.name})"
    return text


def _same(was: RotaAssignment | None, now: RotaAssignment | None) -> bool:
    """Whether two placements of a day are the same shift at the same station or duty."""
    if was is None or now is None:
        return was is now
    return (was.shift_type_id, was.station_id, was.duty_id) == (
        now.shift_type_id,
        now.station_id,
        now.duty_id,
    )


def _week_changes(
    staff: Staff, pairs: list[tuple[Rota, Rota]], days: dict[int, dict[date, RotaAssignment]]
) -> WeekChanges | None:
    """One week's changed days of a person's, from each re-published site's (seen, newest) pair.

    Days are compared across the re-published sites together, so moving between two
    of them reads as one change of that day; a shift at another site names that site.
    """
    before: dict[date, tuple[RotaAssignment, Site]] = {}
    after: dict[date, tuple[RotaAssignment, Site]] = {}
    for seen_rota, newest_rota in pairs:
        for on, a in days[seen_rota.id].items():
            before.setdefault(on, (a, seen_rota.site))
        for on, a in days[newest_rota.id].items():
            after.setdefault(on, (a, newest_rota.site))
    changes = []
    for on in sorted(set(before) | set(after)):
        was, was_site = before.get(on, (None, None))
        now, now_site = after.get(on, (None, None))
        if not _same(was, now):
            changes.append(
                ShiftChange(on, _placement(was, staff, was_site), _placement(now, staff, now_site))
            )
    if not changes:
        return None
    latest = max((newest for _seen, newest in pairs), key=lambda r: r.published_at or NEVER)
    return WeekChanges(latest.week_start, tuple(changes), latest.published_at, latest.site)


def unseen_changes(staff: Staff, today: date | None = None) -> ChangeNotice:
    """The changes to a person's published shifts they have not yet said they have seen."""
    today = today or site_today(staff.home_site)
    by_week: dict[date, list[tuple[Rota, Rota]]] = defaultdict(list)
    for (_site_id, week), versions in _published_weeks(staff, monday_of(today)).items():
        seen_rota = _last_seen(versions, staff.shifts_seen_at)
        if seen_rota is not versions[-1]:
            by_week[week].append((seen_rota, versions[-1]))
    if not by_week:
        return ChangeNotice(())
    days = _days_of(
        staff, {rota.id for pairs in by_week.values() for pair in pairs for rota in pair}
    )
    weeks = (_week_changes(staff, by_week[week], days) for week in sorted(by_week))
    return ChangeNotice(tuple(week for week in weeks if week is not None))


def parse_shown(value: str | None) -> datetime | None:
    """The newest publication time a page showed, from its hidden field ('' for none).

    Raises ValueError for anything but an ISO timestamp with its UTC offset.
    """
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("a timestamp without its offset")
    return moment.astimezone(UTC)


def mark_seen(staff: Staff, shown: datetime | None) -> None:
    """Record that the person has seen the changes published up to ``shown`` (or until now).

    A change published after the page was shown stays unseen; the moment never
    moves back, so a second click from an older page changes nothing.
    """
    now = utcnow()
    moment = min(shown, now) if shown is not None else now
    if staff.shifts_seen_at is None or moment > staff.shifts_seen_at:
        staff.shifts_seen_at = moment
        db.session.commit()
