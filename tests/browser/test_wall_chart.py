"""The wall chart on a wide screen: a 24/7 hospital's week without sideways scrolling, and its
editing controls out of the way until edit mode is turned on."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Browser, expect

from scheduler.dates import monday_of

from .conftest import shot, sign_in

WIDTHS = """() => {
  const box = document.querySelector('#by-station .chart-scroll');
  const doc = document.documentElement;
  return {chart: [box.scrollWidth, box.clientWidth], page: [doc.scrollWidth, doc.clientWidth]};
}"""


def test_the_hospital_week_fits_1400px_and_edit_mode_shows_the_controls(
    browser: Browser, live_app: str
):
    context = browser.new_context(base_url=live_app, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, "super@demo.pharmacy", "demo-super")
    week = (monday_of(date.today()) - timedelta(days=7)).isoformat()  # seed-demo publishes it
    page.goto(f"/rotas/1/{week}")
    page.get_by_role("button", name="Start a new draft from this version").click()
    expect(page.get_by_role("heading", name="Version 2: Draft")).to_be_visible()
    page.wait_for_load_state("load")  # the style sheets applied before anything is measured
    page.evaluate("() => document.fonts.ready.then(() => true)")

    # Seven days of three shifts: no sideways scrolling, in the chart's box or the page.
    found = page.evaluate(WIDTHS)
    assert found["chart"][0] <= found["chart"][1], found
    assert found["page"][0] <= found["page"][1], found
    chart = page.locator("table.wall-chart")
    expect(chart.locator("thead th.shift-head")).to_have_count(21)
    edits = page.locator("details.acts")
    expect(edits.first).to_be_hidden()
    shot(page, "wall-chart-1400")

    # Edit mode from the keyboard: one toggle shows every entry's controls, focus visible.
    toggle = page.get_by_role("button", name="Edit mode")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim() === 'Edit mode'"):
            break
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(edits.first).to_be_visible()
    assert "edit=1" in page.url  # a reload keeps edit mode
    found = page.evaluate(WIDTHS)
    assert found["chart"][0] <= found["chart"][1], found
    edits.first.locator("summary").click()
    expect(edits.first.get_by_role("button", name="Pin", exact=True)).to_be_visible()
    shot(page, "wall-chart-1400-edit-mode")
    page.keyboard.press("Escape")
    toggle.click()
    expect(edits.first).to_be_hidden()
    context.close()
