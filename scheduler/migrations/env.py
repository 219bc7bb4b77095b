"""Alembic's environment for the scheduler: the app's engine and models, run by Flask-Migrate.

Flask-Migrate loads this file inside the app context, so the database is the
app's (``DATABASE_URL`` or the SQLite file in ``instance/``) and the target
schema is the models' metadata. Types are compared; on SQLite, schema changes
are written as batch operations (copy the table, swap it in), with foreign keys
switched off meanwhile so that dropping the old copy of a table does not cascade
into the rows that point at it.
"""

from __future__ import annotations

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import Connection, Enum, text
from sqlalchemy.sql.elements import False_, True_

from scheduler.extensions import UTCDateTime

config = context.config
# Log to the console from the command line; inside a test run (or any program that
# set up logging already) leave the logging set-up alone.
if config.config_file_name is not None and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_state = current_app.extensions["migrate"]
target_db = migrate_state.db


def run_migrations_offline() -> None:
    """Write the migrations as SQL for the app's database, without connecting to it."""
    url = target_db.engine.url.render_as_string(hide_password=False)
    context.configure(
        url=url,
        target_metadata=target_db.metadata,
        literal_binds=True,
        compare_type=True,
        render_item=render_item,
        render_as_batch=target_db.engine.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def render_item(kind: str, item: object, _autogen_context) -> str | bool:
    """Write the models' own column types and defaults as plain, portable SQLAlchemy.

    Timestamps are DATETIME (naive UTC; the model attaches the zone) and enums are
    VARCHAR(32) holding the value, so a revision never imports app code and a new
    enum value needs no migration.
    """
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime()"
    if kind == "type" and isinstance(item, Enum) and not item.native_enum:
        return f"sa.String(length={item.length})"
    if kind == "server_default" and isinstance(getattr(item, "arg", None), False_ | True_):
        # sa.false() is FALSE on PostgreSQL and 0 on SQLite; a rendered "0" fails on PostgreSQL
        return "sa.true()" if isinstance(item.arg, True_) else "sa.false()"
    return False


def skip_empty_autogenerate(_context, _revision, directives) -> None:
    """Write no revision file when autogenerate finds nothing to change."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_online() -> None:
    """Run the migrations on a connection of the app's engine, in one transaction."""
    options = dict(migrate_state.configure_args)
    options.setdefault("process_revision_directives", skip_empty_autogenerate)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        options.update(compare_type=True, render_as_batch=sqlite, render_item=render_item)
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(connection=connection, target_metadata=target_db.metadata, **options)
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_sqlite_foreign_keys(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """Switch SQLite's foreign-key enforcement (it only changes outside a transaction)."""
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    """Fail loudly if the migrations left a row pointing at a row that is gone."""
    broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
    if broken:
        raise RuntimeError(f"the migrations left rows with broken foreign keys: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
