"""Where a page's time goes, one request at a time: SQL statements, SQL time, template time.

    python scripts/loadtest/profile_pages.py --plan PLAN.json [--repeat 5]

Runs in one process against ``DATABASE_URL`` (the load test's database, after
prepare.py), with the app's own test client, so nothing else competes for the CPU.
For each page kind the load test opens it prints the median time of ``--repeat``
requests, the SQL statements one request issues and their time, how many of those
statements the template issued while rendering (lazy loads), and the render time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import before_render_template, template_rendered


@dataclass
class Counters:
    """What one request did: statements, their seconds, and the template's share."""

    statements: int = 0
    sql_seconds: float = 0.0
    render_statements: int = 0
    render_seconds: float = 0.0
    render_started: float | None = None
    started: list[float] = field(default_factory=list)

    def reset(self) -> None:
        """Start counting a new request."""
        self.statements = self.render_statements = 0
        self.sql_seconds = self.render_seconds = 0.0
        self.render_started = None
        self.started.clear()


@dataclass(frozen=True)
class Measure:
    """One page kind's figures."""

    name: str
    path: str
    median_ms: float
    statements: int
    sql_ms: float
    render_statements: int
    render_ms: float
    kilobytes: float


def attach(app, counters: Counters) -> None:
    """Count SQL statements and template rendering of the app's requests into ``counters``."""
    from sqlalchemy import event

    from scheduler.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def before(*_args) -> None:
        counters.started.append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def after(*_args) -> None:
        counters.sql_seconds += time.perf_counter() - counters.started.pop()
        counters.statements += 1
        if counters.render_started is not None:
            counters.render_statements += 1

    def render_begins(_sender, **_extra) -> None:
        counters.render_started = time.perf_counter()

    def render_ends(_sender, **_extra) -> None:
        if counters.render_started is not None:
            counters.render_seconds += time.perf_counter() - counters.render_started
            counters.render_started = None

    before_render_template.connect(render_begins, app, weak=False)
    template_rendered.connect(render_ends, app, weak=False)


def measure(client, counters: Counters, name: str, path: str, repeat: int) -> Measure:
    """Request a page ``repeat`` times after a warm-up: the median time, one request's counts."""
    client.get(path)
    times = []
    size = 0
    for _ in range(repeat):
        counters.reset()
        began = time.perf_counter()
        answer = client.get(path)
        times.append(time.perf_counter() - began)
        if answer.status_code != 200:
            raise RuntimeError(f"{path} answered HTTP {answer.status_code}")
        size = len(answer.get_data())
    return Measure(
        name=name,
        path=path,
        median_ms=statistics.median(times) * 1000,
        statements=counters.statements,
        sql_ms=counters.sql_seconds * 1000,
        render_statements=counters.render_statements,
        render_ms=counters.render_seconds * 1000,
        kilobytes=size / 1024,
    )


def sign_in(client, email: str, password: str) -> None:
    """Sign the test client in (CSRF checks are off in this process)."""
    answer = client.post("/auth/login", data={"email": email, "password": password})
    if answer.status_code != 302:
        raise RuntimeError(f"could not sign in as {email} (HTTP {answer.status_code})")


def pages_of(plan: dict) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The pages a supervisor reader and a technician reader open, by kind."""
    supervisor = []
    for rota in plan["rotas"]:
        label = f"{rota['site']}, {rota['week']}"
        supervisor += [
            (f"rota page ({label})", f"/rotas/{rota['site_id']}/{rota['week']}"),
            (f"print page ({label})", f"/print/rota/{rota['rota_id']}"),
            (
                f"person sheet ({label})",
                f"/print/rota/{rota['rota_id']}/person/{rota['staff_ids'][0]}",
            ),
        ]
    supervisor.append(("sites and weeks", "/"))
    technician = [
        ("me page", "/me/"),
        ("me: wishes", "/me/wishes"),
        ("me: CE log", "/me/ce"),
        ("me: calendar", "/calendar/"),
    ]
    return supervisor, technician


def table(measures: list[Measure]) -> list[str]:
    """The figures as aligned text."""
    header = ["page", "median", "SQL statements", "SQL", "of which in template", "render", "size"]
    rows = [
        [
            m.name,
            f"{m.median_ms:.0f} ms",
            str(m.statements),
            f"{m.sql_ms:.0f} ms",
            str(m.render_statements),
            f"{m.render_ms:.0f} ms",
            f"{m.kilobytes:.0f} KB",
        ]
        for m in measures
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(
            [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
        )
        for r in [header, *rows]
    ]


def main(argv: list[str] | None = None) -> int:
    """Profile every page kind of the plan and print the table."""
    from scheduler import create_app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, required=True, help="The plan prepare.py wrote.")
    parser.add_argument("--repeat", type=int, default=5, help="Requests per page (median).")
    args = parser.parse_args(argv)
    plan = json.loads(args.plan.read_text(encoding="utf-8"))
    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    counters = Counters()
    attach(app, counters)
    supervisor_pages, technician_pages = pages_of(plan)
    measures = []
    for email, pages in (
        (plan["supervisors"][0], supervisor_pages),
        (plan["technicians"][0] if plan["technicians"] else None, technician_pages),
    ):
        if email is None:
            continue
        client = app.test_client()
        sign_in(client, email, plan["password"])
        measures += [measure(client, counters, name, path, args.repeat) for name, path in pages]
    for line in table(measures):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
