"""The live rota appearing during a solve, in a real browser: a supervisor presses Generate on the
demo's week page and stays there; the best rota so far appears by station with its quality in
words while the status says solving, then the page shows the new draft by itself."""

from __future__ import annotations

import re
import time
from datetime import date
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from scheduler.dates import monday_of

from .conftest import shot, sign_in

QUALITY = r"(no gaps|\d+ gaps?)(; [^.]+)?"


def tab_to(page: Page, name: str, presses: int = 60) -> bool:
    """Press Tab until the button called ``name`` has the focus (False if it never does)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.textContent") == name:
            return True
    return False


def test_the_live_rota_appears_during_a_solve(page: Page):
    week = monday_of(date.today()).isoformat()
    sign_in(page, "super@demo.pharmacy", "demo-super")
    page.goto(f"/rotas/1/{week}")
    expect(page.get_by_role("heading", name="No rota yet")).to_be_visible()
    page.get_by_label("Time limit (seconds)").fill("6")  # long enough to watch it

    started = time.monotonic()
    page.get_by_role("button", name="Generate a new rota").click()
    expect(page.locator("progress")).to_be_visible()  # back on the week page, solving
    shown = time.monotonic() - started
    grid = page.get_by_role("region", name="Best rota so far, by station")
    expect(grid).to_be_visible(timeout=30_000)
    seconds = time.monotonic() - started
    print(
        f"\nafter Generate: the week page solving at {shown:.2f} s, "
        f"the demo hospital's first rota on screen at {seconds:.2f} s"
    )

    # Still the week page, solving: the status says so, with the quality in words.
    assert urlsplit(page.url).path == f"/rotas/1/{week}"
    status = page.locator("[data-field=said]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(re.compile(rf"^Solving: best rota so far, {QUALITY}\.$"))
    expect(page.locator("[data-field=quality]")).to_have_text(
        re.compile(rf"^Best rota so far: {QUALITY}\.$")
    )
    expect(grid.get_by_role("rowheader").first).to_be_visible()  # stations down the side
    assert "bound" not in status.inner_text().lower()
    assert tab_to(page, "Stop and keep the best rota"), "Stop is not reachable by keyboard"
    shot(page, "week-solving-live")

    # When the solve ends the page shows the new draft by itself: no click.
    draft = page.get_by_role("heading", name=re.compile(r"^Version 1: Draft"))
    expect(draft).to_be_visible(timeout=60_000)
    assert "version=1" in page.url
    expect(page.locator("progress")).to_have_count(0)
    expect(page.get_by_role("heading", name="By station")).to_be_visible()
    shot(page, "week-solved-v1")


def test_the_run_page_opens_the_new_version_and_stays_in_the_history(page: Page):
    week = monday_of(date.today()).isoformat()
    sign_in(page, "super@demo.pharmacy", "demo-super")
    page.goto(f"/rotas/1/{week}")
    page.get_by_label("Time limit (seconds)").fill("4")
    page.get_by_role("button", name="Generate a new rota").click()
    expect(page.locator("progress")).to_be_visible()
    run = re.search(r"[?&]run=(\d+)", page.url).group(1)

    # The solve's own page, opened while it runs, opens the new version by itself too.
    page.goto(f"/rotas/runs/{run}")
    expect(page.get_by_role("heading", name=f"Solve {run}: solving")).to_be_visible()
    version = page.get_by_role("heading", name=re.compile(r"^Version \d+: Draft"))
    expect(version).to_be_visible(timeout=60_000)
    number = re.search(r"Version (\d+)", version.inner_text()).group(1)
    assert f"version={number}" in page.url

    # Back in the history, the ended run's page stays put and links to the version.
    page.go_back()
    expect(page.get_by_role("link", name=f"See version {number}")).to_be_visible()
    page.wait_for_timeout(1500)  # a script that navigated would have done so by now
    assert urlsplit(page.url).path == f"/rotas/runs/{run}"
