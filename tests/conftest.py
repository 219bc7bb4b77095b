"""Fixtures for every test folder: the run's databases (SQLite files, or PostgreSQL when
``TEST_DATABASE_URL`` names a server; see tests/databases.py), and the tests that need a part of
the machine pip cannot install (Chromium, WeasyPrint's libraries; see tests/system_parts.py)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import cache, partial
from pathlib import Path

import pytest
from flask import Flask
from jinja2 import BytecodeCache
from sqlalchemy import Engine, event
from werkzeug.security import generate_password_hash

from scheduler.extensions import db
from scheduler.models import accounts

from . import system_parts
from .databases import TestDatabases, server_url

# Passwords are hashed with scrypt, as in production, at a lower cost: werkzeug's default
# (N=32768) takes 0.1-0.2 s a hash, and every sign-in of the suite would pay it twice.
QUICK_PASSWORD_HASH = "scrypt:1024:8:1"


@pytest.fixture(autouse=True, scope="session")
def quick_password_hashes() -> Iterator[None]:
    """New passwords hashed at a low scrypt cost for the whole run (checks read the cost
    from the stored hash, so signing in works the same way)."""
    patch = pytest.MonkeyPatch()
    quick = partial(generate_password_hash, method=QUICK_PASSWORD_HASH)
    patch.setattr(accounts, "generate_password_hash", quick)
    yield
    patch.undo()


class CompiledTemplates(BytecodeCache):
    """Templates compiled once for the run: each test makes an app of its own, and each app's
    Jinja environment would parse and compile every template it renders anew. Jinja keys the
    code by template and checks it against the source, so an edited template is compiled again.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        """Give a template's compiled code to the bucket, when compiled before."""
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        """Keep a template's newly compiled code."""
        self.code[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(autouse=True, scope="session")
def templates_compiled_once() -> Iterator[None]:
    """Every app of the run shares one cache of compiled templates (``CompiledTemplates``)."""
    cache = CompiledTemplates()
    create = Flask.create_jinja_environment

    def with_cache(app: Flask):
        environment = create(app)
        environment.bytecode_cache = cache
        return environment

    patch = pytest.MonkeyPatch()
    patch.setattr(Flask, "create_jinja_environment", with_cache)
    yield
    patch.undo()


@event.listens_for(Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, _record) -> None:
    """Test databases are thrown away: SQLite commits without waiting for the disk."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With pytest-xdist, the tests of a module that share a module-scoped fixture (a served
    demo, a downloaded PDF) run on one worker, in order, as they do without it; every other
    test goes to whichever worker is free (``--dist loadgroup``)."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        definitions = info.name2fixturedefs.values() if info is not None else ()
        if any(d.scope in ("class", "module", "package") for ds in definitions for d in ds):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


# Tests that run on their own while pytest-xdist runs the others in parallel: they wait on real
# clocks (worker heartbeats, a niced worker, a browser's time-outs), which a busy neighbour
# could make them miss. Mark others with @pytest.mark.alone.
ALONE = ("tests/browser/", "tests/web/test_queue_rq.py")


def alone(item: pytest.Item) -> bool:
    """Whether a test runs with no other test running beside it (see ``ALONE``)."""
    return item.get_closest_marker("alone") is not None or item.nodeid.startswith(ALONE)


@contextmanager
def _turn(config: pytest.Config, exclusive: bool) -> Iterator[None]:
    """Hold the run's shared lock: shared for most tests, exclusive for a test run alone.

    Only under pytest-xdist (its workers share the run's id, and the run's temporary folder
    holds each worker's); a second lock, taken first and held while waiting, makes a test
    waiting to run alone go before any test that asks later.
    """
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    try:
        import fcntl
    except ImportError:  # not a POSIX system: no locks, the tests run as xdist sends them
        run = None
    if run is None:
        yield
        return
    factory = getattr(config, "_tmp_path_factory", None)
    folder = factory.getbasetemp().parent if factory else Path(tempfile.gettempdir())
    with ExitStack() as stack:
        queue = stack.enter_context(open(folder / f"scheduler-tests-{run}.queue", "a"))
        held = stack.enter_context(open(folder / f"scheduler-tests-{run}.lock", "a"))
        fcntl.flock(queue, fcntl.LOCK_EX)
        fcntl.flock(held, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        fcntl.flock(queue, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(held, fcntl.LOCK_UN)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """Each test's setup, call and teardown under the run's lock (see ``_turn``)."""
    with _turn(item.config, alone(item)):
        return (yield)


# Tests marked with one of these need a part of the machine that pip cannot install: the check
# that says why it is missing here (with the command that installs it), and the environment
# variable that makes a missing part fail those tests rather than skip them (CI sets both).
SYSTEM_PARTS = {
    "needs_browser": (system_parts.chromium_missing, "REQUIRE_BROWSER"),
    "needs_pdf": (system_parts.pdf_libraries_missing, "REQUIRE_PDF"),
}


@cache
def _missing(marker: str) -> str | None:
    """Why this machine lacks the part a marker needs, or None (checked once a process)."""
    check, _required = SYSTEM_PARTS[marker]
    return check()


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before its fixtures: a test needing a part this machine lacks is skipped with the reason
    and the command that installs it, or fails when the run requires that part."""
    for marker, (_check, required) in SYSTEM_PARTS.items():
        if item.get_closest_marker(marker) is None:
            continue
        reason = _missing(marker)
        if reason is None:
            continue
        if os.environ.get(required):
            pytest.fail(f"{required} is set but this test {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def test_databases(tmp_path_factory) -> Iterator[TestDatabases]:
    """The run's databases; on PostgreSQL every database the run created is dropped at the end."""
    databases = TestDatabases(tmp_path_factory.mktemp("databases"), server_url())
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture
def database_url(test_databases, tmp_path) -> Iterator[str]:
    """The URL of this test's database: empty, for the models' tables (``app`` creates them)."""
    yield test_databases.model_database(tmp_path, db.metadata)
    test_databases.reset_model_database(db.metadata)


@pytest.fixture
def fresh_database_url(test_databases) -> Iterator[Callable[[str], str]]:
    """Make further empty databases (no tables) for this test; each is given back after it.

    Use it for a second app, the migrations, or a worker process: the URL works from any
    connection, thread or process.
    """
    made: list[str] = []

    def make(label: str = "fresh") -> str:
        url = test_databases.create(label)
        made.append(url)
        return url

    yield make
    for url in made:
        test_databases.release(url)
