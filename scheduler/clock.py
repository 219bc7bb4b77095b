"""Today at a site: the one place the app reads the calendar for planning decisions.

A site's today is the date in its own time zone. The ``TODAY`` setting (a date, or
YYYY-MM-DD) fixes it for every site: for a training copy replaying a past week, and for
tests of what depends on the date (which days a re-plan keeps as worked). Unset in
production.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, has_app_context

from .models import Site


def fixed_today() -> date | None:
    """The date the ``TODAY`` setting fixes, or None when the real calendar is used."""
    value = current_app.config.get("TODAY") if has_app_context() else None
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def site_today(site: Site) -> date:
    """Today's date in a site's own time zone (or the fixed ``TODAY``)."""
    return fixed_today() or datetime.now(site.zone).date()
