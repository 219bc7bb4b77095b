"""The issue's two journeys in a real browser: a supervisor builds and publishes the demo week,
a technician volunteers and sees the published shifts."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page, expect

from scheduler.dates import monday_of

from .conftest import approve_and_publish, shot, sign_in


def run_solve_from(page: Page, button: str, seconds: str = "6") -> None:
    """Press a solve button on the week page, which shows the solve's progress, and wait until
    the page shows the new version by itself."""
    page.get_by_label("Time limit (seconds)").fill(seconds)
    page.get_by_role("button", name=button).click()
    expect(page.locator("progress")).to_be_visible()
    shot(page, f"progress-{button.split()[0].lower()}")
    # the version's status card, or why there is none (then the failure says why)
    ended = page.locator("#run-outcome, #no-rota, #status-h").first
    expect(ended).to_be_visible(timeout=60_000)
    assert re.search(r"[?&]version=\d+", page.url), page.locator("main").inner_text()[:2000]
    expect(page.locator("progress")).to_have_count(0)
    page.wait_for_load_state()


def test_supervisor_generates_pins_completes_and_publishes_then_technician_sees_it(
    browser, live_app
):
    week = monday_of(date.today()).isoformat()
    supervisor = browser.new_context(base_url=live_app, viewport={"width": 1366, "height": 900})
    supervisor.set_default_timeout(20_000)
    page = supervisor.new_page()
    sign_in(page, "super@demo.pharmacy", "demo-super")

    # Generate the demo week from the home page's link and watch the progress finish.
    page.get_by_role("heading", name="Riverside Hospital").scroll_into_view_if_needed()
    page.goto(f"/rotas/1/{week}")
    expect(page.get_by_role("heading", name="No rota yet")).to_be_visible()
    run_solve_from(page, "Generate a new rota")
    expect(page.get_by_role("heading", name=re.compile("Version 1"))).to_be_visible()
    expect(page.get_by_role("heading", name="By station")).to_be_visible()
    expect(page.get_by_role("heading", name="Explanation: the score rule by rule")).to_be_visible()
    shot(page, "rota-week-v1")

    # Pin one assignment, then complete the rest around it.
    page.get_by_role("button", name="Edit mode").click()
    first = page.locator("details.acts").first
    first.locator("summary").click()
    first.get_by_role("button", name="Pin", exact=True).click()
    page.wait_for_load_state()
    pinned = page.locator(".entry", has_text="pinned:")
    expect(pinned).to_have_count(1)
    who = pinned.first.inner_text().split("\n")[0]
    run_solve_from(page, "Complete the rest around the pins")
    expect(page.get_by_role("heading", name=re.compile("Version 2"))).to_be_visible()
    expect(page.locator(".entry", has_text="pinned:")).to_have_count(1)
    expect(page.locator(".entry", has_text="pinned:").first).to_contain_text(who.strip())

    # Ask for approval; the pharmacist-in-charge approves; the supervisor publishes.
    approve_and_publish(browser, live_app, page, week, 2)
    expect(page.get_by_role("heading", name=re.compile("Version 2: Published"))).to_be_visible()
    shot(page, "rota-week-published")
    supervisor.close()

    # The technician sees the published shifts and volunteers to train others.
    tech = browser.new_context(base_url=live_app, viewport={"width": 1024, "height": 900})
    tech.set_default_timeout(20_000)
    page = tech.new_page()
    sign_in(page, "tech@demo.pharmacy", "demo-tech")
    page.goto("/me/")
    expect(page.get_by_role("heading", name=re.compile("My week"))).to_be_visible()
    shifts = page.locator("section", has=page.get_by_role("heading", name="My shifts"))
    this_week = shifts.locator("table").first
    expect(this_week).not_to_contain_text("No published shifts yet")
    expect(this_week.locator("tbody tr").first).to_contain_text("America/Chicago")
    shot(page, "me-technician")
    page.get_by_role("link", name="Leave, requests and offers").click()
    page.get_by_role("link", name="Volunteer").click()
    page.get_by_label("Train others").check()
    page.get_by_role("button", name="Send offer").click()
    page.wait_for_load_state()
    offers = page.locator("section", has=page.get_by_role("heading", name="My offers"))
    expect(offers.get_by_text("Train others")).to_be_visible()
    shot(page, "me-wishes")
    tech.close()
