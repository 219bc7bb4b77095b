"""Every route, walked as anonymous and as a technician: the server checks roles on each one."""

from __future__ import annotations

import re

import pytest

from .conftest import MONDAY

# The calendar feed is public on purpose: calendar apps cannot sign in, so its secret token
# is the key (wrong and revoked tokens get 404: tests/web/test_calendar.py).
PUBLIC = {"static", "auth.login", "auth.logout", "calendar.feed"}
# Areas a technician may never open (their own pages live under /me and /signoff).
MANAGER_AREAS = ("staff.", "skills.", "setup.", "rotas.", "main.", "printing.", "sheets.")


def routes(app):
    """Every (endpoint, method, url) of the app, with sample values for its parameters."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        url = rule.rule
        url = re.sub(r"<int:[^>]+>", "1", url)
        url = re.sub(r"<(?:string:)?week>", MONDAY.isoformat(), url)
        url = re.sub(r"<[^>]+>", "x", url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url))
    return out


def test_the_walk_covers_every_area(app):
    endpoints = {e for e, _m, _u in routes(app)}
    for area in ("staff.", "skills.", "setup.", "rotas.", "me.", "signoff.", "main."):
        assert any(e.startswith(area) for e in endpoints), area
    assert len(endpoints) > 40


def test_anonymous_visitors_are_sent_to_sign_in_everywhere(app, client):
    for endpoint, method, url in routes(app):
        page = client.open(url, method=method)
        assert page.status_code in (302, 401), (endpoint, method, url, page.status_code)
        if page.status_code == 302:
            assert "/auth/login" in page.headers["Location"], (endpoint, url)


@pytest.mark.parametrize("role", ["technician"])
def test_technicians_get_403_on_every_manager_page(app, client, login, tiny_site, role):
    from scheduler.extensions import db
    from scheduler.models import Staff

    ann = db.session.scalar(db.select(Staff).where(Staff.name == "Ann"))
    login(role, staff=ann)
    checked = 0
    for endpoint, method, url in routes(app):
        if not endpoint.startswith(MANAGER_AREAS) or endpoint == "main.index":
            continue
        page = client.open(url, method=method)
        assert page.status_code == 403, (endpoint, method, url, page.status_code)
        checked += 1
    assert checked > 30
