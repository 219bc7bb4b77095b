"""Set-up slips that would give a wrong rota without a word: said before anyone generates.

Unlike the faults of ``setup_check`` (which stop a solve), these are set-ups the
engine can plan with but that are very likely mistakes: a shift running on a day
the site is closed, a station nobody is qualified for, a cover line asking for
more people than are qualified (approval with no pharmacist-in-charge account is
said by the week page itself). Each is a sentence naming what to correct.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..extensions import db
from ..models import (
    CoverRequirement,
    ShiftType,
    Site,
    SkillLevel,
    Staff,
    StaffCompetency,
)

DAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
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
    names = ", ".join(DAY_NAMES[d] for d in days)
    return (
        f"The {shift.name} shift runs on {names}, when {site.name} is closed: untick those days "
        "on the shift type, or add opening hours for them"
    )


def _held(site: Site, on: date) -> list[set[int]]:
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
    closed = closed_days(site)
    held = _held(site, week_start + timedelta(days=6))  # one read for every station
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
        on_closed = sorted({line.weekday for line in lines if line.weekday is not None} & closed)
        if on_closed:
            out.append(
                f"{station.name} asks for cover on {', '.join(DAY_NAMES[d] for d in on_closed)}, "
                f"when {site.name} is closed"
            )
    return out
