"""The load-test script against the real app: accounts and plan, and what its users read from pages.

``scripts/loadtest`` is not a package; its modules are loaded from their files. The
locustfile itself is not imported (locust patches the standard library on import);
what it reads from pages lives in ``browse.py`` and is checked here against pages
the app renders with CSRF protection on.
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import pytest

from scheduler.extensions import db
from scheduler.models import SolveRun, SolveStatus, Staff, User

from .conftest import MONDAY

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts" / "loadtest"
WEEK = MONDAY.isoformat()


def load(name: str) -> ModuleType:
    """A module of scripts/loadtest loaded from its file."""
    spec = importlib.util.spec_from_file_location(f"loadtest_{name}", SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def browse() -> ModuleType:
    """The page-reading helpers of the load test's simulated users."""
    return load("browse")


@pytest.fixture
def csrf_on(app):
    """CSRF protection on, as in production, so the script's token reading is exercised."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def test_prepare_makes_one_account_per_user_and_a_plan(tiny_site, make_rota, make_user):
    prepare = load("prepare")
    ann = db.session.scalar(db.select(Staff).where(Staff.name == "Ann"))
    make_user("technician", email="ann@example.org", staff=ann)  # Ann already has an account
    rota = make_rota(
        tiny_site, rows=[(ann, MONDAY, tiny_site.shift_types[0], tiny_site.stations[0])]
    )
    db.session.commit()

    supervisors, technicians = prepare.create_accounts("load-pass-1", 3, None)
    plan = prepare.build_plan(MONDAY, "load-pass-1", supervisors, technicians, generators=2)

    assert len(set(supervisors)) == 3
    linked = {
        u.email: u.staff.name for u in db.session.scalars(db.select(User)) if u.email in technicians
    }
    assert sorted(linked.values()) == ["Ben", "Cat", "Dov"]  # no pharmacist, Ann kept hers
    for email in supervisors + technicians:
        user = db.session.scalar(db.select(User).where(User.email == email))
        assert user.check_password("load-pass-1")
    assert [(r.rota_id, r.staff_ids) for r in plan.rotas] == [(rota.id, [ann.id])]
    weeks = [(w.site_id, w.week) for w in plan.solve_weeks]
    assert weeks == [
        (tiny_site.id, (MONDAY + timedelta(weeks=1)).isoformat()),
        (tiny_site.id, (MONDAY + timedelta(weeks=2)).isoformat()),
    ]


def test_prepare_refuses_a_password_the_app_would_refuse(app):
    prepare = load("prepare")
    with pytest.raises(Exception, match="at least 10 characters"):
        prepare.create_accounts("short", 1, None)


def test_the_sign_in_token_read_from_the_page_signs_in(client, csrf_on, make_user, browse):
    make_user("supervisor", email="reader@example.org")
    db.session.commit()
    token = browse.csrf_token(client.get("/auth/login").get_data(as_text=True))
    assert token

    refused = client.post(
        "/auth/login", data={"email": "reader@example.org", "password": "password-1"}
    )
    signed_in = client.post(
        "/auth/login",
        data={"csrf_token": token, "email": "reader@example.org", "password": "password-1"},
    )

    assert refused.status_code != 302
    assert signed_in.status_code == 302


def test_a_solve_posted_like_a_generator_leads_to_its_run(app, client, login, tiny_site, browse):
    app.config["SOLVE_JOBS_SYNC"] = True
    login("supervisor")
    app.config["WTF_CSRF_ENABLED"] = True  # after signing in: the fixture posts no token
    empty = browse.week_page(tiny_site.id, WEEK, "own week")
    html = client.get(empty.path).get_data(as_text=True)
    assert browse.rota_page(tiny_site.id, WEEK).marker not in html  # no rota yet

    answer = client.post(
        f"/rotas/{tiny_site.id}/{WEEK}/solve",
        data={"csrf_token": browse.csrf_token(html), "time_limit": "2", "generate": "Generate"},
    )

    run_id = browse.run_id(answer.location)
    run = db.session.get(SolveRun, run_id)
    assert run is not None
    assert run.site_id == tiny_site.id
    assert browse.ALREADY_RUNNING not in client.get(answer.location).get_data(as_text=True)
    week = client.get(browse.rota_page(tiny_site.id, WEEK).path).get_data(as_text=True)
    assert browse.rota_page(tiny_site.id, WEEK).marker in week


def test_a_refused_solve_is_recognised_on_the_week_page(app, client, login, tiny_site, browse):
    app.config["SOLVE_JOBS_SYNC"] = True
    busy = SolveRun(site=tiny_site, week_start=MONDAY, time_limit=3, status=SolveStatus.RUNNING)
    db.session.add(busy)
    db.session.commit()
    login("supervisor")
    app.config["WTF_CSRF_ENABLED"] = True
    html = client.get(f"/rotas/{tiny_site.id}/{WEEK}").get_data(as_text=True)

    answer = client.post(
        f"/rotas/{tiny_site.id}/{WEEK}/solve",
        data={"csrf_token": browse.csrf_token(html), "time_limit": "2", "generate": "Generate"},
    )

    assert browse.run_id(answer.location) == busy.id
    page = client.get(answer.location).get_data(as_text=True)
    assert browse.ALREADY_RUNNING in page


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/rotas/1/2026-03-02?run=17", 17),
        ("http://127.0.0.1:8000/rotas/3/2026-03-02?run=4", 4),
        ("/rotas/1/2026-03-02?version=2&run=5", 5),
        ("/rotas/1/2026-03-02", None),
        ("/rotas/1/2026-03-02?version=2", None),
        ("/rotas/1/2026-03-02?rerun=2", None),
        ("/rotas/runs/17", None),
        ("", None),
    ],
)
def test_run_id_is_read_only_from_a_week_page_following_a_run(browse, location, expected):
    assert browse.run_id(location) == expected


# ----- the summary of locust's CSV files ---------------------------------------------------------

STATS_HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


def stats_line(kind: str, name: str, count: int, fails: int, p50: int, p95: int, top: int) -> str:
    """One row of locust's _stats.csv with the fields the summary reads filled in."""
    return (
        f"{kind},{name},{count},{fails},{p50},{p50},1,{top},1000,1.0,0.0,"
        f"{p50},{p50},{p50},{p50},{p95},{p95},{top},{top},{top},{top},{top}"
    )


@pytest.fixture
def locust_csv(tmp_path):
    """Write locust-style CSV files under a prefix; returns the writer."""

    def write(*lines: str, failures: str | None = None) -> str:
        prefix = tmp_path / "run"
        rows = [STATS_HEADER, *lines, stats_line("", "Aggregated", 1, 0, 1, 1, 1)]
        Path(f"{prefix}_stats.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        header = "Method,Name,Error,Occurrences,First Seen,Last Seen\n"
        Path(f"{prefix}_failures.csv").write_text(header + (failures or ""), encoding="utf-8")
        return str(prefix)

    return write


def test_summary_meets_the_targets_without_errors_and_fast_rota_pages(locust_csv, capsys):
    summary = load("summary")
    prefix = locust_csv(
        stats_line("GET", "rota page", 600, 0, 90, 240, 410),
        stats_line("GET", "me page", 300, 0, 40, 80, 120),
        stats_line("SOLVE", "solve: queued to finished", 12, 0, 11000, 19000, 21000),
    )

    status = summary.main([prefix, "--seconds", "60"])

    out = capsys.readouterr().out
    assert status == 0
    assert "Rota pages p95: 240 ms against a target of 300 ms: met" in out
    assert "Errors: 0 against a target of 0: met" in out
    rota_line = next(line for line in out.splitlines() if line.startswith("rota page"))
    assert rota_line.split() == [
        "rota",
        "page",
        "600",
        "10.0",
        "90",
        "ms",
        "240",
        "ms",
        "410",
        "ms",
        "0",
    ]
    total = next(line for line in out.splitlines() if line.startswith("all page requests"))
    assert total.split()[3:5] == ["900", "15.0"]
    solve_line = next(line for line in out.splitlines() if line.startswith("solve: queued"))
    assert solve_line.split()[4:] == ["12", "11.0", "s", "19.0", "s", "21.0", "s", "0"]


def test_summary_fails_slow_rota_pages_and_lists_errors(locust_csv, capsys):
    summary = load("summary")
    prefix = locust_csv(
        stats_line("GET", "rota page", 100, 0, 200, 350, 900),
        stats_line("GET", "progress", 50, 2, 10, 20, 30),
        failures="GET,progress,HTTP 500,2,,\n",
    )

    status = summary.main([prefix, "--seconds", "60"])

    out = capsys.readouterr().out
    assert status == 1
    assert "Rota pages p95: 350 ms against a target of 300 ms: NOT MET" in out
    assert "Errors: 2 against a target of 0: NOT MET" in out
    assert "2 x GET progress: HTTP 500" in out


def test_summary_without_rota_pages_is_not_a_pass(locust_csv, capsys):
    summary = load("summary")
    status = summary.main(
        [locust_csv(stats_line("GET", "me page", 5, 0, 10, 20, 30)), "--seconds", "10"]
    )
    assert status == 1
    assert "not measured" in capsys.readouterr().out


def test_summary_says_when_locust_wrote_nothing(tmp_path, capsys):
    summary = load("summary")
    assert summary.main([str(tmp_path / "missing"), "--seconds", "60"]) == 2
    assert "No locust statistics" in capsys.readouterr().err


def test_summary_prints_markdown_for_the_readme(locust_csv, capsys):
    summary = load("summary")
    summary.main(
        [
            locust_csv(stats_line("GET", "rota page", 60, 0, 90, 240, 410)),
            "--seconds",
            "60",
            "--markdown",
        ]
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "| request kind | requests | req/s | p50 | p95 | max | errors |"
    assert lines[2] == "| rota page | 60 | 1.0 | 90 ms | 240 ms | 410 ms | 0 |"
