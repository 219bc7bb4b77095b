"""Site set-up: site details and hours, stations, shift types, cover, duties and ratio rules.

Each ``save_*`` function takes plain values (as the forms give them), writes
them and commits.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any
from zoneinfo import available_timezones

from ..extensions import db
from ..models import (
    Competency,
    CoverRequirement,
    Duty,
    DutyKind,
    OpeningHours,
    RatioRuleSet,
    ShiftType,
    Site,
    SiteGroup,
    SiteKind,
    SkillLevel,
    Staff,
    Station,
)
from .archive import competencies_in_use

# ----- lookups and uniqueness -------------------------------------------------


def timezones() -> list[str]:
    """Every IANA time zone name the server knows, sorted."""
    return sorted(available_timezones())


def is_timezone(name: str) -> bool:
    """Whether a name is a known IANA time zone such as 'America/Chicago'."""
    return name in available_timezones()


def clash(model, column: str, value: str, except_id: int | None = None, **scope):
    """Another row of ``model`` (within ``scope``, e.g. a site) that has this value, or None.

    Case is compared here rather than with the database's ``lower()``, which leaves
    letters such as É as they are (SQLite; PostgreSQL under the C locale): it would miss
    "Île" typed again, which the unique index then refuses with an error page. Archived
    rows count: the unique index holds them too (a form says to restore one instead).
    """
    query = db.select(model)
    for name, wanted in scope.items():
        query = query.where(getattr(model, name) == wanted)
    if except_id is not None:
        query = query.where(model.id != except_id)
    folded = value.casefold()
    return next(
        (row for row in db.session.scalars(query) if getattr(row, column).casefold() == folded),
        None,
    )


def taken(model, column: str, value: str, except_id: int | None = None, **scope) -> bool:
    """Whether another row of ``model`` (within ``scope``, e.g. a site) has this value
    (ignoring case, as :func:`clash` compares it)."""
    return clash(model, column, value, except_id, **scope) is not None


def clash_message(row, taken_message: str, what: str, where: str) -> str | None:
    """What a form says when a typed name or code is another row's (None when it is no one's):
    ``taken_message``; or, when that row is archived, to restore it instead, e.g. "An archived
    station has this name: restore it instead (Archived stations, on the site's set-up page)."
    """
    if row is None:
        return None
    if getattr(row, "archived_at", None) is not None:
        return f"An archived {what}: restore it instead ({where})."
    return taken_message


def ratio_rule_taken(
    jurisdiction: str, setting: str, effective: date | None, except_id: int | None
) -> bool:
    """Whether a rule set for the same jurisdiction, setting and effective date exists
    (ignoring case, compared as :func:`taken` compares it)."""
    query = db.select(RatioRuleSet.jurisdiction, RatioRuleSet.setting).where(
        RatioRuleSet.effective_date.is_(None)
        if effective is None
        else RatioRuleSet.effective_date == effective,
    )
    if except_id is not None:
        query = query.where(RatioRuleSet.id != except_id)
    wanted = (jurisdiction.casefold(), setting.casefold())
    return any((j.casefold(), s.casefold()) == wanted for j, s in db.session.execute(query))


def all_sites() -> list[Site]:
    """Every site, by name."""
    return list(db.session.scalars(db.select(Site).order_by(Site.name)))


def all_groups() -> list[SiteGroup]:
    """Every site group, by name."""
    return list(db.session.scalars(db.select(SiteGroup).order_by(SiteGroup.name)))


def all_ratio_rules() -> list[RatioRuleSet]:
    """Every ratio rule set, by jurisdiction, setting and effective date."""
    return list(
        db.session.scalars(
            db.select(RatioRuleSet).order_by(
                RatioRuleSet.jurisdiction, RatioRuleSet.setting, RatioRuleSet.effective_date
            )
        )
    )


def all_competencies() -> list[Competency]:
    """Every competency in use (not archived), by name: what the forms offer."""
    return competencies_in_use()


def choices_with(rows: list, current) -> list:
    """Rows to choose from, and the ones a record already has that are not among them
    (archived ones), so editing it never drops them unasked."""
    return rows + [row for row in current if row not in rows]


def active_staff(site: Site) -> list[Staff]:
    """A site's active staff, by name."""
    return list(
        db.session.scalars(
            db.select(Staff)
            .where(Staff.home_site_id == site.id, Staff.active.is_(True))
            .order_by(Staff.name)
        )
    )


def _by_ids(model, ids) -> list:
    """Rows of a model by id, in id order (ids the form already limited to valid choices)."""
    ids = list(ids or [])
    if not ids:
        return []
    return list(db.session.scalars(db.select(model).where(model.id.in_(ids)).order_by(model.id)))


def weekday_text(days) -> str:
    """Weekday numbers as the stored digit string, e.g. [0, 1, 2] -> '012'."""
    return "".join(sorted({str(int(d)) for d in days}))


# ----- sites --------------------------------------------------------------------


def save_site(site: Site | None, values: dict[str, Any]) -> Site:
    """Create or update a site: details, group (new or existing), ratio rule and opening hours."""
    if site is None:
        site = Site()
        db.session.add(site)
    site.name = values["name"]
    site.kind = SiteKind(values["kind"])
    site.timezone = values["timezone"]
    site.open_24_7 = values["open_24_7"]
    site.ratio_rule_id = values["ratio_rule_id"]
    if values.get("new_group"):
        site.group = SiteGroup(name=values["new_group"])
    else:
        site.group_id = values["group_id"]
    hours: dict[int, tuple[time, time]] = {} if site.open_24_7 else values["hours"]
    kept = []
    for row in site.opening_hours:
        if row.weekday in hours:
            row.opens, row.closes = hours.pop(row.weekday)
            kept.append(row)
    site.opening_hours = kept + [
        OpeningHours(weekday=wd, opens=o, closes=c) for wd, (o, c) in sorted(hours.items())
    ]
    db.session.commit()
    return site


def opening_hours_data(site: Site) -> dict[str, time]:
    """A site's opening hours as form data: opens_0, closes_0, ..."""
    data: dict[str, time] = {}
    for row in site.opening_hours:
        data[f"opens_{row.weekday}"] = row.opens
        data[f"closes_{row.weekday}"] = row.closes
    return data


# ----- stations and shift types ---------------------------------------------------


def save_station(site: Site, station: Station | None, values: dict[str, Any]) -> Station:
    """Create or update a station: its name and the competencies that qualify people for it."""
    if station is None:
        station = Station(site=site)
        db.session.add(station)
    station.name = values["name"]
    station.competencies = _by_ids(Competency, values["competency_ids"])
    db.session.commit()
    return station


def crosses_midnight(start: time, end: time) -> bool:
    """Whether a shift from ``start`` to ``end`` ends on the next day."""
    return end <= start


def save_shift_type(site: Site, shift: ShiftType | None, values: dict[str, Any]) -> ShiftType:
    """Create or update a shift type: times, night flag, weekdays, forbidden successors, cap."""
    if shift is None:
        shift = ShiftType(site=site)
        db.session.add(shift)
    shift.code = values["code"]
    shift.name = values["name"]
    shift.start = values["start"]
    shift.end = values["end"]
    shift.night = values["night"]
    shift.weekdays = weekday_text(values["weekdays"])
    shift.max_per_week = values["max_per_week"]
    db.session.flush()
    shift.forbidden_next = _by_ids(ShiftType, values["forbidden_next_ids"])
    db.session.commit()
    return shift


# ----- cover ------------------------------------------------------------------------


def weekly_cover(station: Station) -> dict[tuple[int, int], CoverRequirement]:
    """A station's weekday cover lines by (shift type id, weekday)."""
    return {(c.shift_type_id, c.weekday): c for c in station.cover if c.weekday is not None}


def date_cover(station: Station) -> list[CoverRequirement]:
    """A station's date-specific cover lines, by date and shift start (those of archived
    shift types left out: they wait for a restore)."""
    lines = [c for c in station.cover if c.on_date is not None and c.shift_type.archived_at is None]
    return sorted(lines, key=lambda c: (c.on_date, c.shift_type.start))


def save_weekly_cover(
    station: Station, wanted: dict[tuple[int, int], tuple[int, int] | None]
) -> int:
    """Set a station's weekday cover from (shift, weekday) -> (minimum, ideal) or None to clear.

    Returns how many lines now exist.
    """
    existing = weekly_cover(station)
    for key, head in wanted.items():
        line = existing.get(key)
        if head is None:
            if line is not None:
                station.cover.remove(line)
            continue
        if line is None:
            line = CoverRequirement(shift_type_id=key[0], weekday=key[1])
            station.cover.append(line)
        line.minimum, line.ideal = head
    db.session.commit()
    return len(weekly_cover(station))


def save_date_cover(
    station: Station, shift_type_id: int, on_date: date, minimum: int, ideal: int
) -> bool:
    """Set the cover of a station on one date and shift (overriding its weekday line).

    Returns True when a line for that date and shift already existed and was changed.
    """
    line = next(
        (c for c in station.cover if c.on_date == on_date and c.shift_type_id == shift_type_id),
        None,
    )
    existed = line is not None
    if line is None:
        line = CoverRequirement(shift_type_id=shift_type_id, on_date=on_date)
        station.cover.append(line)
    line.minimum, line.ideal = minimum, ideal
    db.session.commit()
    return existed


def delete_cover_line(line: CoverRequirement) -> None:
    """Delete one cover line, and commit."""
    db.session.delete(line)
    db.session.commit()


# ----- duties and ratio rules ---------------------------------------------------------


def save_duty(site: Site, duty: Duty | None, values: dict[str, Any]) -> Duty:
    """Create or update a duty with its days, shifts, competency, counts, weight, people and
    whether it is required."""
    if duty is None:
        duty = Duty(site=site)
        db.session.add(duty)
    duty.name = values["name"]
    duty.kind = DutyKind(values["kind"])
    duty.minutes = values["minutes"]
    days = values["weekdays"]
    duty.weekdays = weekday_text(days) if days and len(set(days)) < 7 else None
    duty.competency_id = values["competency_id"]
    duty.min_level = SkillLevel(values["min_level"])
    duty.per_week = values["per_week"]
    duty.per_day = values["per_day"]
    duty.weight = values["weight"]
    duty.required = bool(values.get("required"))
    duty.shift_types = _by_ids(ShiftType, values["shift_type_ids"])
    duty.people = _by_ids(Staff, values["people_ids"])
    db.session.commit()
    return duty


RATIO_FIELDS = (
    "jurisdiction",
    "setting",
    "techs_per_pharmacist",
    "offset",
    "certified_extra",
    "trainees_count",
    "formula",
    "source",
    "effective_date",
)


def save_ratio_rule(rule: RatioRuleSet | None, values: dict[str, Any]) -> RatioRuleSet:
    """Create or update a pharmacist-to-technician ratio rule set, and commit."""
    if rule is None:
        rule = RatioRuleSet()
        db.session.add(rule)
    for name in RATIO_FIELDS:
        setattr(rule, name, values[name])
    db.session.commit()
    return rule
