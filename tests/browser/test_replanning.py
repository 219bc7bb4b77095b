"""The re-planning journey in a real browser: publish a week, take a sick call today, and see
that the days before today are untouched and the changes listed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import approve_and_publish, serve_demo, shot, sign_in
from .test_flows import run_solve_from

TODAY = date(2026, 11, 25)  # a Wednesday: Monday and Tuesday of the demo week have been worked
MONDAY = TODAY - timedelta(days=2)


@pytest.fixture(scope="module")
def replan_app(test_databases) -> Iterator[str]:
    """The demo dated to the week of ``TODAY``, with the app's today fixed on that Wednesday."""
    with serve_demo(test_databases, TODAY=TODAY) as base_url:
        yield base_url


# A cell's own text, without the shifts at the group's other site (which a published version
# reads from that site's published rota, and a draft from its latest version).
HOME_TEXT = """cells => cells.map(cell => {
    const copy = cell.cloneNode(true);
    copy.querySelectorAll('.visit').forEach(v => v.remove());
    return copy.innerText.split(/\\s+/).join(' ').trim() || 'off';
})"""


def by_person(page: Page) -> dict[str, list[str]]:
    """The by-person table as {name: [Monday's cell, ..., Sunday's cell]} at this site."""
    table = page.locator("table.by-person tbody tr")
    out = {}
    for i in range(table.count()):
        row = table.nth(i)
        name = row.locator("th").inner_text().split("\n")[0].rsplit(" ", 1)[0].strip()
        out[name] = row.locator("td").evaluate_all(HOME_TEXT)[:7]
    return out


def publish_first_version(browser: Browser, base_url: str, page: Page) -> None:
    """Generate the week, have the pharmacist-in-charge approve it, publish it."""
    page.goto(f"/rotas/1/{MONDAY.isoformat()}")
    run_solve_from(page, "Generate a new rota")
    approve_and_publish(browser, base_url, page, MONDAY.isoformat(), 1)
    expect(page.get_by_role("heading", name=re.compile("Version 1: Published"))).to_be_visible()


def test_a_sick_call_today_keeps_yesterday_and_lists_the_changes(browser, replan_app):
    context = browser.new_context(base_url=replan_app, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, "super@demo.pharmacy", "demo-super")
    publish_first_version(browser, replan_app, page)
    before = by_person(page)
    today = (TODAY - MONDAY).days
    # Someone who works today calls in sick.
    sick = next(
        name
        for name, cells in before.items()
        if cells[today] and "off" not in cells[today] and "leave" not in cells[today].lower()
    )

    page.get_by_role("link", name="Sick call: mark someone absent").click()
    page.get_by_label("Who is absent").select_option(label=sick)
    expect(page.get_by_label("First day away")).to_have_value(TODAY.isoformat())
    page.get_by_label("Last day away").fill(TODAY.isoformat())
    page.get_by_label("Note").fill("called in at 06:10")
    page.get_by_label("Time limit (seconds)").fill("6")
    page.get_by_role("button", name="Mark absent and re-plan").click()
    # Before anything is saved, the page names the published shift the absence uncovers.
    expect(page.locator("#uncovers")).to_contain_text("Wed 25 Nov")
    expect(page.get_by_role("alert")).to_contain_text("Nothing is saved until you say so")
    page.get_by_role("button", name="Mark absent and re-plan").click()
    expect(page.locator("progress")).to_be_visible()  # the week page, re-planning
    # the page shows the new version by itself when the re-plan ends
    expect(page.get_by_role("heading", name=re.compile("Version 2"))).to_be_visible(timeout=60_000)
    shot(page, "replan-sick-call")

    after = by_person(page)
    for name, cells in before.items():  # Monday and Tuesday exactly as published
        assert after[name][:today] == cells[:today], name
    assert "sick" in after[sick][today].lower() or "leave" in after[sick][today].lower()
    # The whole group (the retail site's week was never published) changes little too.
    score = page.locator("[data-field=score]").inner_text()
    group = re.search(r"whole group: .*?(\d+) shifts? changed for (\d+) (?:person|people)", score)
    assert group is not None, score
    assert int(group.group(2)) <= 4, score
    changes = page.locator("#changes")
    expect(changes.get_by_role("heading", name="What changed since version 1")).to_be_visible()
    expect(changes).to_contain_text(sick)
    expect(changes).not_to_contain_text("Mon 23 Nov")
    expect(changes).not_to_contain_text("Tue 24 Nov")
    context.close()
