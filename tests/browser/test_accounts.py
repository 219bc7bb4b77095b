"""In a real browser: a supervisor invites a technician, who sets a password through the link in
a browser of their own, signs in, and later changes the password from My account."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import shot, sign_in

# a label as shown, whether or not it carries the required-field star
NAME, ROLE, NEW = (re.compile(rf"^{words}( \*)?$") for words in ("Name", "Role", "New password"))
FIRST = "amber bottles on the top shelf"
SECOND = "the night shift ends at seven"


def test_an_invited_technician_sets_a_password_signs_in_and_changes_it(browser, page, live_app):
    sign_in(page, "super@demo.pharmacy", "demo-super")
    page.get_by_role("link", name="Accounts").click()
    page.get_by_label(NAME).fill("Tia Tech")
    page.get_by_label("Email").fill("tia@demo.pharmacy")
    page.get_by_label(ROLE).select_option(label="Technician")
    page.get_by_label("Staff record").select_option(index=1)
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("Invited Tia Tech.")).to_be_visible()
    link = page.locator("input[data-link]").input_value()
    assert "/accounts/welcome/" in link
    shot(page, "accounts-invited")
    page.reload()
    expect(page.locator("input[data-link]")).to_have_count(0)  # shown once
    expect(page.get_by_role("row", name="Tia Tech")).to_contain_text("Not yet: invited")

    tia = browser.new_context(base_url=live_app)
    tab = tia.new_page()
    tab.goto(link)
    expect(tab.get_by_role("heading", name="Welcome, Tia Tech")).to_be_visible()
    tab.get_by_label(NEW).fill("password123")
    tab.get_by_label("New password again").fill("password123")
    tab.get_by_role("button", name="Set my password").click()
    expect(tab.get_by_text("That password is on a list of common passwords")).to_be_visible()
    tab.get_by_label(NEW).fill(FIRST)
    tab.get_by_label("New password again").fill(FIRST)
    tab.get_by_role("button", name="Set my password").click()
    expect(tab.get_by_text("Your password is set. Welcome, Tia Tech.")).to_be_visible()

    tab.get_by_role("button", name="Sign out").click()
    sign_in(tab, "tia@demo.pharmacy", FIRST)
    expect(tab.get_by_text("Signed in as Tia Tech (Technician).")).to_be_visible()
    tab.get_by_role("link", name="My account").click()
    tab.get_by_label("Current password").fill(FIRST)
    tab.get_by_label(NEW).fill(SECOND)
    tab.get_by_label("New password again").fill(SECOND)
    tab.get_by_role("button", name="Change my password").click()
    expect(tab.get_by_text("Your password is changed.")).to_be_visible()
    shot(tab, "accounts-my-account")
    tab.get_by_role("button", name="Sign out").click()
    sign_in(tab, "tia@demo.pharmacy", SECOND)
    expect(tab.get_by_text("Signed in as Tia Tech (Technician).")).to_be_visible()
    tia.close()

    page.reload()
    expect(page.get_by_role("row", name="Tia Tech")).to_contain_text("Yes")
