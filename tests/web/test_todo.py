"""Each person's to-do: what waits for them on the home page, its count in the menu, and the
home site that per-site pages open on."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from markupsafe import escape
from sqlalchemy.exc import OperationalError

from scheduler import navigation
from scheduler.extensions import db
from scheduler.filters import day
from scheduler.models import (
    AuditEvent,
    DevelopmentGoal,
    Leave,
    LeaveKind,
    RotaStatus,
    ShiftType,
    SkillLevel,
    Staff,
    Station,
    User,
)
from scheduler.services import rota_workflow as rota_service
from scheduler.services.development import goal_progress
from scheduler.services.setup_check import week_faults
from scheduler.services.staff import leave_words

from .conftest import MONDAY

COUNT = re.compile(
    r'<span class="nav-count" aria-hidden="true">(\d+)</span><span class="vh">: ([^<]+)<'
)


def _named(model, name):
    return db.session.scalar(db.select(model).where(model.name == name))


def menu_count(html: str) -> tuple[int, str] | None:
    """The number in the menu beside an entry, with its words, or None when no badge shows."""
    found = COUNT.search(html)
    return (int(found[1]), found[2]) if found else None


def waiting_section(html: str) -> str:
    """The home page's "Waiting for you" section."""
    start = html.index('id="todo-h"')
    return html[start : html.index("</section>", start)]


def week_row(html: str, site_id: int) -> str:
    """The row of this week in a site's table of weeks."""
    table = html[html.index('<table class="weeks"') :]
    row = table[table.index(f'href="/rotas/{site_id}/{MONDAY.isoformat()}"') :]
    return row[: row.index("</tr>")]


@pytest.fixture
def today(app):
    """MONDAY is today."""
    app.config["TODAY"] = MONDAY
    return MONDAY


@pytest.fixture
def draft(tiny_site, make_rota, today):
    """This week's draft version 1 at the tiny site, with one shift on it."""
    ann, fill = _named(Staff, "Ann"), _named(Station, "Central fill")
    shift = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "D"))
    rota = make_rota(tiny_site, status=RotaStatus.DRAFT, rows=[(ann, MONDAY, shift, fill)])
    db.session.commit()
    return rota


def test_pic_sees_a_submitted_rota_waiting_with_a_link_and_the_count_in_the_menu(
    client, login, make_user, draft
):
    supervisor = make_user("supervisor", email="sup@example.org")
    pic = make_user("pic", staff=_named(Staff, "Pat"))  # there is someone to approve it
    rota_service.submit_for_approval(draft, by=supervisor)
    login(pic)

    html = client.get("/").get_data(as_text=True)
    link = f"/rotas/{draft.site_id}/{MONDAY.isoformat()}?version=1"
    assert f'<a href="{link}">Approve Tiny Pharmacy, week of {day(MONDAY)} (version 1)</a>' in (
        waiting_section(html)
    )
    assert menu_count(html) == (1, "1 thing waits for you")
    row = week_row(html, draft.site_id)
    assert "Waiting for your approval" in row
    assert ">Draft<" not in row

    # the link leads to the approval; once approved nothing waits any more
    week = client.get(link).get_data(as_text=True)
    assert "Approve version 1" in week
    db.session.refresh(draft)
    client.post(
        f"/rotas/versions/{draft.id}/approve", data={"rota": draft.id, "lock": draft.lock_version}
    )
    html = client.get("/").get_data(as_text=True)
    assert "Nothing waits for you" in waiting_section(html)
    assert menu_count(html) is None


def test_supervisor_sees_pending_leave_a_draft_to_finish_and_set_up_problems(
    client, login, tiny_site, draft, make_user
):
    ben = _named(Staff, "Ben")
    leave = Leave(
        staff=ben,
        start_date=MONDAY + timedelta(days=9),
        end_date=MONDAY + timedelta(days=10),
        kind=LeaveKind.ANNUAL,
    )
    db.session.add(leave)
    evening = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "E"))
    evening.end = evening.start  # a shift that lasts no time: the engine cannot plan with it
    db.session.commit()
    faults = week_faults(tiny_site, MONDAY)
    assert faults
    login("supervisor")

    html = client.get("/").get_data(as_text=True)
    todo = waiting_section(html)
    assert f'<a href="/staff/leave?site={tiny_site.id}">{escape(leave_words(leave))}</a>' in todo
    assert "version 1 is a draft</a>: ask the pharmacist-in-charge to approve it" in todo
    assert f'<a href="/setup/sites/{tiny_site.id}">Tiny Pharmacy, week of {day(MONDAY)}</a>' in todo
    for fault in faults:
        assert str(escape(fault)) in todo
    # the leave and the draft wait for a decision; set-up problems are listed apart
    assert menu_count(html) == (2, "2 things wait for you")

    # once sent for approval, the draft waits for the pharmacist-in-charge, not the supervisor
    make_user("pic", email="pic@example.org")
    rota_service.submit_for_approval(draft)
    html = client.get("/").get_data(as_text=True)
    assert "is a draft" not in waiting_section(html)
    assert "Waiting for approval" in week_row(html, tiny_site.id)
    assert menu_count(html) == (1, "1 thing waits for you")


def test_a_trainee_whose_supervised_shifts_are_done_waits_for_a_sign_off(
    client, login, tiny_site, make_staff, make_rota, today
):
    fill = _named(Station, "Central fill")
    cf = fill.competencies[0]
    shift = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "D"))
    ann = _named(Staff, "Ann")
    ready = make_staff(tiny_site, "Tia", {cf: "supervised"})
    behind = make_staff(tiny_site, "Uma", {cf: "supervised"})
    last_week = MONDAY - timedelta(days=7)
    make_rota(
        tiny_site,
        week_start=last_week,
        rows=[
            (person, last_week + timedelta(days=n), shift, fill, "trainee", ann)
            for person in (ready, behind)
            for n in range(2)
        ],
    )
    goals = [
        DevelopmentGoal(staff=person, competency=cf, target_level=SkillLevel.INDEPENDENT, **extra)
        for person, extra in ((ready, {"shifts_needed": 2}), (behind, {"shifts_needed": 5}))
    ]
    db.session.add_all(goals)
    db.session.commit()
    login("pic", staff=_named(Staff, "Pat"))

    todo = waiting_section(client.get("/").get_data(as_text=True))
    for goal in goals:
        progress = goal_progress(goal, MONDAY)
        listed = f'href="/signoff/{goal.staff_id}/{cf.id}">Sign off {goal.staff.name}' in todo
        assert listed is progress.ready, goal.staff.name
    assert "2 of 2 supervised shifts done" in todo
    assert client.get(f"/signoff/{ready.id}/{cf.id}").status_code == 200


def test_nothing_waiting_says_so(client, login, tiny_site, today):
    login("pic", staff=_named(Staff, "Pat"))
    html = client.get("/").get_data(as_text=True)
    assert "Nothing waits for you" in waiting_section(html)
    assert "None found at your sites." in waiting_section(html)
    assert menu_count(html) is None


def test_a_technician_sees_the_count_of_changed_shifts_in_the_menu(
    client, login, tiny_site, make_rota, today
):
    ann, fill = _named(Staff, "Ann"), _named(Station, "Central fill")
    shift = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "D"))
    days = [MONDAY + timedelta(days=n) for n in range(3)]
    make_rota(tiny_site, rows=[(ann, on, shift, fill) for on in days])
    make_rota(tiny_site, version=2, rows=[(ann, on, shift, fill) for on in days[:2]])
    login("technician", staff=ann)

    page = client.get("/me/").get_data(as_text=True)
    assert menu_count(page) == (1, "1 change to your shifts")
    assert 'href="/me/"' in page[: page.index("nav-count")][-200:]


def test_the_home_site_chosen_is_where_the_staff_list_and_leave_open(
    client, login, tiny_site, make_site, make_staff, make_user
):
    first = make_site("Alpha Clinic")  # the first site by name
    make_staff(first, "Zed")
    pat = _named(Staff, "Pat")
    pic = make_user("pic", email="pic@example.org", staff=pat)
    user = login("supervisor")

    def opens_on(url: str) -> str:
        return re.search(r"<h1>[^<]* at ([^<]+)</h1>", client.get(url).get_data(as_text=True))[1]

    assert opens_on("/staff/") == "Alpha Clinic"  # no home site: the first site
    page = client.post("/home-site", data={"site": tiny_site.id})
    assert page.status_code == 302
    assert "Pages now open on Tiny Pharmacy." in client.get("/").get_data(as_text=True)
    assert opens_on("/staff/") == "Tiny Pharmacy"
    assert opens_on("/staff/leave") == "Tiny Pharmacy"
    assert opens_on(f"/staff/?site={first.id}") == "Alpha Clinic"  # asking for a site still wins
    event = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.object_type == "account")
    ).all()[-1]
    assert event.actor_user_id == user.id
    assert "home site" in event.summary

    # a choice that is not a site: said beside the field, nothing changed
    page = client.post("/home-site", data={"site": "999999"})
    assert page.status_code == 422
    assert 'id="site-error"' in page.get_data(as_text=True)
    assert db.session.get(User, user.id).home_site_id == tiny_site.id

    # an account without a choice opens on its staff record's site
    client.post("/auth/logout")
    login(pic)
    assert opens_on("/staff/") == pat.home_site.name


def test_a_technician_cannot_choose_a_home_site(client, login, tiny_site):
    login("technician", staff=_named(Staff, "Ann"))
    assert client.post("/home-site", data={"site": tiny_site.id}).status_code == 403


def test_set_up_problems_are_those_of_the_accounts_sites(
    client, login, tiny_site, make_site, today
):
    other = make_site("Other Hospital")  # a shift that lasts no time: a set-up problem
    db.session.add(ShiftType(site=other, code="D", name="Day", start=time(7), end=time(7)))
    db.session.commit()
    assert week_faults(other, MONDAY)
    login("pic", staff=_named(Staff, "Pat"))  # home: the tiny site
    assert "None found at your sites." in waiting_section(client.get("/").get_data(as_text=True))
    client.post("/auth/logout")
    login("supervisor")  # no home site: every site
    assert "Other Hospital, week of" in waiting_section(client.get("/").get_data(as_text=True))


def test_a_failing_count_leaves_the_page_showing_without_it(client, login, tiny_site, monkeypatch):
    def broken(_user):
        raise OperationalError("SELECT count(*)", {}, Exception("the connection dropped"))

    counter = navigation.Counter(broken, "thing waits for you", "things wait for you")
    monkeypatch.setitem(navigation._COUNTERS, "main.index", counter)
    login("supervisor")
    page = client.get("/staff/")
    assert page.status_code == 200
    assert menu_count(page.get_data(as_text=True)) is None
