"""Command-line tasks: create the tables, load the demo, solve a site's week."""

from __future__ import annotations

import textwrap
import threading
import time
from datetime import datetime

import click
from flask import Flask, current_app
from sqlalchemy.exc import OperationalError

from .extensions import db
from .models import AccountRole, Site, Staff, User
from .solver.explain import format_breakdown

CELL_WIDTH = 26


@click.command("init-db")
def init_db_command() -> None:
    """Create every table that does not exist yet."""
    db.create_all()
    click.echo("Initialised the database.")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Drop every table and load the demo hospital and retail pharmacy, dated to this week."""
    from .demo import seed

    db.drop_all()
    db.create_all()
    summary = seed()
    for line in summary:
        click.echo(line)


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
    """Solve one site's week, store it as a draft rota and print it by station."""
    from .services.grid import station_grid
    from .services.planning import monday_of, planned_with, run_solve, stored_costs

    limit = time_limit or float(current_app.config["SOLVE_TIME_LIMIT"])
    try:
        site = db.session.scalar(db.select(Site).where(Site.name == site_name))
        known = db.session.scalars(db.select(Site.name).order_by(Site.name)).all()
    except OperationalError as exc:
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

    rota = run_solve(site, monday, time_limit=limit, on_progress=_progress_printer())
    click.echo(
        f"Status: {rota.solve_status}  objective: {_num(rota.objective)}  "
        f"bound: {_num(rota.bound)}  seconds: {rota.solve_runs[-1].seconds:.1f}"
    )
    click.echo(f"Stored draft rota version {rota.version} ({len(rota.assignments)} assignments).")
    others = [s.name for s in planned_with(site) if s.id != site.id]
    if others:
        click.echo(
            f"Planned together with {', '.join(others)} (group {site.group.name}); "
            "each site has its own new draft."
        )
    for reason in rota.reasons or []:
        click.echo(f"  why: {reason}")
    days, rows = station_grid(rota)
    click.echo("")
    click.echo(_table(["Station"] + [f"{d:%a} {d.day} {d:%b}" for d in days], rows))
    lines = format_breakdown(stored_costs(rota))
    click.echo("")
    click.echo("Score breakdown:" if lines else "Score breakdown: no penalties.")
    for line in lines:
        click.echo(f"  {line}")


def _num(value) -> str:
    return "-" if value is None else f"{value:g}"


def _progress_printer():
    """A progress callback printing a line on each better rota and every few seconds."""
    state = {"objective": None, "printed": 0.0}
    lock = threading.Lock()

    def report(progress) -> None:
        with lock:
            now = time.monotonic()
            if progress.objective == state["objective"] and now - state["printed"] < 3.0:
                return
            state["objective"], state["printed"] = progress.objective, now
        click.echo(
            f"  {progress.seconds:5.1f} s  best {_num(progress.objective)}  "
            f"bound {_num(progress.bound)}  ({progress.solutions} rota(s) found)"
        )

    return report


def _table(header: list[str], rows) -> str:
    """A plain-text table: one row per station or duty, one column per day."""
    first = max([len(header[0])] + [len(r.label) + 7 for r in rows]) + 1
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
    for row in rows:
        cells = [[row.label + (" (duty)" if row.kind == "duty" else "")]]
        for entries in row.cells:
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
    """Create a sign-in account; a technician's account is linked to their staff record."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("an email address has an @", param_hint="--email")
    if len(password) < 8:
        raise click.BadParameter("use at least 8 characters", param_hint="--password")
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


def register(app: Flask) -> None:
    """Add the scheduler's commands to the app's ``flask`` command line."""
    for command in (init_db_command, seed_demo_command, solve_week_command, create_user_command):
        app.cli.add_command(command)
