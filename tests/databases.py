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

Databases built once and copied: :meth:`TestDatabases.copy` builds a template once per
run and hands out copies (SQLite copies the file; PostgreSQL ``CREATE DATABASE ...
TEMPLATE``, 0.1-0.2 s); :meth:`TestDatabases.seeded_demo` is the demo that ``flask
seed-demo`` loads (about 5-10 s to seed, most of it solving last week), seeded once a run
for the browser tests and the modules that print or export it. On SQLite each test's model
database is a copy of a file with the models' tables, made once (``create_all`` on a new
file took 30-90 ms a test, a copy under 5).

Commits do not wait for the disk: the test databases are thrown away, so SQLite runs with
``synchronous=OFF`` (tests/conftest.py) and the PostgreSQL databases with
``synchronous_commit = off``; what tests see, and every lock and constraint, is unchanged.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Callable
from datetime import date, timedelta
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
        self._templates: dict[str, str] = {}

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
            self._create_database(name)
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

    # ----- copies of a database built once per run ----------------------------------------

    def copy(self, key: str, build: Callable[[str], None], label: str = "copy") -> str:
        """The URL of a new database holding a copy of the run's template ``key``.

        The first call for a key builds the template: ``build(url)`` fills an empty database
        and closes its connections. Each call then copies it, which takes milliseconds:
        SQLite copies the file, PostgreSQL creates the database from the template
        (``CREATE DATABASE ... TEMPLATE``). Give the copy back with :meth:`release`.
        """
        template = self._templates.get(key)
        if template is None:
            template = self.create(f"template {key}")
            try:
                build(template)
            except BaseException:
                self.release(template)
                raise
            self._templates[key] = template
        self._count += 1
        slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:20] or "copy"
        if self.server is None:
            target = self.folder / f"{slug}-{self._count}.sqlite"
            shutil.copyfile(make_url(template).database or "", target)
            return f"sqlite:///{target}"
        source = make_url(template).database or ""
        name = f"{self.prefix}_{self._count}_{slug}"
        self._disconnect_others(source)
        self._create_database(name, source)
        return self._url_of(name)

    def seeded_demo(self, today: date | str | None = None) -> str:
        """A new database holding the demo as ``flask seed-demo`` loads it for the week of
        ``today`` (a date or YYYY-MM-DD, as the ``TODAY`` setting; None: the real today).

        The demo is seeded once per run and week (the seed solves last week for a few
        seconds) and copied for each caller; give the copy back with :meth:`release`.
        """
        day = date.fromisoformat(today) if isinstance(today, str) else today or date.today()
        monday = day - timedelta(days=day.weekday())
        return self.copy(f"demo {monday}", lambda url: seed_demo(url, day), "demo")

    # ----- the model database of the ``app`` fixture ----------------------------------------

    def model_database(self, folder: Path, metadata: MetaData | None = None) -> str:
        """The URL for one test's database for the models' tables, with no rows.

        SQLite: a new file in the test's folder; with ``metadata``, a copy of a file holding
        its tables, made once per run (``create_all`` then finds them all there). PostgreSQL:
        the run's model database, empty (its tables are kept from test to test); call
        :meth:`reset_model_database` after the test.
        """
        if self.server is None:
            target = folder / "test.db"
            if metadata is not None:
                shutil.copyfile(self._tables_file(metadata), target)
            return f"sqlite:///{target}"
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
            self._templates.clear()
            if self._admin is not None:
                self._admin.dispose()

    # ----- helpers ---------------------------------------------------------------------------

    def _tables_file(self, metadata: MetaData) -> Path:
        """A SQLite file holding the tables of ``metadata`` and no rows, made on first use."""
        path = self.folder / "tables.sqlite"
        if not path.exists():
            engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
            try:
                metadata.create_all(engine)
            finally:
                engine.dispose()
        return path

    def _create_database(self, name: str, template: str | None = None) -> None:
        """Create a database on the server (a copy of ``template`` when given); it is dropped
        at the end of the run. Its commits do not wait for the disk (a test database is thrown
        away; a crash of the server could lose only the last moments of commits)."""
        copy = f' TEMPLATE "{template}"' if template else ""
        self._execute_admin(f'CREATE DATABASE "{name}"{copy}')
        self._created.append(name)
        self._execute_admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off')

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


def seed_demo(url: str, today: date) -> None:
    """Run ``flask seed-demo`` on an empty database, as of ``today``."""
    from scheduler import create_app
    from scheduler.extensions import db

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "demo", "REDIS_URL": None, "TODAY": today}
    )
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
