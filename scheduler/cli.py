"""Command-line tasks: create the tables, load the demo, solve a site's week."""

from __future__ import annotations

import json
import textwrap
import threading
import time
from datetime import datetime
from pathlib import Path

import click
import flask_migrate
from alembic.script import ScriptDirectory
from flask import Flask, current_app, url_for
from sqlalchemy import MetaData, inspect
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from .dates import monday_of
from .demo import seed
from .extensions import db
from .jobs import RunEnded, SolveBusy
from .jobs.worker import worker_command
from .models import AccountRole, Site, Staff, User
from .services import accounts
from .services.accounts import password_problem
from .services.rota_lookup import planned_with
from .services.rota_pages import WallChart, wall_chart
from .services.run_messages import SETUP_FAULTS
from .services.scores import breakdown_lines, progress_score, rota_score
from .services.site_data.exporting import export_site, export_sites
from .services.site_data.file_format import SiteDataError, summary
from .services.site_data.importing import import_data
from .services.solve_runs import NoRotaFound
from .services.solving import run_solve
from .solver import ProblemError

CELL_WIDTH = 26


@click.command("init-db")
def init_db_command() -> None:
    """Create the tables, or bring them up to date, through the migrations; data is kept."""
    if _adopt_unversioned_database():
        click.echo("The tables predate migrations: marked them as the baseline revision.")
    flask_migrate.upgrade(revision="head")
    click.echo("Initialised the database (migrated to the latest revision).")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Drop every table and load the demo hospital and retail pharmacy, dated to this week."""
    db.session.remove()  # nothing of this app context may hold a table the drop needs
    _drop_every_table()
    flask_migrate.upgrade(revision="head")
    summary = seed()
    for line in summary:
        click.echo(line)


def _drop_every_table() -> None:
    """Drop every table in the database, the migrations' version table included."""
    found = MetaData()
    found.reflect(bind=db.engine)
    found.drop_all(bind=db.engine)


def _adopt_unversioned_database() -> bool:
    """Stamp a database whose tables were made before migrations with the baseline revision.

    Such tables came from ``db.create_all()`` of the first release, which is what the
    baseline revision creates; later revisions then upgrade them like any other.
    Returns whether the database was stamped.
    """
    tables = set(inspect(db.engine).get_table_names())
    if not tables or "alembic_version" in tables:
        return False
    config = current_app.extensions["migrate"].migrate.get_config()
    flask_migrate.stamp(revision=ScriptDirectory.from_config(config).get_base())
    return True


@click.command("solve-week")
@click.option("--site", "site_name", required=True, help="Site name, e.g. 'Riverside Hospital'.")
@click.option(
    "--week",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Any date of the week (YYYY-MM-DD); it is rounded down to its Monday.",
)
@click.option("--time-limit", type=click.FloatRange(min=0.5), default=None, help="Seconds.")
def solve_week_command(site_name: str, week: datetime, time_limit: float | None) -> None:
    """Solve one site's week, store it as a draft rota and print it by station.

    When no rota is found nothing is stored: the reasons are printed and the command
    exits with status 1.
    """

    limit = time_limit or float(current_app.config["SOLVE_TIME_LIMIT"])
    try:
        site = db.session.scalar(db.select(Site).where(Site.name == site_name))
        known = db.session.scalars(db.select(Site.name).order_by(Site.name)).all()
    except (OperationalError, ProgrammingError) as exc:  # no such table: SQLite, PostgreSQL
        raise click.ClickException(
            "The database has no tables yet; run init-db or seed-demo."
        ) from exc
    if site is None:
        names = ", ".join(repr(n) for n in known) or "none yet"
        raise click.BadParameter(
            f"no site named {site_name!r} (known: {names}).", param_hint="--site"
        )
    day = week.date()
    monday = monday_of(day)
    if monday != day:
        click.echo(f"{day} is a {day:%A}; solving the week starting Monday {monday}.")
    click.echo(f"Solving {site.name}, week of {monday}, time limit {limit:g} s ...")

    try:
        rota = run_solve(site, monday, time_limit=limit, on_progress=_progress_printer(site))
    except NoRotaFound as none:  # the run is failed with the reasons; no draft was stored
        lines = none.message.splitlines()
        click.echo(lines[0], err=True)
        for reason in lines[1:]:
            click.echo(f"  - {reason}", err=True)
        raise click.exceptions.Exit(1) from none
    except (SolveBusy, RunEnded) as exc:  # the week is busy, or another process ended this run
        raise click.ClickException(str(exc)) from exc
    except ProblemError as faulty:  # the run is failed with the faults; list them, no traceback
        click.echo(SETUP_FAULTS, err=True)
        for fault in faulty.faults:
            click.echo(f"  - {fault}", err=True)
        raise click.exceptions.Exit(1) from faulty
    click.echo(f"Status: {rota.solve_status}  seconds: {rota.solve_runs[-1].elapsed:.1f}")
    if rota.objective is not None:
        score = rota_score(rota)
        click.echo(f"Score by level: {score.line}")
        if score.bounds:
            click.echo(f"How far from the best possible: {score.bounds}")
    click.echo(f"Stored draft rota version {rota.version} ({len(rota.assignments)} assignments).")
    others = [s.name for s in planned_with(site) if s.id != site.id]
    if others:
        click.echo(
            f"Planned together with {', '.join(others)} (group {site.group.name}); "
            "each site has its own new draft."
        )
    for reason in rota.reasons or []:
        click.echo(f"  why: {reason}")
    chart = wall_chart(rota)
    click.echo("")
    click.echo(_table(["Station"] + [f"{d:%a} {d.day} {d:%b}" for d in chart.days], _by_day(chart)))
    lines = breakdown_lines(rota) if rota.objective is not None else []
    click.echo("")
    click.echo("Score breakdown by level:" if lines else "Score breakdown: no penalties.")
    for line in lines:
        click.echo(f"  {line}")


def _progress_printer(site: Site):
    """A progress callback printing the score by level on each better rota and every few seconds."""
    state = {"objective": None, "printed": 0.0}
    lock = threading.Lock()

    def report(progress) -> None:
        with lock:
            now = time.monotonic()
            if progress.objective == state["objective"] and now - state["printed"] < 3.0:
                return
            state["objective"], state["printed"] = progress.objective, now
        if progress.objective is None:
            click.echo(f"  {progress.seconds:5.1f} s  no rota found yet")
            return
        score = progress_score(site, list(progress.levels), list(progress.level_bounds))
        bounds = f" [{score.bounds}]" if score.bounds else ""
        click.echo(
            f"  {progress.seconds:5.1f} s  best: {score.line}{bounds}  "
            f"({progress.solutions} rota(s) found)"
        )

    return report


def _by_day(chart: WallChart) -> list[tuple[str, str, list[list[str]]]]:
    """The wall chart's rows as (name, "station" or "duty", one cell per day), each cell a
    line per shift: 'D: Ann, Sam (trainee of Ann)'."""
    out = []
    for row in chart.rows:
        days: list[list[str]] = [[] for _ in chart.days]
        for cell in row.cells:
            if not cell.entries:
                continue
            names = [
                f"{e.name} (trainee of {e.trainer_name or '?'})" if e.trainee else e.name
                for e in cell.entries
            ]
            days[chart.days.index(cell.day)].append(f"{cell.shift.code}: {', '.join(names)}")
        out.append((row.label, row.kind, days))
    return out


def _table(header: list[str], rows: list[tuple[str, str, list[list[str]]]]) -> str:
    """A plain-text table: one row per station or duty, one column per day."""
    first = max([len(header[0])] + [len(label) + 7 for label, _kind, _days in rows]) + 1
    widths = [first] + [CELL_WIDTH] * (len(header) - 1)

    def render(cells: list[list[str]]) -> list[str]:
        height = max(len(c) for c in cells) or 1
        out = []
        for i in range(height):
            parts = [
                (c[i] if i < len(c) else "").ljust(w) for c, w in zip(cells, widths, strict=True)
            ]
            out.append("| " + " | ".join(parts) + " |")
        return out

    rule = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    lines = [rule, *render([[h] for h in header]), rule]
    for label, kind, days in rows:
        cells = [[label + (" (duty)" if kind == "duty" else "")]]
        for entries in days:
            wrapped = []
            for entry in entries:
                wrapped.extend(textwrap.wrap(entry, CELL_WIDTH, subsequent_indent="  ") or [""])
            cells.append(wrapped or ["-"])
        lines.extend(render(cells))
        lines.append(rule)
    return "\n".join(lines)


@click.command("create-user")
@click.option("--email", required=True, help="Sign-in email.")
@click.option("--name", required=True, help="Name shown in the app.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in AccountRole]),
    required=True,
    help="supervisor, pic (pharmacist-in-charge) or technician.",
)
@click.option("--staff", "staff_name", default=None, help="Staff record to link (technicians).")
@click.password_option(help="Asked for when not given.")
def create_user_command(
    email: str, name: str, role: str, staff_name: str | None, password: str
) -> None:
    """Create a sign-in account; a technician's account is linked to their staff record.

    The password must pass the same rules as on the web (length, not a common
    password, not the person's name or email); a refused one exits with the reason.
    """
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("an email address has an @", param_hint="--email")
    problem = password_problem(password, email=email, name=name)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="--password")
    if db.session.scalar(db.select(User).where(User.email == email)) is not None:
        raise click.BadParameter(f"an account for {email} already exists", param_hint="--email")
    staff = None
    if staff_name:
        staff = db.session.scalar(db.select(Staff).where(Staff.name == staff_name))
        if staff is None:
            raise click.BadParameter(f"no staff member named {staff_name!r}", param_hint="--staff")
    elif role == AccountRole.TECHNICIAN.value:
        raise click.BadParameter("a technician account needs --staff", param_hint="--staff")
    user = User(email=email, name=name, role=AccountRole(role), staff=staff)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {AccountRole(role).label.lower()} account {email}.")


@click.command("reset-password")
@click.argument("email")
@click.option(
    "--base-url",
    default=None,
    help="The app's address, e.g. https://rota.example.org; default: SERVER_NAME if set.",
)
def reset_password_command(email: str, base_url: str | None) -> None:
    """Print a one-time link that lets the account of EMAIL choose a new password.

    The account's older links stop working; its password stays until the link is
    used (valid for 24 hours; for an invitation not yet accepted, a new 7-day
    invitation link). Without --base-url or SERVER_NAME only the link's path is printed.
    """
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise click.BadParameter(
            "give the address with http:// or https://, e.g. https://rota.example.org",
            param_hint="--base-url",
        )
    try:
        user = accounts.find_by_email(email)
    except (OperationalError, ProgrammingError) as exc:  # no such table: SQLite, PostgreSQL
        raise click.ClickException(
            "The database has no tables yet; run init-db or seed-demo."
        ) from exc
    if user is None:
        raise click.ClickException(f"There is no account for {email.strip().lower()}.")
    try:
        issued = accounts.reset_link(user, None)
    except accounts.AccountRefused as refused:
        raise click.ClickException(str(refused)) from refused
    db.session.commit()
    link = _welcome_link(issued.token, base_url)
    until = f"{accounts.aware(issued.link.expires_at):%Y-%m-%d %H:%M} UTC"
    click.echo(f"One-time {issued.words} link for {user.name} ({user.email}), valid until {until}:")
    click.echo(link)
    if not link.startswith(("http://", "https://")):
        click.echo("Put the app's address in front of it (or give --base-url).")
    click.echo("It is shown only this once; the account's older links no longer work.")


def _welcome_link(token: str, base_url: str | None) -> str:
    """The address of a link's page: full with a base URL or SERVER_NAME, else the path."""
    if base_url:
        with current_app.test_request_context(base_url=base_url.rstrip("/")):
            return url_for("accounts.welcome", token=token, _external=True)
    if current_app.config.get("SERVER_NAME"):
        return url_for("accounts.welcome", token=token, _external=True)
    with current_app.test_request_context():
        return url_for("accounts.welcome", token=token)


@click.command("export-data")
@click.option(
    "--site",
    "site_names",
    multiple=True,
    help="A site's name, e.g. 'Main Street Pharmacy'; repeat it for several sites in one file.",
)
@click.option("--all", "every_site", is_flag=True, help="Every site of the database in one file.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the JSON to this file instead of printing it.",
)
def export_data_command(site_names: tuple[str, ...], every_site: bool, output: Path | None) -> None:
    """Write a site (or several) as JSON, a backup that import-data restores anywhere.

    The file holds everything of each site: settings, shift types, stations, cover,
    duties, its staff with their skills, goals, leave and records, every rota version,
    and the accounts of its people with their password hashes, so people can sign in
    after a restore: keep the file as safe as the database. Solve-run records and the
    audit log are left out. Sites of one group name each other's people: export them
    together (--all).
    """
    if every_site == bool(site_names):
        raise click.UsageError(
            "Name a site with --site, or export every site with --all (not both)."
        )
    try:
        if every_site:
            sites = list(db.session.scalars(db.select(Site).order_by(Site.id)))
        else:
            sites = [_site_named(name) for name in dict.fromkeys(site_names)]
        if not sites:
            raise click.ClickException("There are no sites to export.")
        data = export_site(sites[0]) if not every_site and len(sites) == 1 else export_sites(sites)
    except (OperationalError, ProgrammingError) as exc:  # no such table: SQLite, PostgreSQL
        raise click.ClickException(
            "The database has no tables yet; run init-db or seed-demo."
        ) from exc
    except SiteDataError as exc:
        raise click.ClickException(f"The export stopped:\n{exc}") from exc
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"Cannot write {output}: {exc.strerror}.") from exc
    for section in [data["site"]] if "site" in data else data["sites"]:
        click.echo(f"Exported {summary(section)}.")
    click.echo(f"Wrote {output}; it holds password hashes, so keep it as safe as the database.")


def _site_named(name: str) -> Site:
    """The site of a name, or a clear error naming the sites there are."""
    site = db.session.scalar(db.select(Site).where(Site.name == name))
    if site is None:
        known = db.session.scalars(db.select(Site.name).order_by(Site.name)).all()
        names = ", ".join(repr(n) for n in known) or "none yet"
        raise click.BadParameter(f"no site named {name!r} (known: {names}).", param_hint="--site")
    return site


@click.command("import-data")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace",
    is_flag=True,
    help="Overwrite a site of the same name: it is deleted first, with all that belongs to it.",
)
def import_data_command(file: Path, replace: bool) -> None:
    """Load the site(s) of an export-data FILE: all of it, or nothing at all.

    Accounts come back with their password hashes, so people sign in with their old
    passwords. When this database already has an account of the same email, a person's
    account is linked to it if it belongs to no one and refused if it belongs to someone
    else; an account the site's records only name (the supervisor who published a
    rota) is simply taken from this database. A site that already exists is refused
    unless --replace is given. Every problem in the file is listed and nothing is
    written.
    """
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{file} is not a UTF-8 text file; nothing was imported."
        ) from exc
    except json.JSONDecodeError as exc:
        raise click.ClickException(
            f"{file} is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            "nothing was imported."
        ) from exc
    except (OSError, RecursionError) as exc:
        raise click.ClickException(f"Cannot read {file}: {exc}; nothing was imported.") from exc
    if not inspect(db.engine).has_table("sites"):
        raise click.ClickException("The database has no tables yet; run init-db first.")
    try:
        report = import_data(data, replace=replace)
        db.session.commit()
    except SiteDataError as exc:
        raise click.ClickException(f"{file} was not imported; nothing was changed:\n{exc}") from exc
    except DBAPIError as exc:
        db.session.rollback()
        raise click.ClickException(
            f"The database refused {file}: {exc.orig}; nothing was changed."
        ) from exc
    for name in report.replaced:
        click.echo(f"Replaced the existing {name}.")
    for line in report.summaries:
        click.echo(f"Imported {line}.")
    for warning in report.warnings:
        click.echo(f"Note: {warning}.")


def register(app: Flask) -> None:
    """Add the scheduler's commands to the app's ``flask`` command line."""
    for command in (
        init_db_command,
        seed_demo_command,
        solve_week_command,
        create_user_command,
        reset_password_command,
        worker_command,
    ):
        app.cli.add_command(command)
    app.cli.add_command(export_data_command)
    app.cli.add_command(import_data_command)
