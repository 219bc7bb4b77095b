"""Fixtures for every test folder: the run's databases (SQLite files, or PostgreSQL when
``TEST_DATABASE_URL`` names a server; see tests/databases.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from scheduler.extensions import db

from .databases import TestDatabases, server_url


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
    yield test_databases.model_database(tmp_path)
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
