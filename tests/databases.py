"""The test run's databases: SQLite files by default, PostgreSQL databases when asked for.

With ``TEST_DATABASE_URL`` set to a PostgreSQL server (for instance
``postgresql://postgres@127.0.0.1:5432/postgres``, the database named there is
only used to create and drop others), the run creates its own databases on that
server, under one unique prefix, and drops them all when it ends.

Per-test isolation on PostgreSQL: every test that uses the ``app`` fixture gets the
run's one *model database* (the models' tables), emptied after the test by
``DELETE`` (triggers off for that transaction) and its id sequences restarted, so
each test starts from empty tables and ids from 1, exactly as with a new SQLite
file. Measured here
(PostgreSQL 15, 28 tables): that reset takes about 5-9 ms; ``TRUNCATE ... RESTART
IDENTITY CASCADE`` about 450 ms (it makes new files for every table and index);
``drop_all``/``create_all`` about 260 ms; a new database from a template 100 ms
to create but over 2 s to drop (the drop forces a checkpoint). Data is committed,
so solve threads, a live server and worker processes see it on their own
connections. A test that changes the set of tables (drops them, runs the
migrations) gets the tables rebuilt after it.

Empty databases for tests that build their own schema (migrations, the seeded
demo, a second app, worker processes) come from :meth:`TestDatabases.create`; on
PostgreSQL a released one is wiped (its ``public`` schema dropped and made anew)
and handed out again, so the run creates and drops only a few databases.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from scheduler.database import database_url

SERVER_VARIABLE = "TEST_DATABASE_URL"

_TABLES = text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")

_RESTART_SEQUENCES = text(
    "SELECT setval(s.seqrelid::regclass, s.seqmin, false) FROM pg_sequence s"
    " JOIN pg_class c ON c.oid = s.seqrelid"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = current_schema()"
)


class _TablesChanged(Exception):
    """A test left other tables than the models' (it dropped them, or ran the migrations)."""


def server_url() -> str | None:
    """The PostgreSQL server this run should use, from ``TEST_DATABASE_URL`` (None: SQLite)."""
    return os.environ.get(SERVER_VARIABLE) or None


class TestDatabases:
    """Creates, resets and drops the databases of one test run."""

    __test__ = False  # a helper, not a test class

    def __init__(self, folder: Path, server: str | None = None) -> None:
        self.folder = folder
        self.server = make_url(database_url(server)) if server else None
        if self.server is not None and self.server.get_backend_name() != "postgresql":
            raise ValueError(f"{SERVER_VARIABLE} must name a PostgreSQL server, not {server!r}")
        self.prefix = f"sched_test_{os.getpid()}_{secrets.token_hex(3)}"
        self._admin: Engine | None = None
        self._created: list[str] = []
        self._spare: list[str] = []
        self._count = 0
        self._model_url: str | None = None

    # ----- empty databases ----------------------------------------------------------------

    def create(self, label: str = "db") -> str:
        """The URL of a new, empty database (no tables) for a test or a module of tests."""
        self._count += 1
        slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:20] or "db"
        if self.server is None:
            return f"sqlite:///{self.folder / f'{slug}-{self._count}.sqlite'}"
        if self._spare:
            name = self._spare.pop()
        else:
            name = f"{self.prefix}_{self._count}_{slug}"
            self._execute_admin(f'CREATE DATABASE "{name}"')
            self._created.append(name)
        return self._url_of(name)

    def release(self, url: str) -> None:
        """Give back a database from :meth:`create`: a SQLite file is deleted, a PostgreSQL
        database wiped for the next :meth:`create` (its leftover connections are closed)."""
        if self.server is None:
            Path(make_url(url).database or "").unlink(missing_ok=True)
            return
        name = make_url(url).database or ""
        self._disconnect_others(name)
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        finally:
            engine.dispose()
        self._spare.append(name)

    # ----- the model database of the ``app`` fixture ----------------------------------------

    def model_database(self, folder: Path) -> str:
        """The URL for one test's database with the models' tables (the test creates them).

        SQLite: a new file in the test's folder. PostgreSQL: the run's model database,
        empty; call :meth:`reset_model_database` after the test.
        """
        if self.server is None:
            return f"sqlite:///{folder / 'test.db'}"
        if self._model_url is None:
            self._model_url = self.create("models")
        return self._model_url

    def reset_model_database(self, metadata: MetaData) -> None:
        """Empty the model database after a test: rows deleted, ids restarted from 1.

        The rows go with triggers switched off for the transaction (``session_replication_role``),
        so neither foreign keys nor an append-only table's guards stand in the way. When the
        test changed the set of tables (dropped them, ran the migrations), or the quick way
        fails (a server role that may not switch triggers off), every table is dropped
        instead and the next test's ``create_all`` builds them again.
        """
        if self._model_url is None:
            return
        self._disconnect_others(make_url(self._model_url).database or "")
        engine = create_engine(self._model_url, poolclass=NullPool)
        try:
            try:
                with engine.begin() as connection:
                    connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
                    connection.exec_driver_sql("SET LOCAL lock_timeout = '20s'")
                    found = set(connection.scalars(_TABLES))
                    if found != set(metadata.tables):
                        raise _TablesChanged(found ^ set(metadata.tables))
                    connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
                    connection.exec_driver_sql(
                        "; ".join(f'DELETE FROM "{table}"' for table in sorted(found))
                    )
                    connection.execute(_RESTART_SEQUENCES)
            except (_TablesChanged, DBAPIError):
                with engine.begin() as connection:
                    connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        finally:
            engine.dispose()

    # ----- the end of the run -----------------------------------------------------------------

    def close(self) -> None:
        """Drop every database this run created on the server."""
        if self.server is None:
            return
        try:
            for name in self._created:
                self._execute_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            self._created.clear()
            self._spare.clear()
            if self._admin is not None:
                self._admin.dispose()

    # ----- helpers ---------------------------------------------------------------------------

    def _url_of(self, name: str) -> str:
        """The URL of a database on the run's server."""
        assert self.server is not None
        return self.server.set(database=name).render_as_string(hide_password=False)

    def _execute_admin(self, sql: str, **parameters: str) -> None:
        """Run one statement on the server's maintenance database, outside a transaction."""
        assert self.server is not None
        if self._admin is None:
            self._admin = create_engine(
                self.server, isolation_level="AUTOCOMMIT", poolclass=NullPool
            )
        with self._admin.connect() as connection:
            connection.execute(text(sql), parameters)

    def _disconnect_others(self, name: str) -> None:
        """Close connections a finished test left open to a database (threads, servers)."""
        self._execute_admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = :name AND pid <> pg_backend_pid()",
            name=name,
        )
