"""Make a freshly seeded demo database ready for the load test and write the test's plan.

Run after ``flask --app scheduler seed-demo`` against the same ``DATABASE_URL``:

    python scripts/loadtest/prepare.py --plan plan.json --supervisors 55 --password ...

It creates one sign-in account per simulated user (supervisors, and technicians
linked to the demo's technicians and trainees) with the app's own ``create-user``
command, solves and publishes the current week so technicians have shifts to read
and supervisors have two published weeks per site, and writes a JSON plan: the
accounts, the rotas readers open (with the people on each) and the weeks the
generating supervisors solve.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

EMAIL_DOMAIN = "loadtest.demo.pharmacy"


@dataclass
class RotaToRead:
    """One rota version readers open: its week page, print page and person sheets."""

    site_id: int
    site: str
    week: str
    rota_id: int
    version: int
    staff_ids: list[int]


@dataclass
class WeekToSolve:
    """A site's week one generating supervisor solves again and again."""

    site_id: int
    site: str
    week: str


@dataclass
class Plan:
    """Everything the locustfile needs to know about the prepared database."""

    monday: str
    password: str
    supervisors: list[str] = field(default_factory=list)
    technicians: list[str] = field(default_factory=list)
    rotas: list[RotaToRead] = field(default_factory=list)
    solve_weeks: list[WeekToSolve] = field(default_factory=list)


def create_accounts(
    password: str, supervisors: int, technicians: int | None
) -> tuple[list[str], list[str]]:
    """Create load-test supervisor accounts and technician accounts; return both email lists.

    Technician accounts go to active technicians and trainees that have no account yet,
    at most ``technicians`` of them (all when None). Each account is made by the
    app's ``create-user`` command, so its rules (password length, unique email,
    a technician linked to a staff record) hold here too.
    """
    from scheduler.cli import create_user_command
    from scheduler.extensions import db
    from scheduler.models import Staff, StaffRole, User

    def create(email: str, name: str, role: str, staff_name: str | None) -> str:
        create_user_command.callback(
            email=email, name=name, role=role, staff_name=staff_name, password=password
        )
        return email

    supervisor_emails = [
        create(f"super-{n:03d}@{EMAIL_DOMAIN}", f"Load supervisor {n}", "supervisor", None)
        for n in range(1, supervisors + 1)
    ]
    linked = db.select(User.staff_id).where(User.staff_id.is_not(None))
    people = db.session.scalars(
        db.select(Staff)
        .where(
            Staff.role.in_([StaffRole.TECHNICIAN, StaffRole.TRAINEE]),
            Staff.active.is_(True),
            Staff.id.not_in(linked),
        )
        .order_by(Staff.id)
    ).all()
    if technicians is not None:
        people = people[:technicians]
    technician_emails = [
        create(f"tech-{n:03d}@{EMAIL_DOMAIN}", person.name, "technician", person.name)
        for n, person in enumerate(people, start=1)
    ]
    return supervisor_emails, technician_emails


def publish_week(monday: date, seconds: float) -> list[str]:
    """Solve a week for every site group and publish the drafts as the demo's people would."""
    from scheduler.extensions import db
    from scheduler.models import AccountRole, Site, User
    from scheduler.services import rota_workflow
    from scheduler.services.rota_lookup import latest_rota, planned_with
    from scheduler.services.solving import run_solve

    def first_account(role: AccountRole) -> User:
        return db.session.scalars(
            db.select(User).where(User.role == role).order_by(User.id).limit(1)
        ).one()

    supervisor = first_account(AccountRole.SUPERVISOR)
    pharmacist = first_account(AccountRole.PHARMACIST_IN_CHARGE)
    lines, done = [], set()
    for site in db.session.scalars(db.select(Site).order_by(Site.id)).all():
        if site.id in done:
            continue
        run_solve(site, monday, time_limit=seconds)
        for each in planned_with(site):
            done.add(each.id)
            rota = latest_rota(each.id, monday)
            if rota is None or not rota.assignments:
                lines.append(f"{each.name}: no rota for the week of {monday}; nothing published.")
                continue
            rota_workflow.submit_for_approval(rota)
            rota_workflow.approve(rota, pharmacist)
            rota_workflow.publish(rota, supervisor)
            lines.append(
                f"{each.name}: published version {rota.version} of the week of {monday} "
                f"({len(rota.assignments)} assignments, {rota.solve_status})."
            )
    return lines


def build_plan(
    monday: date, password: str, supervisors: list[str], technicians: list[str], generators: int
) -> Plan:
    """The plan: every stored rota for readers, and one distinct (site, week) per generator.

    Generator ``i`` solves week ``monday + (i + 1)`` weeks at the sites in turn, so no
    two generators ever ask for the same site's week.
    """
    from scheduler.extensions import db
    from scheduler.models import Rota, Site

    plan = Plan(
        monday=monday.isoformat(),
        password=password,
        supervisors=supervisors,
        technicians=technicians,
    )
    for rota in db.session.scalars(db.select(Rota).order_by(Rota.week_start, Rota.site_id)):
        people = sorted({a.staff_id for a in rota.assignments})
        plan.rotas.append(
            RotaToRead(
                site_id=rota.site_id,
                site=rota.site.name,
                week=rota.week_start.isoformat(),
                rota_id=rota.id,
                version=rota.version,
                staff_ids=people,
            )
        )
    sites = db.session.scalars(db.select(Site).order_by(Site.id)).all()
    for i in range(generators):
        site = sites[i % len(sites)]
        week = monday + timedelta(weeks=i + 1)
        plan.solve_weeks.append(WeekToSolve(site.id, site.name, week.isoformat()))
    return plan


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line: where to write the plan and how many accounts to make."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, required=True, help="Where to write the JSON plan.")
    parser.add_argument("--password", required=True, help="Password of every load-test account.")
    parser.add_argument(
        "--supervisors",
        type=int,
        default=55,
        help="Supervisor accounts to create (readers and generators).",
    )
    parser.add_argument(
        "--technicians",
        type=int,
        default=None,
        help="Technician accounts to create (default: one per technician).",
    )
    parser.add_argument(
        "--generators", type=int, default=5, help="Generating supervisors: one week to solve each."
    )
    parser.add_argument(
        "--solve-seconds",
        type=float,
        default=8.0,
        help="Time limit for solving and publishing this week (0: skip).",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Create the accounts, publish this week, write the plan; print what was done."""
    from scheduler import create_app
    from scheduler.dates import monday_of

    args = parse_args(argv)
    app = create_app()
    with app.app_context():
        supervisors, technicians = create_accounts(
            args.password, args.supervisors, args.technicians
        )
        print(f"Created {len(supervisors)} supervisor and {len(technicians)} technician accounts.")
        monday = monday_of(date.today())
        if args.solve_seconds > 0:
            for line in publish_week(monday, args.solve_seconds):
                print(line)
        plan = build_plan(monday, args.password, supervisors, technicians, args.generators)
    args.plan.write_text(json.dumps(asdict(plan), indent=1))
    print(
        f"Plan: {len(plan.rotas)} rota versions to read, "
        f"{len(plan.solve_weeks)} weeks to solve; written to {args.plan}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
