"""The solve-job runner on its default backend (a thread of the web process).

Progress, stop (directly and through the run's flag, as from another process),
one solve per week (in the database too), dead runs failed with a reason, and a
solve whose inputs changed while it ran.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from scheduler import jobs
from scheduler.extensions import db
from scheduler.models import Leave, LeaveKind, Rota, SolveRun, SolveStatus, Staff, utcnow
from scheduler.services import solve_runs, solving

from .conftest import MONDAY

WEEK = MONDAY.isoformat()
STALE = "Staff, cover, leave or requests changed while this rota was being built"


@pytest.fixture(autouse=True)
def thread_backend(app):
    """Solves run in threads of this process (whatever REDIS_URL says), beating every 0.2 s."""
    app.config.update(REDIS_URL="", SOLVE_HEARTBEAT_SECONDS=0.2, SOLVE_STOP_POLL=0.1)
    return app


def poll(client, run_id: int, until, timeout: float = 30.0, explain=lambda: "") -> dict:
    """Read the run's JSON about every 0.1 s until a condition holds (or fail after a timeout).

    ``explain`` adds to the failure message (a worker's log, say).
    """
    deadline = time.monotonic() + timeout
    data: dict = {}
    while time.monotonic() < deadline:
        data = client.get(f"/rotas/runs/{run_id}.json").get_json()
        if until(data):
            return data
        time.sleep(0.1)
    pytest.fail(f"run {run_id} did not reach the expected state: {data}\n{explain()}")


def wait_for(condition, timeout: float = 15.0, what: str = "the condition") -> None:
    """Check a condition about every 0.05 s until it holds (or fail after a timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def fresh_run(run_id: int) -> SolveRun:
    """A run's row as it is in the database now."""
    return db.session.get(SolveRun, run_id, populate_existing=True)


def post_solve(client, site, seconds: int = 3):
    """Press "Generate" for the test week; return the response."""
    return client.post(
        f"/rotas/{site.id}/{WEEK}/solve", data={"time_limit": seconds, "generate": "y"}
    )


def run_id_of(response) -> int:
    """The run id from the redirect to the week page that follows it (``?run=``)."""
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(parse_qs(urlsplit(response.location).query)["run"][0])


@pytest.fixture
def held_solve(monkeypatch):
    """Make the engine wait until stopped (or 20 s) before solving, so a run stays 'running'."""
    real = solving.sv.solve
    started = threading.Event()

    def waiting(problem, *, stop=None, on_progress=None, **kwargs):
        started.set()
        if stop is not None:
            stop.wait(20)
        return real(problem, time_limit=1, on_progress=on_progress, stop=None)

    monkeypatch.setattr(solving.sv, "solve", waiting)
    return started


def test_generate_runs_in_a_background_thread_and_stores_a_rota(client, login, tiny_site):
    login("supervisor")
    run_id = run_id_of(post_solve(client, tiny_site))
    data = poll(client, run_id, lambda d: d["finished"])
    assert jobs.wait(run_id, 10)
    assert data["status"] == "done"
    assert data["percent"] == 100
    assert data["rota_version"] == 1
    assert data["inputs_changed"] is False
    assert data["worker"].startswith("web process")
    db.session.expire_all()
    rota = db.session.scalar(db.select(Rota))
    assert rota.assignments
    run = db.session.get(SolveRun, run_id)
    assert run.rota_id == rota.id
    assert run.heartbeat_at is not None
    assert run.inputs_digest
    html = client.get(f"/rotas/runs/{run_id}").get_data(as_text=True)
    assert "See version 1" in html
    assert STALE not in html
    assert STALE not in client.get(f"/rotas/{tiny_site.id}/{WEEK}").get_data(as_text=True)


def test_a_running_solve_reports_progress_refuses_a_second_and_stops(
    client, login, tiny_site, held_solve
):
    login("supervisor")
    run_id = run_id_of(post_solve(client, tiny_site, 30))
    assert held_solve.wait(10)
    data = client.get(f"/rotas/runs/{run_id}.json").get_json()
    assert data["status"] == "running"
    assert data["finished"] is False
    assert data["time_limit"] == 30
    assert 0 <= data["percent"] < 100
    html = client.get(f"/rotas/runs/{run_id}").get_data(as_text=True)
    assert "Stop and keep the best rota" in html
    assert 'http-equiv="refresh"' in html  # the no-script fallback
    assert 'aria-live="polite"' in html

    second = client.post(
        f"/rotas/{tiny_site.id}/{WEEK}/solve",
        data={"time_limit": 3, "generate": "y"},
        follow_redirects=True,
    )
    assert "already running" in second.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(SolveRun.id))) == 1
    week = client.get(f"/rotas/{tiny_site.id}/{WEEK}").get_data(as_text=True)
    assert f'data-progress-url="/rotas/runs/{run_id}.json"' in week  # the week shows it live
    assert "Stop and keep the best rota" in week

    stopped = client.post(f"/rotas/runs/{run_id}/stop", follow_redirects=True)
    assert "best rota found so far will be kept" in stopped.get_data(as_text=True)
    data = poll(client, run_id, lambda d: d["finished"])
    assert jobs.wait(run_id, 10)
    assert data["status"] == "stopped"
    assert data["rota_version"] == 1  # the best rota found was kept


def test_a_stop_through_the_runs_flag_alone_ends_the_solve(client, login, tiny_site, held_solve):
    """The way a stop reaches a solve in another process: only the row's flag is set."""
    login("supervisor")
    run_id = run_id_of(post_solve(client, tiny_site, 30))
    assert held_solve.wait(10)
    assert solve_runs.request_stop(run_id) is True  # no event of this process is touched
    data = poll(client, run_id, lambda d: d["finished"] or d["note"], timeout=10)
    if not data["finished"]:
        assert data["note"] == "Stopping: the best rota found so far will be kept."
    data = poll(client, run_id, lambda d: d["finished"], timeout=10)
    assert jobs.wait(run_id, 10)
    assert data["status"] == "stopped"
    assert data["rota_version"] == 1


def test_a_running_solve_keeps_its_heartbeat_fresh(app, tiny_site, held_solve):
    run_id = jobs.start_solve(tiny_site.id, MONDAY, 30)
    assert held_solve.wait(10)
    first = fresh_run(run_id).heartbeat_at
    assert first is not None
    wait_for(lambda: fresh_run(run_id).heartbeat_at > first, what="a newer heartbeat")
    assert jobs.stop(run_id)
    assert jobs.wait(run_id, 15)
    assert fresh_run(run_id).status is SolveStatus.STOPPED


def test_a_failing_solve_is_marked_failed_with_the_reason(client, login, tiny_site, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(solving.sv, "solve", broken)
    login("supervisor")
    run_id = run_id_of(post_solve(client, tiny_site))
    data = poll(client, run_id, lambda d: d["finished"])
    assert jobs.wait(run_id, 10)
    assert data["status"] == "failed"
    assert "solver exploded" in data["message"]
    html = client.get(f"/rotas/runs/{run_id}").get_data(as_text=True)
    assert "solver exploded" in html
    assert "Back to the week" in html
    week = client.get(f"/rotas/{tiny_site.id}/{WEEK}?run={run_id}").get_data(as_text=True)
    assert f"Solve {run_id} ended without a rota. RuntimeError: solver exploded" in week


def test_a_run_whose_heartbeat_went_stale_is_failed_and_the_week_can_be_solved_again(
    client, login, tiny_site
):
    app = client.application
    app.config["SOLVE_HEARTBEAT_TIMEOUT"] = 30
    silent_since = utcnow() - timedelta(seconds=20)
    orphan = SolveRun(
        site=tiny_site,
        week_start=MONDAY,
        time_limit=60,
        status=SolveStatus.RUNNING,
        started_at=silent_since,
        heartbeat_at=silent_since,
        worker="a worker that was killed",
    )
    db.session.add(orphan)
    db.session.commit()
    login("supervisor")

    # 20 s of silence is within the 30 s bound: the run still counts as alive
    refused = client.post(
        f"/rotas/{tiny_site.id}/{WEEK}/solve",
        data={"time_limit": 3, "generate": "y"},
        follow_redirects=True,
    )
    assert "already running" in refused.get_data(as_text=True)
    assert client.get(f"/rotas/runs/{orphan.id}.json").get_json()["status"] == "running"

    app.config["SOLVE_HEARTBEAT_TIMEOUT"] = 10  # now it is past the bound
    data = client.get(f"/rotas/runs/{orphan.id}.json").get_json()
    assert data["status"] == "failed"
    assert data["finished"] is True
    clock = silent_since.astimezone(ZoneInfo(tiny_site.timezone)).strftime("%H:%M")
    assert data["message"] == (
        f"The solve stopped unexpectedly (its worker stopped responding at {clock}); "
        "start it again."
    )
    assert "data-progress-url" not in client.get(f"/rotas/{tiny_site.id}/{WEEK}").get_data(
        as_text=True
    )

    run_id = run_id_of(post_solve(client, tiny_site))
    assert run_id != orphan.id
    assert poll(client, run_id, lambda d: d["finished"])["status"] == "done"
    assert jobs.wait(run_id, 10)


def test_a_dead_run_is_failed_when_the_next_solve_starts(app, tiny_site):
    stale = utcnow() - timedelta(minutes=5)
    orphan = SolveRun(
        site=tiny_site,
        week_start=MONDAY,
        time_limit=60,
        status=SolveStatus.RUNNING,
        started_at=stale,
        heartbeat_at=stale,
    )
    db.session.add(orphan)
    db.session.commit()
    app.config["SOLVE_JOBS_SYNC"] = True
    run_id = jobs.start_solve(tiny_site.id, MONDAY, 3)
    assert fresh_run(orphan.id).status is SolveStatus.FAILED
    assert "stopped unexpectedly" in fresh_run(orphan.id).message
    assert fresh_run(run_id).status is SolveStatus.DONE


def test_a_queued_run_shows_it_waits_for_a_worker_then_fails_when_none_takes_it(
    client, login, tiny_site
):
    app = client.application
    queued = SolveRun(site=tiny_site, week_start=MONDAY, time_limit=5, status=SolveStatus.QUEUED)
    db.session.add(queued)
    db.session.commit()
    login("supervisor")
    html = client.get(f"/rotas/runs/{queued.id}").get_data(as_text=True)
    assert "Waiting for a worker to start this solve." in html
    assert client.get(f"/rotas/runs/{queued.id}.json").get_json()["note"] == (
        "Waiting for a worker to start this solve."
    )
    week = client.get(f"/rotas/{tiny_site.id}/{WEEK}").get_data(as_text=True)
    assert "Waiting for a worker to start this solve." in week

    db.session.execute(
        update(SolveRun)
        .where(SolveRun.id == queued.id)
        .values(created_at=utcnow() - timedelta(minutes=11))
    )
    db.session.commit()
    app.config["SOLVE_QUEUE_TIMEOUT"] = 600
    data = client.get(f"/rotas/runs/{queued.id}.json").get_json()
    assert data["status"] == "failed"
    assert data["message"].startswith("No solve worker took this run within 10 minutes")
    assert "start a worker" in data["message"]
    jobs.execute(queued.id, "a late worker")  # a worker that turns up late leaves it alone
    assert fresh_run(queued.id).status is SolveStatus.FAILED
    assert db.session.scalar(db.select(db.func.count(Rota.id))) == 0


def test_a_queued_run_stops_at_once_and_no_worker_solves_it_later(app, tiny_site):
    run = solve_runs.open_run(tiny_site, MONDAY, 5)
    assert run.status is SolveStatus.QUEUED
    assert jobs.stop(run.id) is True
    stopped = fresh_run(run.id)
    assert stopped.status is SolveStatus.STOPPED
    assert stopped.message == "Stopped before it started; no rota was made."
    jobs.execute(run.id, "a worker")
    assert fresh_run(run.id).worker is None
    assert db.session.scalar(db.select(db.func.count(Rota.id))) == 0
    assert jobs.stop(run.id) is False


def test_the_database_refuses_a_second_active_run_of_a_week(app, tiny_site):
    def add(status: SolveStatus, week=MONDAY) -> None:
        db.session.add(SolveRun(site=tiny_site, week_start=week, time_limit=5, status=status))
        db.session.commit()

    add(SolveStatus.DONE)
    add(SolveStatus.FAILED)
    add(SolveStatus.RUNNING)
    add(SolveStatus.QUEUED, week=MONDAY + timedelta(days=7))  # another week is fine
    with pytest.raises(IntegrityError):
        add(SolveStatus.QUEUED)
    db.session.rollback()
    with pytest.raises(IntegrityError):
        add(SolveStatus.RUNNING)
    db.session.rollback()


def test_a_start_that_loses_the_race_to_another_process_is_refused(app, tiny_site):
    """Another web process inserted its run a moment ago, unseen by this session."""
    with db.engine.begin() as other_process:
        other_process.execute(
            insert(SolveRun).values(
                site_id=tiny_site.id,
                week_start=MONDAY,
                time_limit=5,
                status=SolveStatus.QUEUED,
                created_at=utcnow(),
            )
        )
    with pytest.raises(jobs.SolveBusy) as refused:
        jobs.start_solve(tiny_site.id, MONDAY, 3)
    assert refused.value.run.status is SolveStatus.QUEUED
    assert db.session.scalar(db.select(db.func.count(SolveRun.id))) == 1


def test_a_run_failed_as_dead_while_it_solves_stores_nothing(app, tiny_site, held_solve):
    run_id = jobs.start_solve(tiny_site.id, MONDAY, 30)
    assert held_solve.wait(10)
    assert solve_runs.end_run(run_id, SolveStatus.FAILED, "declared dead by another process")
    assert jobs.wait(run_id, 15)
    run = fresh_run(run_id)
    assert run.status is SolveStatus.FAILED
    assert run.message == "declared dead by another process"
    assert db.session.scalar(db.select(db.func.count(Rota.id))) == 0


def test_a_solve_whose_inputs_changed_meanwhile_says_so(client, login, tiny_site, monkeypatch):
    real = solving.sv.solve
    ann = db.session.scalar(db.select(Staff).where(Staff.name == "Ann"))

    def leave_booked_during_the_solve(problem, **kwargs):
        with db.engine.begin() as other_user:
            other_user.execute(
                insert(Leave).values(
                    staff_id=ann.id,
                    start_date=MONDAY,
                    end_date=MONDAY,
                    kind=LeaveKind.ANNUAL,
                    approved=True,
                    note="",
                )
            )
        return real(problem, **kwargs)

    monkeypatch.setattr(solving.sv, "solve", leave_booked_during_the_solve)
    client.application.config["SOLVE_JOBS_SYNC"] = True
    login("supervisor")
    run_id = run_id_of(post_solve(client, tiny_site))
    data = client.get(f"/rotas/runs/{run_id}.json").get_json()
    assert data["status"] == "done"
    assert data["inputs_changed"] is True
    assert data["message"].endswith(
        "Staff, cover, leave or requests changed while this rota was being built; "
        "generate again to include them."
    )
    assert STALE in client.get(f"/rotas/runs/{run_id}").get_data(as_text=True)
    week = client.get(f"/rotas/{tiny_site.id}/{WEEK}?version=1").get_data(as_text=True)
    assert STALE in week

    monkeypatch.setattr(solving.sv, "solve", real)  # nothing changes this time
    again = run_id_of(post_solve(client, tiny_site))
    assert fresh_run(again).inputs_changed is False
    assert STALE not in client.get(f"/rotas/{tiny_site.id}/{WEEK}?version=2").get_data(as_text=True)


def test_stop_of_a_run_that_is_not_running_says_so(client, login, tiny_site, app):
    app.config["SOLVE_JOBS_SYNC"] = True
    run_id = jobs.start_solve(tiny_site.id, MONDAY, 3)
    assert jobs.stop(run_id) is False
    login("supervisor")
    page = client.post(f"/rotas/runs/{run_id}/stop", follow_redirects=True)
    assert "not running any more" in page.get_data(as_text=True)


def test_the_command_line_solve_is_refused_while_the_web_solves_that_week(app, runner, tiny_site):
    busy = solve_runs.open_run(tiny_site, MONDAY, 5)
    result = runner.invoke(
        args=["solve-week", "--site", "Tiny Pharmacy", "--week", WEEK, "--time-limit", "2"]
    )
    assert result.exit_code == 1
    assert f"already running (run {busy.id})" in result.output
    assert db.session.scalar(db.select(db.func.count(SolveRun.id))) == 1


def test_progress_is_for_managers_only(client, login, tiny_site, app, make_staff):
    app.config["SOLVE_JOBS_SYNC"] = True
    run_id = jobs.start_solve(tiny_site.id, MONDAY, 3)
    login("technician", staff=make_staff(tiny_site, "Tess"))
    assert client.get(f"/rotas/runs/{run_id}.json").status_code == 403
    assert client.get(f"/rotas/runs/{run_id}").status_code == 403
    assert client.post(f"/rotas/runs/{run_id}/stop").status_code == 403


def test_unknown_kinds_are_refused(app, tiny_site):
    with pytest.raises(ValueError, match="unknown solve kind"):
        jobs.start_solve(tiny_site.id, MONDAY, 3, kind="guess")
