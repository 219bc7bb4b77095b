"""A person signs in through the real page in Chromium."""

from playwright.sync_api import expect

from .conftest import shot, sign_in


def test_wrong_password_shows_the_error_beside_the_field(page):
    page.goto("/auth/login")
    page.get_by_label("Email").fill("super@demo.pharmacy")
    page.get_by_label("Password").fill("not-the-password")
    page.keyboard.press("Enter")
    expect(page.get_by_text("do not match an active account")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("super@demo.pharmacy")
    shot(page, "sign-in-error")


def test_supervisor_signs_in_and_sees_the_sites(page):
    sign_in(page, "super@demo.pharmacy", "demo-super")
    expect(page.get_by_role("heading", name="Riverside Hospital")).to_be_visible()
    expect(page.get_by_text("Signed in as Sam Supervisor (Supervisor).")).to_be_visible()
    shot(page, "home-supervisor")
