"""Browser tests: the app served on a free local port, driven by Playwright in Debian's Chromium.

Every test here is marked ``needs_browser``: skipped, with the command that installs Chromium, on
a machine without it (failed instead with ``REQUIRE_BROWSER=1``; see tests/conftest.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from scheduler import create_app
from scheduler.extensions import db

from ..system_parts import CHROMIUM

HERE = Path(__file__).resolve().parent
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``needs_browser``: each drives Chromium."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.needs_browser)


@contextmanager
def served(app) -> Iterator[str]:
    """Serve an app on a free local port in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def live_app(test_databases) -> Iterator[str]:
    """Seed the demo into a fresh database and serve the app; yields its base URL."""
    with serve_demo(test_databases) as base_url:
        yield base_url


@contextmanager
def serve_demo(test_databases, **config) -> Iterator[str]:
    """The demo seeded into a fresh database and served on a free port, with extra settings.

    The database is a copy of the demo the run seeds once per week (``TODAY`` in ``config``
    picks the week; see ``TestDatabases.seeded_demo``), so each module starts from the same
    freshly seeded demo without seeding it again.
    """
    url = test_databases.seeded_demo(config.get("TODAY"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "browser-tests",
            "REDIS_URL": None,
            "SOLVE_TIME_LIMIT": 8.0,
            **config,
        }
    )
    try:
        with served(app) as base_url:
            yield base_url
    finally:
        with app.app_context():
            db.engine.dispose()
        test_databases.release(url)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, launched by Playwright (no browser download)."""
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_app: str) -> Iterator[Page]:
    """A fresh browser page (its own cookies) with the base URL set."""
    context = browser.new_context(base_url=live_app, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def shot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under the git-ignored artifacts folder."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the form, as a person would."""
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def approve_and_publish(browser: Browser, base_url: str, page: Page, week: str, version: int):
    """Ask for approval on the week page, approve as the pharmacist-in-charge, then publish."""
    page.get_by_role("button", name="Ask the pharmacist-in-charge to approve").click()
    page.wait_for_load_state()
    pic = browser.new_context(base_url=base_url)
    pic_page = pic.new_page()
    sign_in(pic_page, "pic@demo.pharmacy", "demo-pic")
    pic_page.goto(f"/rotas/1/{week}")
    pic_page.get_by_role("button", name=f"Approve version {version}").click()
    pic_page.wait_for_load_state()
    pic.close()
    page.reload()
    page.get_by_role("button", name=f"Publish version {version}").click()
    page.wait_for_load_state()
