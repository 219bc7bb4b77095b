"""A supervisor sets a site's priorities in a real browser, and puts them back on the defaults."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import shot, sign_in


def rule(page: Page, name: str):
    """The group of fields of one ranked rule, found by its legend."""
    return page.get_by_role("group", name=name, exact=True)


def test_supervisor_reorders_and_weighs_the_rules_and_they_are_kept(page: Page):
    sign_in(page, "super@demo.pharmacy", "demo-super")
    page.goto("/setup/")
    page.get_by_role("link", name="Riverside Hospital").click()
    page.get_by_role("link", name="Set priorities").click()
    expect(page.get_by_role("heading", name="Priorities at Riverside Hospital")).to_be_visible()
    expect(page.get_by_text("Level 1: Cover first, never traded")).to_be_visible()

    goals = rule(page, "Training goals")
    wishes = rule(page, "Wishes: shift requests and days off")
    nights = rule(page, "Spread nights evenly")
    goals.get_by_label("Level").select_option(label="Level 5: settled after level 4")
    wishes.get_by_label("Level").select_option("4")
    # by keyboard: focus the strength, pick "Strong" with the arrow keys
    nights.get_by_label("Strength").focus()
    page.keyboard.press("Home")
    expect(nights.get_by_label("Strength")).to_have_value("strong")
    page.get_by_label("Fairness window, in weeks").fill("6")
    page.get_by_label("Fairness window, in weeks").focus()
    page.keyboard.press("Tab")  # the save button is next in the keyboard order
    expect(page.get_by_role("button", name="Save priorities")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    saved = page.locator(".flashes")
    expect(saved).to_contain_text("Saved Riverside Hospital's priorities")
    expect(saved).to_contain_text("Training goals moved from level 4 to level 5")
    expect(saved).to_contain_text("Spread nights evenly: medium → strong")
    shot(page, "priorities-saved")
    page.reload()
    expect(goals.get_by_label("Level")).to_have_value("5")
    expect(wishes.get_by_label("Level")).to_have_value("4")
    expect(nights.get_by_label("Strength")).to_have_value("strong")
    expect(page.get_by_label("Fairness window, in weeks")).to_have_value("6")
    expect(page.locator("#in-force")).to_contain_text("Spread nights evenly (strong)")

    # a bad window is named beside its field; the other choices stay as typed
    page.get_by_label("Fairness window, in weeks").fill("60")
    wishes.get_by_label("Strength").select_option("off")
    page.get_by_role("button", name="Save priorities").click()
    expect(page.locator("#fairness_weeks-error")).to_have_text("Enter 1 to 52 weeks.")
    expect(page.get_by_label("Fairness window, in weeks")).to_have_attribute("aria-invalid", "true")
    expect(wishes.get_by_label("Strength")).to_have_value("off")
    shot(page, "priorities-refused")

    # back to the defaults, after saying yes to the question
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Back to defaults").click()
    page.wait_for_load_state()
    expect(page.locator(".flashes")).to_contain_text("priorities are back on the defaults")
    expect(goals.get_by_label("Level")).to_have_value("4")
    expect(nights.get_by_label("Strength")).to_have_value("medium")
    expect(page.get_by_label("Fairness window, in weeks")).to_have_value("8")
