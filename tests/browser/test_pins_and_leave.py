"""In a real browser: leave recorded over a pinned shift is named before it is saved, and the
re-plan that meets the pin names it and lets the supervisor drop it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, time

import pytest
from playwright.sync_api import Browser, expect

from scheduler import create_app
from scheduler.extensions import db
from scheduler.models import (
    AccountRole,
    Competency,
    Rota,
    RotaAssignment,
    RotaStatus,
    ShiftType,
    Site,
    SiteKind,
    SkillLevel,
    Staff,
    StaffCompetency,
    StaffRole,
    Station,
    User,
)

from .conftest import served, shot, sign_in

MONDAY = date(2026, 3, 2)
TUESDAY = date(2026, 3, 3)


def _seed() -> None:
    """A small hospital whose draft pins Ann on Tuesday's day shift in the IV room."""
    site = Site(name="Pin Hospital", kind=SiteKind.HOSPITAL, timezone="UTC", open_24_7=True)
    day = ShiftType(site=site, code="D", name="Day", start=time(7), end=time(15))
    sterile = Competency(code="IV", name="Sterile compounding")
    iv_room = Station(site=site, name="IV room", competencies=[sterile])
    ann = Staff(
        name="Ann",
        role=StaffRole.TECHNICIAN,
        home_site=site,
        min_minutes_per_week=0,
        max_minutes_per_week=2400,
    )
    ann.skills.append(StaffCompetency(competency=sterile, level=SkillLevel.INDEPENDENT))
    draft = Rota(site=site, week_start=MONDAY, status=RotaStatus.DRAFT, version=1)
    draft.assignments.append(
        RotaAssignment(staff=ann, on_date=TUESDAY, shift_type=day, station=iv_room, pinned=True)
    )
    boss = User(email="boss@example.org", name="Sam", role=AccountRole.SUPERVISOR)
    boss.set_password("pins-password")
    db.session.add_all([site, day, sterile, iv_room, ann, draft, boss])
    db.session.commit()


@pytest.fixture(scope="module")
def pinned_app(test_databases) -> Iterator[str]:
    """The app on its own database with the pinned draft, today being the week's Monday."""
    url = test_databases.create("pins")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "browser-tests",
            "REDIS_URL": None,
            "TODAY": MONDAY.isoformat(),
        }
    )
    with app.app_context():
        db.create_all()
        _seed()
        db.session.remove()
    with served(app) as base:
        yield base
    with app.app_context():
        db.engine.dispose()
    test_databases.release(url)


def test_leave_over_a_pinned_shift_shows_the_warning_before_it_is_saved(
    browser: Browser, pinned_app: str
):
    context = browser.new_context(base_url=pinned_app, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, "boss@example.org", "pins-password")
    page.goto("/staff/leave")
    page.get_by_role("link", name="Record leave or a sick call").click()
    page.get_by_label("Person").select_option(label="Ann")
    page.get_by_label("Kind").select_option("sick")  # the form starts on annual leave
    page.get_by_label("First day").fill(TUESDAY.isoformat())
    page.get_by_label("Last day").fill(TUESDAY.isoformat())
    page.get_by_label("Note").fill("called in at 06:10")
    page.get_by_role("button", name="Record leave").click()

    expect(page.get_by_role("heading", name="Saving this leave uncovers:")).to_be_visible()
    expect(page.locator("#uncovers li")).to_have_text(["Tue 3 Mar day at IV room (pinned)"])
    expect(page.get_by_role("alert")).to_contain_text("Nothing is saved until you say so")
    shot(page, "leave-uncovers-a-pin")

    # Going back keeps what was typed; saving after the warning records it.
    page.get_by_role("button", name="Change what you entered").click()
    expect(page.get_by_label("Note")).to_have_value("called in at 06:10")
    page.get_by_role("button", name="Record leave").click()
    page.get_by_role("button", name="Save anyway").click()
    saved = page.get_by_text("Recorded Ann's sick leave, Tue 3 Mar 2026 (approved).")
    expect(saved).to_be_visible()
    expect(page.locator("#uncovered")).to_contain_text("Tue 3 Mar day at IV room (pinned)")

    # The re-plan keeps the pin, so it stops and names both; the supervisor drops the pin.
    page.get_by_role("button", name="Re-plan from Tue 3 Mar 2026").click()
    no_rota = page.locator("#no-rota")
    expect(no_rota).to_contain_text("found no rota, so nothing was stored", timeout=60_000)
    expect(no_rota).to_contain_text("Ann is on leave on Tue 3 Mar")
    expect(no_rota).to_contain_text("Pin: Ann on Tue 3 Mar day at IV room")
    shot(page, "replan-names-the-pin")
    no_rota.get_by_role("button", name="Drop this pin").click()
    expect(page.get_by_text("Dropped the pin on Ann, Tue 3 Mar day")).to_be_visible()
    page.get_by_label("Time limit (seconds)").fill("3")
    page.get_by_role("button", name="Complete the rest around the pins").click()
    # the week page shows the solve, then the new version by itself
    expect(page.get_by_role("heading", name=re.compile("Version 2"))).to_be_visible(timeout=60_000)
    context.close()
