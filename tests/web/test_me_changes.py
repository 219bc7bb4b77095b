"""My week tells the people whose shifts changed when a week is published again, until they
say they have seen it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from scheduler.extensions import db
from scheduler.filters import day
from scheduler.models import Rota, RotaPolicy, RotaStatus, ShiftType, Site, Staff, Station, User
from scheduler.services.rota_workflow import publish

from .conftest import MONDAY

WED, THU, FRI = (MONDAY + timedelta(days=n) for n in (2, 3, 4))
NOTICE = "Your shifts changed"
SHOWN = re.compile(r'<input[^>]*\bname="shown"[^>]*\bvalue="([^"]*)"')
TOKEN = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')


@dataclass
class Week:
    """The tiny site's people, shifts and stations by name, and a supervisor who publishes."""

    site: Site
    supervisor: User
    ann: Staff
    ben: Staff
    day: ShiftType
    evening: ShiftType
    fill: Station
    entry: Station

    def plan(self, **ann_days) -> list[tuple]:
        """Ann on days Mon-Wed and Fri at Central fill, Ben on evenings; ``ann_days`` alter hers."""
        ann = {MONDAY + timedelta(days=n): (self.day, self.fill) for n in (0, 1, 2, 4)}
        for name, placement in ann_days.items():
            ann[{"wed": WED, "thu": THU, "fri": FRI}[name]] = placement
        rows = [(self.ann, on, *placement) for on, placement in ann.items() if placement]
        rows += [(self.ben, MONDAY + timedelta(days=n), self.evening, self.fill) for n in range(5)]
        return rows


def _named(model, name):
    return db.session.scalar(db.select(model).where(model.name == name))


@pytest.fixture
def week(app, tiny_site, make_user) -> Week:
    """The tiny site in the week of MONDAY, which is today; rotas need no approval."""
    app.config["TODAY"] = MONDAY
    db.session.add(RotaPolicy(site_id=tiny_site.id, requires_approval=False))
    supervisor = make_user("supervisor", email="sup@example.org")
    db.session.commit()
    shifts = {s.code: s for s in tiny_site.shift_types}
    return Week(
        site=tiny_site,
        supervisor=supervisor,
        ann=_named(Staff, "Ann"),
        ben=_named(Staff, "Ben"),
        day=shifts["D"],
        evening=shifts["E"],
        fill=_named(Station, "Central fill"),
        entry=_named(Station, "Order entry"),
    )


@pytest.fixture
def published(week, make_rota):
    """Publish a week's next version from rows, as the supervisor does (at ``at``, if given)."""

    def build(rows, week_start=MONDAY, at: datetime | None = None, site=None) -> Rota:
        site = site or week.site
        versions = db.session.scalars(
            db.select(Rota.version).where(Rota.site_id == site.id, Rota.week_start == week_start)
        ).all()
        rota = make_rota(
            site,
            week_start,
            status=RotaStatus.DRAFT,
            version=max(versions, default=0) + 1,
            rows=rows,
        )
        db.session.commit()
        publish(rota, week.supervisor)
        if at is not None:
            rota.published_at = at
            db.session.commit()
        return rota

    return build


@pytest.fixture
def sign_in(app, make_user):
    """A browser of its own, signed in as a person's new technician account."""

    def open_browser(person: Staff):
        email = f"{person.name.lower()}@example.org"
        make_user("technician", email=email, staff=person)
        db.session.commit()
        client = app.test_client()
        page = request(
            client, "post", "/auth/login", data={"email": email, "password": "password-1"}
        )
        assert page.status_code == 302
        return client

    return open_browser


def request(client, method: str, path: str, **kwargs):
    """One request in an app context of its own, as in production (each browser its own user)."""
    with client.application.app_context():
        return getattr(client, method)(path, **kwargs)


def my_week(client) -> str:
    """My week as the browser's person sees it."""
    page = request(client, "get", "/me/")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def press_seen(client, html: str):
    """Press "I have seen this" on a page that showed the notice, sending what its form holds."""
    data = {"shown": SHOWN.search(html).group(1)}
    token = TOKEN.search(html)
    if token:
        data["csrf_token"] = token.group(1)
    return request(client, "post", "/me/changes/seen", data=data, follow_redirects=True)


def change_line(on, before: str, after: str) -> str:
    """A line of the notice: a day, what it was and what it is now."""
    return f"<strong>{day(on)}</strong>: was {before}, now {after}"


def test_the_people_whose_days_changed_see_before_and_after_until_they_have_seen_it(
    app, week, published, sign_in
):
    w = week
    published(w.plan())
    ann = sign_in(w.ann)
    assert NOTICE not in my_week(ann)  # a week's first publication is not a change

    v2 = published(
        w.plan(wed=(w.evening, w.entry), thu=(w.day, w.fill)),
        at=datetime(2026, 3, 3, 20, 5, tzinfo=UTC),
    )
    html = my_week(ann)
    assert NOTICE in html
    assert change_line(WED, "Day at Central fill", "Evening at Order entry") in html
    assert change_line(THU, "off", "Day at Central fill") in html
    assert f"<strong>{day(FRI)}</strong>" not in html  # Friday is as it was
    assert "Published 03 Mar 2026 14:05 CST." in html  # 20:05 UTC on Chicago's clock
    assert "2 of your days are different now" in html

    ben = sign_in(w.ben)
    assert NOTICE not in my_week(ben)  # nothing of Ben's changed

    app.config["WTF_CSRF_ENABLED"] = True  # the button is a real form with its token
    after = press_seen(ann, my_week(ann)).get_data(as_text=True)
    assert NOTICE not in after
    assert "Thank you" in after
    db.session.refresh(w.ann)
    assert w.ann.shifts_seen_at == v2.published_at
    assert NOTICE not in my_week(ann)

    published(w.plan(wed=(w.evening, w.entry), thu=(w.day, w.fill), fri=None))
    html = my_week(ann)
    assert NOTICE in html
    assert change_line(FRI, "Day at Central fill", "off") in html
    assert f"<strong>{day(WED)}</strong>" not in html  # already seen
    assert "1 of your days is different now" in html
    assert NOTICE not in my_week(ben)


def test_a_change_published_while_the_page_was_open_stays_after_pressing_the_button(
    week, published, sign_in
):
    w = week
    published(w.plan())
    published(w.plan(wed=(w.evening, w.fill)))
    ann = sign_in(w.ann)
    opened = my_week(ann)
    assert change_line(WED, "Day at Central fill", "Evening at Central fill") in opened

    published(w.plan(wed=(w.evening, w.fill), fri=(w.evening, w.entry)))
    html = press_seen(ann, opened).get_data(as_text=True)
    assert "Another change to your shifts was published while the page was open." in html
    assert change_line(FRI, "Day at Central fill", "Evening at Order entry") in html
    assert f"<strong>{day(WED)}</strong>" not in html


def test_a_day_changed_and_changed_back_is_no_change(week, published, sign_in):
    w = week
    published(w.plan())
    published(w.plan(thu=(w.day, w.entry)))
    published(w.plan())
    assert NOTICE not in my_week(sign_in(w.ann))


def test_someone_never_told_anything_is_not_shown_weeks_that_are_over(week, published, sign_in):
    w = week
    last_week = MONDAY - timedelta(weeks=1)
    before = [(w.ann, last_week + timedelta(days=2), w.day, w.fill)]
    published(before, week_start=last_week)
    published([(w.ann, last_week + timedelta(days=2), w.evening, w.fill)], week_start=last_week)
    ann = sign_in(w.ann)
    assert NOTICE not in my_week(ann)

    next_week = MONDAY + timedelta(weeks=1)
    published([(w.ann, next_week, w.day, w.fill)], week_start=next_week)
    published([(w.ann, next_week + timedelta(days=1), w.day, w.fill)], week_start=next_week)
    html = my_week(ann)
    assert change_line(next_week, "Day at Central fill", "off") in html
    assert change_line(next_week + timedelta(days=1), "off", "Day at Central fill") in html
    assert f"<strong>{day(last_week + timedelta(days=2))}</strong>" not in html


def test_a_change_at_another_site_names_that_site(
    week, published, make_site, make_shift, make_station, sign_in
):
    w = week
    north = make_site("North Clinic")
    db.session.add(RotaPolicy(site_id=north.id, requires_approval=False))
    day_shift, iv_room = make_shift(north, "D", name="Day"), make_station(north, "IV room")
    ben_there = [(w.ben, THU, day_shift, iv_room)]
    published([(w.ann, WED, day_shift, iv_room), *ben_there], site=north)
    published(ben_there, site=north)
    html = my_week(sign_in(w.ann))
    assert change_line(WED, "Day at IV room (North Clinic)", "off") in html


def test_a_tampered_seen_form_is_refused_without_an_error_page(week, published, sign_in):
    w = week
    published(w.plan())
    published(w.plan(wed=None))
    ann = sign_in(w.ann)
    page = request(
        ann, "post", "/me/changes/seen", data={"shown": "yesterday"}, follow_redirects=True
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "could not be marked as seen" in html
    assert change_line(WED, "Day at Central fill", "off") in html
    db.session.refresh(w.ann)
    assert w.ann.shifts_seen_at is None
