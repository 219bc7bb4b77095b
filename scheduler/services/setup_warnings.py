"""Set-up slips that would give a wrong rota without a word: said before anyone generates.

Unlike the faults of ``setup_check`` (which stop a solve), these are set-ups the
engine can plan with but that are very likely mistakes: a shift running on a day
the site is closed, a station nobody is qualified for, a cover line asking for
more people than are qualified (approval with no pharmacist-in-charge account is
said by the week page itself). Each is a sentence naming what to correct.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from ..extensions import db
from ..filters import DAY_NAMES
from ..models import (
    CoverRequirement,
    ShiftType,
    Site,
    SkillLevel,
    Staff,
    StaffCompetency,
    Station,
)

ABLE = (SkillLevel.INDEPENDENT, SkillLevel.TRAINER)


def closed_days(site: Site) -> set[int]:
    """The weekdays a site is closed (none when it is open around the clock or has no hours)."""
    if site.open_24_7 or not site.opening_hours:
        return set()
    return set(range(7)) - {h.weekday for h in site.opening_hours}


def shift_on_closed_days(site: Site, shift: ShiftType) -> str | None:
    """'Day runs on Sundays, when Corner Pharmacy is closed', or None."""
    days = sorted(d for d in closed_days(site) if shift.runs_on(d))
    if not days:
        return None
    names = ", ".join(f"{DAY_NAMES[d]}s" for d in days)
    return (
        f"The {shift.name} shift runs on {names}, when {site.name} is closed: untick those days "
        "on the shift type, or add opening hours for them"
    )


def _minute(t: time) -> int:
    return t.hour * 60 + t.minute


def outside_opening_hours(site: Site, shift: ShiftType, weekday: int) -> bool:
    """Whether a shift starting on a weekday lies wholly outside the site's opening hours
    (that day's, or past midnight the next day's): no minute of it while the site is open."""
    hours = {h.weekday: h for h in site.opening_hours}
    start = _minute(shift.start)
    end = start + (shift.minutes or 24 * 60)
    windows = []
    for offset in (0, 1):
        day = hours.get((weekday + offset) % 7)
        if day is not None:
            shift_by = offset * 24 * 60
            windows.append((_minute(day.opens) + shift_by, _minute(day.closes) + shift_by))
    return not any(opens < end and start < closes for opens, closes in windows)


def shift_outside_hours(site: Site, shift: ShiftType) -> str | None:
    """'The Night shift (22:00-06:00) lies wholly outside Corner Pharmacy's opening hours on
    Mondays', or None: days it runs while the site is open, yet not during its hours."""
    if site.open_24_7 or not site.opening_hours:
        return None
    closed = closed_days(site)
    days = [
        d
        for d in range(7)
        if shift.runs_on(d) and d not in closed and outside_opening_hours(site, shift, d)
    ]
    if not days:
        return None
    return (
        f"The {shift.name} shift ({shift.start:%H:%M}\u2013{shift.end:%H:%M}) lies wholly outside "
        f"{site.name}'s opening hours on {_days(days)}: change its times or days, or the "
        "opening hours"
    )


def _days(weekdays: list[int]) -> str:
    return ", ".join(f"{DAY_NAMES[d]}s" for d in sorted(weekdays))


def _by_start(found: dict[ShiftType, list[int]]) -> list[tuple[ShiftType, list[int]]]:
    return sorted(found.items(), key=lambda item: (item[0].start, item[0].name))


def cover_against_hours(station: Station) -> str | None:
    """'Fill asks for people on the Day shift on Sundays, when Corner Pharmacy is closed', or None.

    A weekday cover line asking for anyone (minimum or ideal above 0) on a day the site
    is closed, or on a shift lying wholly outside that day's opening hours, is named;
    a site open around the clock, or with no hours, has nothing to contradict.
    """
    site = station.site
    if site.open_24_7 or not site.opening_hours:
        return None
    closed = closed_days(site)
    on_closed: dict[ShiftType, list[int]] = {}
    outside: dict[ShiftType, list[int]] = {}
    for line in station.cover:
        if line.weekday is None or line.ideal <= 0:  # the ideal is never below the minimum
            continue
        if line.shift_type.archived_at is not None:  # new rotas leave it out
            continue
        if line.weekday in closed:
            on_closed.setdefault(line.shift_type, []).append(line.weekday)
        elif outside_opening_hours(site, line.shift_type, line.weekday):
            outside.setdefault(line.shift_type, []).append(line.weekday)
    parts = [
        f"on the {shift.name} shift on {_days(days)}, when {site.name} is closed"
        for shift, days in _by_start(on_closed)
    ] + [
        f"on the {shift.name} shift ({shift.start:%H:%M}\u2013{shift.end:%H:%M}) on {_days(days)}, "
        f"wholly outside {site.name}'s opening hours those days"
        for shift, days in _by_start(outside)
    ]
    if not parts:
        return None
    return (
        f"{station.name} asks for people {'; and '.join(parts)}: clear those cells, "
        "or change the opening hours"
    )


def held_competencies(site: Site, on: date) -> list[set[int]]:
    """The competencies each active person of a site holds independently on a date."""
    people = db.session.scalars(
        db.select(Staff.id).where(Staff.home_site_id == site.id, Staff.active.is_(True))
    ).all()
    held: dict[int, set[int]] = {p: set() for p in people}
    if held:
        for sk in db.session.scalars(
            db.select(StaffCompetency).where(
                StaffCompetency.staff_id.in_(held), StaffCompetency.level.in_(ABLE)
            )
        ):
            if sk.valid_until is None or sk.valid_until >= on:
                held[sk.staff_id].add(sk.competency_id)
    return list(held.values())


def week_warnings(site: Site, week_start: date) -> list[str]:
    """The likely set-up slips of a site's week, in words (empty when none); archived
    stations and shift types are left out, as new rotas leave them out."""
    out = [w for st in site.shift_types_in_use if (w := shift_on_closed_days(site, st))]
    out += [w for st in site.shift_types_in_use if (w := shift_outside_hours(site, st))]
    out += [w for station in site.stations_in_use if (w := cover_against_hours(station))]
    held = held_competencies(site, week_start + timedelta(days=6))  # one read for every station
    for station in site.stations_in_use:
        needs = [c.id for c in station.competencies]
        lines = db.session.scalars(
            db.select(CoverRequirement)
            .join(ShiftType, ShiftType.id == CoverRequirement.shift_type_id)
            .where(
                CoverRequirement.station_id == station.id,
                CoverRequirement.minimum > 0,
                ShiftType.archived_at.is_(None),
            )
        ).all()
        if not lines:
            continue
        able = sum(1 for comps in held if set(needs) <= comps)
        if able == 0:
            names = ", ".join(c.name for c in station.competencies) or "nothing"
            out.append(
                f"Nobody at {site.name} is qualified for {station.name} (it needs {names}): "
                "its cover cannot be met. Sign someone off, or check the station's competencies"
            )
            continue
        most = max(line.minimum for line in lines)
        if most > able:
            line = next(line for line in lines if line.minimum == most)
            out.append(
                f"{station.name} asks for {most} on the {line.shift_type.name} shift, but only "
                f"{able} {'person is' if able == 1 else 'people are'} qualified for it"
            )
    return out
