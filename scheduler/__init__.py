"""The pharmacy staff scheduler: a Flask app around a CP-SAT rota engine."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, render_template
from sqlalchemy import event

from . import filters, navigation, security
from .database import DatabaseIntConverter, database_url, engine_options
from .extensions import csrf, db, login_manager, migrate
from .services import mail
from .services.audit import recording as audit_recording

PACKAGE = Path(__file__).resolve().parent
MIGRATIONS = PACKAGE / "migrations"


def web_folder(name: str) -> Path:
    """The ``templates`` or ``static`` folder: inside the package when installed from a wheel
    (setup.py puts them there), else beside it, at the top of a checkout."""
    installed = PACKAGE / name
    return installed if installed.is_dir() else PACKAGE.parent / name


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app: settings, extensions, blueprints and CLI commands."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(web_folder("templates")),
        static_folder=str(web_folder("static")),
    )
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL")
        or f"sqlite:///{Path(app.instance_path) / 'scheduler.sqlite'}",
        SOLVE_TIME_LIMIT=20.0,
        # the solve queue and the shared sign-in counts; unset: solves in a thread, counts in memory
        REDIS_URL=os.environ.get("REDIS_URL") or None,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    uri = app.config["SQLALCHEMY_DATABASE_URI"] = database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(uri),
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    app.url_map.converters["int"] = DatabaseIntConverter  # an id past INTEGER: 404
    csrf.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)  # MAIL_* settings; links are e-mailed where MAIL_SERVER is set
    filters.init_app(app)  # |day, |day_label, |shift_times, |site_time, ...
    security.init_app(app)  # secret key, cookies, headers, rate limits
    audit_recording.init_app(app)  # every change recorded, with who made it
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)

    # The command line and the views reach the job queue, whose Redis worker builds its own
    # app with this function: they are imported once the package has it (the Flask factory).
    from . import cli
    from .views import (
        accounts,
        audit,
        auth,
        calendar,
        guide,
        main,
        me,
        printing,
        rotas,
        setup,
        sheets,
        signoff,
        skills,
        staff,
    )

    navigation.init_app(app)

    for blueprint in (
        auth.bp,
        main.bp,
        staff.bp,
        skills.bp,
        setup.bp,
        rotas.bp,
        me.bp,
        signoff.bp,
        calendar.bp,
        printing.bp,
        sheets.bp,
        audit.bp,
        accounts.bp,
        guide.bp,
    ):
        app.register_blueprint(blueprint)
    cli.register(app)
    _register_error_pages(app)
    return app


ERROR_PAGES = {
    400: ("Bad request", "The request could not be understood. Please go back and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is nothing at this address."),
    405: ("Not allowed", "That action is not available here."),
    500: ("Something went wrong", "The error has been logged. Nothing you entered was saved."),
}


def _register_error_pages(app: Flask) -> None:
    """Render HTTP errors as pages in the app's layout, never as a bare traceback."""

    def handler(error):
        code = getattr(error, "code", 500) or 500
        title, message = ERROR_PAGES.get(code, ERROR_PAGES[500])
        described = getattr(error, "description", None)
        if code in (400, 403, 404) and described and described != type(error).description:
            message = described  # a reason the view gave with abort(code, description=...)
        return render_template("errors/error.html", code=code, title=title, message=message), code

    for code in ERROR_PAGES:
        app.register_error_handler(code, handler)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Make SQLite enforce foreign keys, as every other database does."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
