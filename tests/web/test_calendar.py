"""Shifts in a calendar app: the secret feed, its reset and revoke, and the one-off download."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from scheduler.clock import site_today
from scheduler.dates import monday_of
from scheduler.extensions import db
from scheduler.models import CalendarFeed, RotaStatus, User

TODAY = date(2026, 11, 4)  # a Wednesday; the calendar covers 5 Oct 2026 to 3 Jan 2027
WEEK = monday_of(TODAY)  # Mon 2 Nov 2026, the first week of standard time in Chicago
FEED_URL = re.compile(r"http://localhost(/calendar/feed/([A-Za-z0-9_-]+)\.ics)")


@pytest.fixture
def world(make_site, make_shift, make_competency, make_station, make_staff):
    """A Chicago hospital with day and night shifts, two stations, a trainer and a trainee."""
    site = make_site("Lakeside Hospital")
    asep, fill = make_competency("ASEP"), make_competency("CF")
    staff = {
        "tia": make_staff(site, "Tia", {asep: "trainer", fill: "independent"}),
        "tom": make_staff(site, "Tom", {asep: "supervised", fill: "independent"}),
    }
    world = {
        "site": site,
        "day": make_shift(site, "D", (7, 0), (15, 0), name="Day"),
        "night": make_shift(site, "N", (23, 0), (7, 0), name="Night", night=True),
        "iv": make_station(site, "IV room", [asep]),
        "fill": make_station(site, "Central fill", [fill]),
        **staff,
    }
    db.session.commit()
    return world


@pytest.fixture
def on_day(monkeypatch):
    """Fix the date the calendar pages take as today at the site (TODAY unless told)."""

    def fix(day: date = TODAY) -> None:
        monkeypatch.setattr("scheduler.views.calendar.site_today", lambda _site: day)

    fix()
    return fix


@pytest.fixture
def sign_in(client, make_user):
    """Sign the test client in as the technician account of a member of staff.

    One client at a time: the app context the tests hold keeps the signed-in user
    between requests, so switching people goes through sign-out and sign-in.
    """
    accounts: dict[int, User] = {}

    def as_person(person):
        if person.id not in accounts:
            email = f"{person.name.lower()}@example.org"
            accounts[person.id] = make_user("technician", email=email, staff=person)
            db.session.commit()
        client.post("/auth/logout")
        page = client.post(
            "/auth/login", data={"email": accounts[person.id].email, "password": "password-1"}
        )
        assert page.status_code == 302
        return client

    return as_person


def make_link(client) -> str:
    """Make (or remake) the signed-in person's calendar link; return its token from the page."""
    page = client.post("/calendar/reset", follow_redirects=True)
    assert page.status_code == 200
    found = FEED_URL.findall(page.get_data(as_text=True))
    assert found, "the new link is shown on the page"
    return found[0][1]


def fetch(app, token: str):
    """Read a feed as a calendar app does: no cookies, no sign-in."""
    return app.test_client().get(f"/calendar/feed/{token}.ics")


def events_of(response) -> dict[str, object]:
    """The events of an .ics response by their date, after checking it parses as iCalendar."""
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return {ev.start.date().isoformat(): ev for ev in calendar.walk("VEVENT")}


def utc(moment: datetime) -> datetime:
    """An aware datetime as a UTC instant."""
    return moment.astimezone(UTC)


# ----- what the feed says ----------------------------------------------------------------


def test_feed_events_carry_station_shift_site_training_and_local_times(
    app, world, make_rota, sign_in, on_day
):
    w = world
    tuesday = WEEK + timedelta(days=1)
    make_rota(
        w["site"],
        WEEK,
        rows=[
            (w["tia"], tuesday, w["day"], w["iv"]),
            (w["tom"], tuesday, w["day"], w["iv"], "trainee", w["tia"]),
        ],
    )
    db.session.commit()
    token = make_link(sign_in(w["tom"]))

    response = fetch(app, token)
    calendar = Calendar.from_ical(response.data)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Chicago"]
    assert str(calendar["X-WR-CALNAME"]) == "Shifts: Tom"
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT1H"
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"
    events = events_of(response)
    assert list(events) == [tuesday.isoformat()]
    event = events[tuesday.isoformat()]
    assert str(event["SUMMARY"]) == "IV room \u2013 Day shift"
    assert str(event["LOCATION"]) == "Lakeside Hospital"
    assert "Trainee with Tia" in str(event["DESCRIPTION"])
    assert "Station: IV room" in str(event["DESCRIPTION"])
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert event["DTEND"].params["TZID"] == "America/Chicago"
    # 07:00-15:00 Central Standard Time (UTC-6) on Tue 3 Nov 2026
    assert utc(event.start) == datetime(2026, 11, 3, 13, 0, tzinfo=UTC)
    assert utc(event.end) == datetime(2026, 11, 3, 21, 0, tzinfo=UTC)
    assert event["DTSTAMP"] is not None
    assert str(event["UID"]).startswith(f"shift-{w['site'].id}-{w['tom'].id}-20261103@")

    tia_event = events_of(fetch(app, make_link(sign_in(w["tia"]))))[tuesday.isoformat()]
    assert "Training Tom" in str(tia_event["DESCRIPTION"])
    assert str(tia_event["UID"]) != str(event["UID"])


def test_a_night_shift_ends_the_next_morning(app, world, make_rota, sign_in, on_day):
    w = world
    thursday = WEEK + timedelta(days=3)
    make_rota(w["site"], WEEK, rows=[(w["tom"], thursday, w["night"], w["fill"])])
    db.session.commit()
    event = events_of(fetch(app, make_link(sign_in(w["tom"]))))[thursday.isoformat()]
    assert str(event["SUMMARY"]) == "Central fill \u2013 Night shift"
    assert event.start.date() == thursday
    assert event.end.date() == thursday + timedelta(days=1)
    assert (event.end.hour, event.end.minute) == (7, 0)
    assert utc(event.end) - utc(event.start) == timedelta(hours=8)


@pytest.mark.parametrize(
    ("today", "night_of", "start_utc", "end_utc", "hours"),
    [
        # clocks go back at 02:00 on Sun 1 Nov 2026: 23:00 CDT to 07:00 CST is 9 hours
        (TODAY, date(2026, 10, 31), datetime(2026, 11, 1, 4), datetime(2026, 11, 1, 13), 9),
        # clocks go forward at 02:00 on Sun 8 Mar 2026: 23:00 CST to 07:00 CDT is 7 hours
        (date(2026, 3, 4), date(2026, 3, 7), datetime(2026, 3, 8, 5), datetime(2026, 3, 8, 12), 7),
    ],
)
def test_a_night_across_a_daylight_saving_change_has_its_real_length(
    app, world, make_rota, sign_in, on_day, today, night_of, start_utc, end_utc, hours
):
    w = world
    on_day(today)
    make_rota(w["site"], monday_of(night_of), rows=[(w["tom"], night_of, w["night"], w["fill"])])
    db.session.commit()
    event = events_of(fetch(app, make_link(sign_in(w["tom"]))))[night_of.isoformat()]
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert (event.start.hour, event.end.hour) == (23, 7)  # the wall clock the rota shows
    assert utc(event.start) == start_utc.replace(tzinfo=UTC)
    assert utc(event.end) == end_utc.replace(tzinfo=UTC)
    assert utc(event.end) - utc(event.start) == timedelta(hours=hours)


def test_only_published_rotas_appear_and_a_new_version_updates_the_same_event(
    app, world, make_rota, sign_in, on_day
):
    w = world
    tuesday, wednesday = WEEK + timedelta(days=1), WEEK + timedelta(days=2)
    next_week = WEEK + timedelta(weeks=1)
    make_rota(w["site"], WEEK, rows=[(w["tom"], tuesday, w["day"], w["iv"])])
    draft = make_rota(
        w["site"],
        WEEK,
        status=RotaStatus.DRAFT,
        version=2,
        rows=[
            (w["tom"], tuesday, w["day"], w["fill"]),
            (w["tom"], wednesday, w["day"], w["fill"]),
        ],
    )
    make_rota(
        w["site"],
        next_week,
        status=RotaStatus.DRAFT,
        rows=[(w["tom"], next_week, w["day"], w["iv"])],
    )
    db.session.commit()
    token = make_link(sign_in(w["tom"]))

    events = events_of(fetch(app, token))
    assert list(events) == [tuesday.isoformat()]
    first = events[tuesday.isoformat()]
    assert str(first["SUMMARY"]) == "IV room \u2013 Day shift"
    assert int(first["SEQUENCE"]) == 1

    draft.status = RotaStatus.PUBLISHED
    db.session.commit()
    events = events_of(fetch(app, token))
    assert sorted(events) == [tuesday.isoformat(), wednesday.isoformat()]
    moved = events[tuesday.isoformat()]
    assert str(moved["SUMMARY"]) == "Central fill \u2013 Day shift"
    assert str(moved["UID"]) == str(first["UID"])  # the app updates the shift, not a copy
    assert int(moved["SEQUENCE"]) == 2
    assert "version 2" in str(moved["DESCRIPTION"])


def test_the_feed_covers_weeks_around_today_at_the_site(app, world, make_rota, sign_in):
    w = world
    this_week = monday_of(site_today(w["site"]))
    inside = [this_week - timedelta(weeks=4), this_week + timedelta(weeks=8, days=6)]
    outside = [this_week - timedelta(days=29), this_week + timedelta(weeks=9)]
    for day in inside + outside:
        make_rota(w["site"], monday_of(day), rows=[(w["tom"], day, w["day"], w["iv"])])
    db.session.commit()
    events = events_of(fetch(app, make_link(sign_in(w["tom"]))))
    assert sorted(events) == [d.isoformat() for d in inside]


# ----- the secret link ------------------------------------------------------------------


def test_wrong_and_revoked_tokens_get_404_and_a_reset_retires_the_old_token(
    app, world, sign_in, on_day
):
    client = sign_in(world["tom"])
    assert fetch(app, "not-a-token").status_code == 404

    old = make_link(client)
    assert fetch(app, old).status_code == 200
    assert fetch(app, old[:-1]).status_code == 404

    new = make_link(client)
    assert new != old
    assert fetch(app, old).status_code == 404
    assert fetch(app, new).status_code == 200

    page = client.post("/calendar/revoke", follow_redirects=True)
    assert "turned off" in page.get_data(as_text=True)
    assert fetch(app, new).status_code == 404
    assert fetch(app, old).status_code == 404

    newest = make_link(client)
    assert fetch(app, newest).status_code == 200
    assert fetch(app, new).status_code == 404


def test_only_a_hash_is_stored_and_the_link_is_shown_once(app, world, sign_in, on_day):
    client = sign_in(world["tom"])
    token = make_link(client)
    feed = db.session.scalar(db.select(CalendarFeed))
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(v) for v in vars(feed).values()}

    again = client.get("/calendar/").get_data(as_text=True)
    assert token not in again
    assert "shown only once" in again
    assert "No calendar app has read it yet" in again


def test_the_page_offers_webcal_and_web_addresses(app, world, sign_in, on_day):
    page = sign_in(world["tom"]).post("/calendar/reset", follow_redirects=True)
    html = page.get_data(as_text=True)
    token = FEED_URL.findall(html)[0][1]
    assert f'value="webcal://localhost/calendar/feed/{token}.ics"' in html
    assert f'value="http://localhost/calendar/feed/{token}.ics"' in html


def test_reading_the_feed_records_when_it_was_used(app, world, sign_in, on_day):
    client = sign_in(world["tom"])
    token = make_link(client)
    feed = db.session.scalar(db.select(CalendarFeed))
    assert feed.last_used_at is None
    fetch(app, token)
    db.session.refresh(feed)
    assert feed.last_used_at is not None
    assert "A calendar app last read it" in client.get("/calendar/").get_data(as_text=True)


def test_the_feed_stops_when_the_account_is_switched_off(app, world, sign_in, on_day):
    token = make_link(sign_in(world["tom"]))
    account = db.session.scalar(db.select(User).where(User.staff_id == world["tom"].id))
    account.active = False
    db.session.commit()
    assert fetch(app, token).status_code == 404


def test_a_technician_cannot_reset_or_revoke_someone_elses_link(app, world, sign_in, on_day):
    tia_token = make_link(sign_in(world["tia"]))
    tom = sign_in(world["tom"])
    make_link(tom)
    assert tom.post("/calendar/revoke").status_code == 302
    make_link(tom)
    assert fetch(app, tia_token).status_code == 200
    # no calendar action takes a person: each acts on the signed-in account's own record
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("calendar.")]
    assert {r.endpoint for r in rules} >= {"calendar.reset", "calendar.revoke"}
    assert all(set(r.arguments) <= {"token"} for r in rules)
    assert tom.get("/calendar/reset").status_code == 405


# ----- the one-off download and the page --------------------------------------------------


def test_the_download_needs_sign_in_and_holds_the_same_events_as_the_feed(
    app, client, world, make_rota, sign_in, on_day
):
    w = world
    days = [WEEK + timedelta(days=1), WEEK + timedelta(days=3)]
    make_rota(
        w["site"],
        WEEK,
        rows=[(w["tom"], days[0], w["day"], w["iv"]), (w["tom"], days[1], w["night"], w["fill"])],
    )
    db.session.commit()
    anonymous = client.get("/calendar/download.ics")
    assert anonymous.status_code == 302
    assert "/auth/login" in anonymous.headers["Location"]

    tom = sign_in(w["tom"])
    download = tom.get("/calendar/download.ics")
    disposition = download.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="shifts-tom-2026-11-04.ics"'
    downloaded = events_of(download)
    subscribed = events_of(fetch(app, make_link(tom)))
    assert sorted(downloaded) == [d.isoformat() for d in days]

    def summary(events):
        return {k: (str(e["UID"]), str(e["SUMMARY"]), e.start, e.end) for k, e in events.items()}

    assert summary(downloaded) == summary(subscribed)


def test_an_account_without_a_staff_record_gets_a_friendly_page(client, login):
    login("supervisor")
    page = client.get("/calendar/")
    assert page.status_code == 200
    assert "not linked to a staff record" in page.get_data(as_text=True)
    assert client.post("/calendar/reset").status_code == 403
    assert client.get("/calendar/download.ics").status_code == 403


def test_my_week_links_to_the_calendar_page(world, sign_in):
    html = sign_in(world["tom"]).get("/me/").get_data(as_text=True)
    assert 'href="/calendar/"' in html
