"""In a real browser: a new pharmacy starts from an empty install with the web pages alone.

The only thing done outside the pages is the first supervisor account, made as the
server's administrator makes it (``flask create-user``). The supervisor then follows
"Create your pharmacy" step by step, invites the pharmacist-in-charge (who sets a
password through the link in a browser of their own), generates the first week, and
publishes it once approved.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from scheduler import create_app
from scheduler.extensions import db

from .conftest import served, shot, sign_in

SUPERVISOR = ("sam@corner.example", "the fridge hums all night")
PIC_PASSWORD = "amber bottles on the top shelf"
# a label as shown, with or without the required star
NAME, ROLE = (re.compile(rf"^{words}( \*)?$") for words in ("Name", "Role"))
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


@pytest.fixture(scope="module")
def empty_install(test_databases) -> Iterator[str]:
    """An empty database with only the first supervisor's account, served; yields its URL."""
    url = test_databases.create("first-run")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "browser-tests",
            "REDIS_URL": None,
            "SOLVE_TIME_LIMIT": 3.0,
        }
    )
    with app.app_context():
        db.create_all()
        email, password = SUPERVISOR
        made = app.test_cli_runner().invoke(
            args=["create-user", "--email", email, "--name", "Sam Super"]
            + ["--role", "supervisor", "--password", password]
        )
        assert made.exit_code == 0, made.output
        db.session.remove()
    with served(app) as base_url:
        yield base_url
    with app.app_context():
        db.engine.dispose()
    test_databases.release(url)


def at_step(page: Page, words: str) -> None:
    """The guide's heading names the step, and its list marks it as the current one."""
    expect(page.get_by_role("heading", name=re.compile(words))).to_be_visible()
    short = words.split(": ")[-1]
    expect(page.locator("nav.guide ol [aria-current='step']")).to_have_text(short)


def add_person(page: Page, name: str, role: str, more: bool) -> None:
    """Fill in the person form and save it (adding another, or going on)."""
    page.get_by_label(NAME).fill(name)
    page.get_by_label(ROLE).select_option(label=role)
    button = "Save and add another person" if more else "Save and continue"
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text(f"Added {name}.")).to_be_visible()


def test_a_new_pharmacy_starts_with_the_web_pages_alone(browser, empty_install):
    base = empty_install
    context = browser.new_context(base_url=base, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, *SUPERVISOR)
    page.get_by_role("button", name="Create your pharmacy").click()

    # 1. the site and its opening hours
    at_step(page, "step 1 of 7: Site and opening hours")
    expect(page.locator("nav.guide ol li")).to_have_count(7)
    expect(page.locator("nav.guide ol")).to_contain_text("To do")  # states in words
    page.get_by_label(NAME).fill("Corner Pharmacy")
    page.get_by_label("Kind").select_option(label="Retail / community")
    page.get_by_label("Open 24 hours, 7 days").uncheck()
    for day in DAYS:
        page.get_by_label(f"{day} opens").fill("08:00")
        page.get_by_label(f"{day} closes").fill("18:00")
    shot(page, "first-run-site")
    page.get_by_role("button", name="Save and continue").click()

    # 2. a shift type, on the days the pharmacy opens
    at_step(page, "step 2 of 7: Shift types")
    page.get_by_label("Code").fill("D")
    page.get_by_label(NAME).fill("Day")
    page.get_by_label("Starts").fill("08:00")
    page.get_by_label("Ends").fill("16:00")
    for day in ("Saturday", "Sunday"):
        page.get_by_label(day, exact=True).uncheck()
    page.get_by_role("button", name="Save and continue").click()

    # 3. a competency, saved from the keyboard (Enter presses "Save and continue")
    at_step(page, "step 3 of 7: Competencies")
    page.get_by_label(NAME).fill("Dispensing")
    page.get_by_label("Code").fill("disp")
    page.get_by_label("Code").press("Enter")

    # 4. a station, then its cover
    at_step(page, "step 4 of 7: Stations and cover")
    page.get_by_label(NAME).fill("Dispensary")
    page.get_by_label("Dispensing (DISP)").check()
    page.get_by_role("button", name="Save and set its cover").click()
    expect(page.get_by_role("heading", name="Cover of Dispensary")).to_be_visible()
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri"):
        page.get_by_label(f"Day {day} minimum").fill("1")
    shot(page, "first-run-cover")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Saved Dispensary's cover: 5 shift-and-day lines.")).to_be_visible()
    expect(page.get_by_text("Check:")).to_have_count(0)  # nothing asked for when closed

    # 5. people, by hand
    at_step(page, "step 5 of 7: People")
    add_person(page, "Ann", "Technician", more=True)
    add_person(page, "Ben", "Technician", more=True)
    add_person(page, "Pat", "Pharmacist", more=False)

    # 6. their competencies, in one grid
    at_step(page, "step 6 of 7: Their competencies")
    for name in ("Ann", "Ben", "Pat"):
        page.get_by_label(f"{name}: Dispensing").select_option(label="Independent")
    shot(page, "first-run-levels")
    page.get_by_role("button", name="Save and continue").click()

    # 7. accounts: the pharmacist-in-charge, then the technicians in one step
    at_step(page, "step 7 of 7: Accounts")
    page.get_by_label(NAME).fill("Pat")
    page.get_by_label("Email").fill("pat@corner.example")
    page.get_by_label(ROLE).select_option(label="Pharmacist-in-charge")
    page.get_by_label("Staff record").select_option(label="Pat (Corner Pharmacy)")
    page.get_by_role("button", name="Invite", exact=True).click()
    link = page.locator("input[data-link]").input_value()
    page.get_by_role("link", name="Corner Pharmacy").click()
    at_step(page, "step 7 of 7: Accounts")
    page.get_by_label("Email for Ann").fill("ann@corner.example")
    page.get_by_label("Email for Ben").fill("ben@corner.example")
    page.get_by_role("button", name="Invite these technicians").click()
    expect(page.locator("input[data-link]")).to_have_count(2)
    expect(page.locator("nav.guide ol li").last).to_contain_text("Done")

    pic = browser.new_context(base_url=base)
    pic.set_default_timeout(20_000)
    pat = pic.new_page()
    pat.goto(link)
    pat.get_by_label(re.compile(r"^New password( \*)?$")).fill(PIC_PASSWORD)
    pat.get_by_label("New password again").fill(PIC_PASSWORD)
    pat.get_by_role("button", name="Set my password").click()
    expect(pat.get_by_text("Your password is set. Welcome, Pat.")).to_be_visible()

    # then the first rota: generate, ask for approval, approved, published
    page.get_by_role("link", name=re.compile("^Next step")).click()
    expect(
        page.get_by_role("heading", name=re.compile("last: generate the first rota"))
    ).to_be_visible()
    page.get_by_label("Time limit (seconds)").fill("3")
    page.get_by_role("button", name="Generate a new rota").click()
    # the week page follows the solve, then opens the new draft by itself
    expect(page.get_by_role("heading", name=re.compile("Version 1"))).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Create your pharmacy: done")).to_be_visible()
    week = page.url
    page.get_by_role("button", name="Ask the pharmacist-in-charge to approve").click()
    expect(page.get_by_text("Version 1 sent to the pharmacist-in-charge")).to_be_visible()

    pat.goto(week)
    pat.get_by_role("button", name="Approve version 1").click()
    expect(pat.get_by_text("Version 1 approved.")).to_be_visible()
    pic.close()

    page.reload()
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_role("heading", name=re.compile("Version 1: Published"))).to_be_visible()
    dispensary = page.locator(
        "#by-station tr", has=page.get_by_role("rowheader", name="Dispensary")
    )
    days = dispensary.locator("td")
    expect(days).to_have_count(5)  # the Day shift, Monday to Friday
    for i in range(5):
        expect(days.nth(i).locator(".entry").first).to_be_visible()  # someone each day
    expect(dispensary.locator("td.gap")).to_have_count(0)
    expect(dispensary).to_contain_text(re.compile("Ann|Ben|Pat"))
    expect(page.locator("nav.guide")).to_have_count(0)  # the guide has ended
    shot(page, "first-run-published")
    context.close()
