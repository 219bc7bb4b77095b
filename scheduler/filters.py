"""How pages say dates, times, hours and rules: Jinja filters, registered once.

Each is an ordinary function too, so services, forms and views word a date or a
shift in a message the same way a page does. Dates are calendar days as the site
has them; a stored timestamp is shown at the site's wall clock (:func:`site_time`).
In a template: ``{{ d|day }}``, ``{{ d|day_label }}``, ``{{ shift|shift_times }}``,
``{{ run.created_at|site_time(site) }}``, ``{{ minutes|hours }}``. An enum's words
are its ``.label`` (``{{ person.role.label }}``), in :mod:`scheduler.models.enums`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Flask

from .models import (
    AccountRole,
    AssignmentMode,
    GoalStatus,
    LeaveKind,
    LinkPurpose,
    OpeningHours,
    RatioRuleSet,
    RotaStatus,
    ShiftType,
    SolveKind,
    SolveStatus,
    Staff,
)
from .models.sites import zone_of

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_SHORT = tuple(name[:3] for name in DAY_NAMES)  # "Mon", ...


def day(value: date | None) -> str:
    """A calendar date with its weekday, e.g. 'Tue 3 Mar 2026'; '' for none."""
    if value is None:
        return ""
    return f"{value:%a} {value.day} {value:%b %Y}"


def day_label(value: date, this_year: int | None = None) -> str:
    """A short date such as 'Tue 3 Mar', with its year when that is not ``this_year``."""
    text = f"{DAY_SHORT[value.weekday()]} {value.day} {value:%b}"
    if this_year is not None and value.year != this_year:
        text += f" {value.year}"
    return text


def long_day(value: date) -> str:
    """A date in full, as a page's greeting says today, e.g. 'Tuesday 3 March 2026'."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def day_month_year(value: date) -> str:
    """A date without its weekday, e.g. '3 Mar 2026'."""
    return f"{value.day} {value:%b %Y}"


def day_month(value: date) -> str:
    """A day of the month and the month, e.g. '3 Mar'."""
    return f"{value.day} {value:%b}"


def valid_until(value: date | None) -> str:
    """A competency's last valid day (inclusive), e.g. 'valid until Tue 3 Mar 2026'."""
    return "no end date" if value is None else f"valid until {day(value)}"


def at_site(moment: datetime, site: Any) -> datetime:
    """A stored timestamp (naive = UTC) at a site's wall clock; ``site`` a Site or a zone name."""
    zone = zone_of(site if isinstance(site, str) else getattr(site, "timezone", "UTC"))
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(zone)


def site_time(moment: datetime | None, site: Any) -> str:
    """A stored UTC timestamp at a site's wall clock with the zone, e.g. '06 Dec 2026 09:27 CST'.

    ``site`` is a Site (anything with ``timezone``) or an IANA zone name; naive
    timestamps are UTC, as the database stores them.
    """
    if moment is None:
        return ""
    here = at_site(moment, site)
    return f"{here.day:02d} {here:%b %Y %H:%M} {here.tzname()}"


def shift_times(shift: ShiftType) -> str:
    """A shift's wall-clock hours, e.g. '07:00-15:00' or '23:00-07:00 (+1)' for a night."""
    text = f"{shift.start:%H:%M}\u2013{shift.end:%H:%M}"
    if shift.end <= shift.start:
        text += " (+1)"
    return text


def opening_times(hours: OpeningHours) -> str:
    """A day's opening hours, e.g. 'Mon 08:00–18:00'."""
    return f"{DAY_SHORT[hours.weekday]} {hours.opens:%H:%M}\u2013{hours.closes:%H:%M}"


def weekdays_words(text: str | None) -> str:
    """A stored weekday string in words: 'Every day', 'Mon–Fri' or 'Mon, Wed'."""
    if text is None or len(set(text)) == 7:
        return "Every day"
    days = sorted({int(ch) for ch in text})
    if not days:
        return "No days"
    if days == list(range(days[0], days[-1] + 1)) and len(days) >= 3:
        return f"{DAY_SHORT[days[0]]}\u2013{DAY_SHORT[days[-1]]}"
    return ", ".join(DAY_SHORT[d] for d in days)


def hours(minutes: int | None) -> str:
    """Minutes written as hours, e.g. 2400 -> '40' and 450 -> '7.5'; '' for none."""
    return "" if minutes is None else f"{minutes / 60:g}"


def contract_summary(person: Staff) -> str:
    """A one-line contract, e.g. '32-40 h a week; at most 5 days in a row; 2 weekends in 4'."""
    low, high = hours(person.min_minutes_per_week), hours(person.max_minutes_per_week)
    parts = [f"{low}\u2013{high} h a week" if high else f"at least {low} h a week"]
    if person.max_consecutive_days is not None:
        parts.append(f"at most {person.max_consecutive_days} days in a row")
    if person.max_weekends_per_4_weeks is not None:
        parts.append(f"{person.max_weekends_per_4_weeks} weekends in 4")
    parts.append(f"{hours(person.min_rest_minutes)} h rest")
    return "; ".join(parts)


def ratio_words(rule: RatioRuleSet) -> str:
    """A ratio rule in plain words, e.g. 'technicians <= 4 x pharmacists; 1 more if certified'."""
    text = f"technicians \u2264 {rule.techs_per_pharmacist} \u00d7 pharmacists"
    if rule.offset:
        text += f" {'plus' if rule.offset > 0 else 'minus'} {abs(rule.offset)}"
    if rule.certified_extra:
        text += f"; {rule.certified_extra} more per pharmacist if certified"
    text += "; trainees count" if rule.trainees_count else "; trainees do not count"
    return text


FILTERS = (
    day,
    day_label,
    long_day,
    day_month_year,
    day_month,
    valid_until,
    site_time,
    shift_times,
    opening_times,
    weekdays_words,
    hours,
    contract_summary,
    ratio_words,
)


# The enums templates compare a column with, e.g. ``rota.status == RotaStatus.DRAFT``.
TEMPLATE_ENUMS = (
    AccountRole,
    AssignmentMode,
    GoalStatus,
    LeaveKind,
    LinkPurpose,
    RotaStatus,
    SolveKind,
    SolveStatus,
)


def init_app(app: Flask) -> None:
    """Register every filter above on the app's Jinja environment, under its own name, the
    weekdays' short names as ``day_names`` (Monday first) and the enums templates compare
    columns with, under their class names."""
    for function in FILTERS:
        app.add_template_filter(function, function.__name__)
    app.add_template_global(DAY_SHORT, "day_names")
    for kind in TEMPLATE_ENUMS:
        app.add_template_global(kind, kind.__name__)
