"""The dates the app works with: one supported range, 2000 to 2100, for everything.

Python's dates run from year 1 to 9999, so a week at either end has no neighbour, and
nobody plans a pharmacy's rota in year 9999. Every date a person types (a form's date
field, a week in an address or a query, a date in an imported file) is checked against
this one range, and refused in plain words outside it. Date pickers carry it as their
``min`` and ``max``, so a browser does not offer other days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

FIRST_YEAR = 2000
LAST_YEAR = 2100
EARLIEST = date(FIRST_YEAR, 1, 1)
LATEST = date(LAST_YEAR, 12, 31)
# the Mondays of the first and last weeks the app plans: the weeks wholly in the range
FIRST_MONDAY = EARLIEST + timedelta(days=-EARLIEST.weekday() % 7)
LAST_MONDAY = LATEST - timedelta(days=(LATEST.weekday() + 1) % 7 + 6)

RANGE_MESSAGE = f"Give a date between {FIRST_YEAR} and {LAST_YEAR}."
WEEK_MESSAGE = (
    f"The app plans weeks from {FIRST_MONDAY:%a} {FIRST_MONDAY.day} {FIRST_MONDAY:%b %Y} "
    f"to {LAST_MONDAY:%a} {LAST_MONDAY.day} {LAST_MONDAY:%b %Y}; give a week between "
    f"{FIRST_YEAR} and {LAST_YEAR}."
)


def in_range(day: date | datetime | None) -> bool:
    """Whether a date (or the day of a timestamp) falls in the supported range."""
    if day is None:
        return False
    if isinstance(day, datetime):
        day = day.date()
    return EARLIEST <= day <= LATEST


def parse_day(text: str | None) -> date | None:
    """A date written YYYY-MM-DD inside the supported range; None for anything else."""
    try:
        day = date.fromisoformat(text or "")
    except (TypeError, ValueError):
        return None
    return day if in_range(day) else None


def monday_of(day: date) -> date:
    """The Monday on or before a date: the start of the week a date falls in."""
    return day - timedelta(days=day.weekday())


def week_in_range(monday: date) -> bool:
    """Whether a week (given by its Monday) is one the app plans."""
    return FIRST_MONDAY <= monday <= LAST_MONDAY


def neighbour_week(monday: date, weeks: int) -> date | None:
    """The Monday ``weeks`` weeks away, or None past the first or last week the app plans."""
    if not week_in_range(monday):
        return None
    other = monday + timedelta(weeks=weeks)
    return other if week_in_range(other) else None


def input_limits() -> dict[str, str]:
    """The ``min`` and ``max`` attributes of a date input: the supported range."""
    return {"min": EARLIEST.isoformat(), "max": LATEST.isoformat()}
