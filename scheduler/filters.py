"""Jinja filters that say a date or a time the same way on every page: registered once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Flask

from .models.sites import zone_of


def day(value: date | None) -> str:
    """A calendar date with its weekday, e.g. 'Tue 3 Mar 2026'; '' for none."""
    if value is None:
        return ""
    return f"{value:%a} {value.day} {value:%b %Y}"


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


def init_app(app: Flask) -> None:
    """Register the date and time filters on the app's Jinja environment."""
    app.add_template_filter(day, "day")
    app.add_template_filter(valid_until, "valid_until")
    app.add_template_filter(site_time, "site_time")
