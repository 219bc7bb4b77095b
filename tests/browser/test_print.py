"""Printing from the browser: the print page and the rota page fit a landscape A4 page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from scheduler.dates import monday_of

from .conftest import shot, sign_in

# The printable width of landscape A4 (297 mm less 10 mm margins each side) at 96 px per inch.
PRINT_WIDTH = round((297 - 20) / 25.4 * 96)
PRINT_HEIGHT = round((210 - 27) / 25.4 * 96)

OVERFLOW = """() => {
  const doc = document.documentElement;
  const shown = (el) => el.offsetParent !== null;
  const wide = [...document.querySelectorAll('table')]
    .filter((t) => shown(t) && t.scrollWidth > t.parentElement.clientWidth + 1)
    .map((t) => `${t.className || 'table'}: ${t.scrollWidth} > ${t.parentElement.clientWidth}`);
  const cells = [...document.querySelectorAll('th, td')]
    .filter((c) => shown(c) && c.scrollWidth > c.clientWidth + 1)
    .map((c) => `${c.textContent.trim().slice(0, 30)}: ${c.scrollWidth} > ${c.clientWidth}`);
  return {page: doc.scrollWidth, view: doc.clientWidth, wide, cells};
}"""


@pytest.fixture
def printer(browser: Browser, live_app: str) -> Page:
    """A supervisor's page the size of a landscape A4 sheet's printable area."""
    context = browser.new_context(
        base_url=live_app, viewport={"width": PRINT_WIDTH, "height": PRINT_HEIGHT}
    )
    context.set_default_timeout(20_000)
    tab = context.new_page()
    sign_in(tab, "super@demo.pharmacy", "demo-super")
    yield tab
    context.close()


def last_week() -> str:
    """The Monday of the week seed-demo publishes."""
    return (monday_of(date.today()) - timedelta(days=7)).isoformat()


def assert_fits(page: Page) -> None:
    """Nothing runs off the side: not the page, nor a visible table, nor a cell's text."""
    found = page.evaluate(OVERFLOW)
    assert found["page"] <= found["view"], found
    assert found["wide"] == [], found
    assert found["cells"] == [], found


def test_the_print_page_fits_landscape_a4_when_printed(printer: Page):
    printer.goto(f"/rotas/1/{last_week()}")
    printer.get_by_role("link", name="Print version 1").click()
    printer.wait_for_load_state()
    expect(
        printer.get_by_role(
            "heading", name="Compliance: competencies near their valid-until day and cover gaps"
        )
    ).to_be_visible()
    expect(printer.get_by_role("button", name="Print")).to_be_visible()
    shot(printer, "print-rota-week-screen")
    printer.emulate_media(media="print")
    expect(printer.locator(".site-header")).to_be_hidden()
    expect(printer.get_by_role("button", name="Print")).to_be_hidden()
    charts = printer.locator("table.print-chart")
    expect(charts).to_have_count(1)  # the whole week on one page
    expect(charts.first).to_be_visible()
    expect(printer.get_by_role("heading", name="Person sheet:").first).to_be_visible()
    expect(printer.get_by_text("trainee ←").first).to_be_visible()
    assert_fits(printer)
    shot(printer, "print-rota-week")


def test_the_rota_page_prints_without_its_controls_and_fits(printer: Page):
    printer.goto(f"/rotas/1/{last_week()}")
    expect(printer.get_by_role("link", name="Download PDF of version 1")).to_be_visible()
    printer.emulate_media(media="print")
    expect(printer.locator(".site-header")).to_be_hidden()
    expect(printer.get_by_role("link", name="Print version 1")).to_be_hidden()
    expect(printer.get_by_role("heading", name="Versions of this week")).to_be_hidden()
    expect(printer.locator("table.wall-chart")).to_be_visible()
    assert_fits(printer)
    shot(printer, "print-rota-week-page")
