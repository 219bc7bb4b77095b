"""The pharmacist-in-charge finds a rota waiting for approval on their home page and approves it."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page, expect

from scheduler.dates import monday_of

from .conftest import shot, sign_in
from .test_flows import run_solve_from


def waiting_in_menu(page: Page) -> int:
    """The number the menu shows beside Home (0 when it shows none)."""
    badge = page.get_by_role("navigation", name="Main").locator("a[href='/'] .nav-count")
    return int(badge.inner_text()) if badge.count() else 0


def test_the_pharmacist_in_charge_finds_and_approves_a_waiting_rota(browser, live_app):
    week = monday_of(date.today())
    contexts = [browser.new_context(base_url=live_app, viewport={"width": 1366, "height": 900})]
    contexts.append(browser.new_context(base_url=live_app, viewport={"width": 1366, "height": 900}))
    supervisor, pic = (context.new_page() for context in contexts)
    for page in (supervisor, pic):
        page.set_default_timeout(20_000)
    sign_in(pic, "pic@demo.pharmacy", "demo-pic")
    before = waiting_in_menu(pic)

    # The supervisor generates the week and asks for approval.
    sign_in(supervisor, "super@demo.pharmacy", "demo-super")
    supervisor.goto(f"/rotas/1/{week.isoformat()}")
    run_solve_from(supervisor, "Generate a new rota")
    supervisor.get_by_role("button", name="Ask the pharmacist-in-charge to approve").click()
    supervisor.wait_for_load_state()

    # The pharmacist-in-charge's home counts one more thing and lists the rota waiting.
    pic.goto("/")
    assert waiting_in_menu(pic) == before + 1
    home = pic.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Home"))
    expect(home).to_contain_text(f"{before + 1} thing")
    riverside = pic.locator("section", has=pic.get_by_role("heading", name="Riverside Hospital"))
    row = riverside.locator("tr", has_text=f"Mon {week.day} {week:%b %Y}")
    expect(row).to_contain_text("Waiting for your approval")
    shot(pic, "home-waiting-for-approval")
    pic.get_by_role("link", name=re.compile(r"^Approve Riverside Hospital, week of")).click()
    pic.get_by_role("button", name="Approve version 1").click()
    expect(pic.get_by_role("heading", name=re.compile("Version 1: Approved"))).to_be_visible()

    pic.goto("/")
    assert waiting_in_menu(pic) == before
    expect(pic.get_by_role("link", name=re.compile(r"^Approve Riverside"))).to_have_count(0)
    for context in contexts:
        context.close()
