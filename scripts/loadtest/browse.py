"""What a simulated browser reads from the app's pages, kept apart from locust so tests import it.

The load test's users find the CSRF token in a page's form, the solve run's id in the
address the solve form redirects to (the week page following the run, ``?run=``), and
check each page for a marker proving it is the page asked for (a week page with a rota
has its status card).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RUN_URL = re.compile(r"/rotas/\d+/[\d-]+\?(?:.*&)?run=(\d+)(?:&|$)")
ALREADY_RUNNING = "already running"


@dataclass(frozen=True)
class Page:
    """A page to open: its address, its name in the statistics and text it must contain."""

    path: str
    name: str
    marker: str = "</html>"


def csrf_token(html: str) -> str | None:
    """The CSRF token of the first form on a page (None when the page has no form)."""
    found = CSRF.search(html)
    return found.group(1) if found else None


def run_id(location: str) -> int | None:
    """The solve run's id in the address the solve form redirects to: the week page that
    follows the run (None otherwise)."""
    found = RUN_URL.search(location)
    return int(found.group(1)) if found else None


def rota_page(site_id: int, week: str, name: str = "rota page") -> Page:
    """A site's week page that must show a rota (its status card)."""
    return Page(f"/rotas/{site_id}/{week}", name, 'id="status-h"')


def week_page(site_id: int, week: str, name: str) -> Page:
    """A site's week page, with or without a rota."""
    return Page(f"/rotas/{site_id}/{week}", name)
