"""The solve-job runner: a real background thread, progress, stop, one solve per week, failures."""

from __future__ import annotations

import threading
import time

import pytest

from scheduler import jobs
from scheduler.extensions import db
from scheduler.models import Rota, SolveRun, SolveStatus
from scheduler.services import planning

from .conftest import MONDAY

WEEK = MONDAY.isoformat()


def poll(client, run_id: int, until, timeout: float = 30.0) -> dict:
    """Read the run's JSON about every 0.1 s until a condition holds (or fail after a timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = client.get(f"/rotas/runs/{run_id}.json").get_json()
        if until(data):
            return data
        time.sleep(0.1)
    pytest.fail(f"run {run_id} did not reach the expected state: {data}")


@pytest.fixture
def held_solve(monkeypatch):
    """Make the engine wait until stopped (or 20 s) before solving, so a run stays 'running'."""
    real = planning.sv.solve
    started = threading.Event()

    def waiting(problem, *, stop=None, on_progress=None, **kwargs):
        started.set()
        if stop is not None:
            stop.wait(20)
        return real(problem, time_limit=1, on_progress=on_progress, stop=None)

    monkeypatch.setattr(planning.sv, "solve", waiting)
    return started


def test_generate_runs_in_a_background_thread_and_stores_a_rota(client, login, tiny_site):
    login("supervisor")
    page = client.post(f"/rotas/{tiny_site.id}/{WEEK}/solve",
                       data={"time_limit": 3, "generate": "y"})
    assert page.status_code == 302
    run_id = int(page.location.rsplit("/", 1)[1])
    data = poll(client, run_id, lambda d: d["finished"])
    assert jobs.wait(run_id, 10)
    assert data["status"] == "done"
    assert data["percent"] == 100
    assert data["rota_version"] == 1
    db.session.expire_all()
    rota = db.session.scalar(db.select(Rota))
    assert rota.assignments
    assert db.session.get(SolveRun, run_id).rota_id == rota.id
    html = client.get(f"/rotas/runs/{run_id}").get_data(as_text=True)
    assert "See version 1" in html


def test_a_running_solve_reports_progress_refuses_a_second_and_stops(client, login, tiny_site,
                                                                      held_solve):
    login("supervisor")
    run_id = int(client.post(f"/rotas/{tiny_site.id}/{WEEK}/solve",
                             data={"time_limit": 30, "generate": "y"}).location.rsplit("/", 1)[1])
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

    second = client.post(f"/rotas/{tiny_site.id}/{WEEK}/solve",
                         data={"time_limit": 3, "generate": "y"}, follow_redirects=True)
    assert "already running" in second.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(SolveRun.id))) == 1
    assert "follow its progress" in client.get(f"/rotas/{tiny_site.id}/{WEEK}").get_data(
        as_text=True)

    stopped = client.post(f"/rotas/runs/{run_id}/stop", follow_redirects=True)
    assert "best rota found so far will be kept" in stopped.get_data(as_text=True)
    data = poll(client, run_id, lambda d: d["finished"])
    assert jobs.wait(run_id, 10)
    assert data["status"] == "stopped"
    assert data["rota_version"] == 1  # the best rota found was kept


def test_a_failing_solve_is_marked_failed_with_the_reason(client, login, tiny_site,
                                                          monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(planning.sv, "solve", broken)
    login("supervisor")
    run_id = int(client.post(f"/rotas/{tiny_site.id}/{WEEK}/solve",
                             data={"time_limit": 3, "generate": "y"}).location.rsplit("/", 1)[1])
    data = poll(client, run_id, lambda d: d["finished"])
    assert jobs.wait(run_id, 10)
    assert data["status"] == "failed"
    assert "solver exploded" in data["message"]
    html = client.get(f"/rotas/runs/{run_id}").get_data(as_text=True)
    assert "solver exploded" in html
    assert "Back to the week" in html


def test_a_run_left_running_by_a_dead_process_is_failed_on_the_next_start(app, tiny_site):
    app.config["SOLVE_JOBS_SYNC"] = False
    orphan = SolveRun(site=tiny_site, week_start=MONDAY, time_limit=3,
                      status=SolveStatus.RUNNING)
    db.session.add(orphan)
    db.session.commit()
    app.config["SOLVE_JOBS_SYNC"] = True
    with pytest.raises(jobs.SolveBusy):  # synchronous mode trusts the row
        jobs.start_solve(tiny_site.id, MONDAY, 3)
    app.config["SOLVE_JOBS_SYNC"] = False
    run_id = jobs.start_solve(tiny_site.id, MONDAY, 3)
    assert jobs.wait(run_id, 30)
    db.session.expire_all()
    assert orphan.status is SolveStatus.FAILED
    assert "interrupted" in orphan.message
    assert db.session.get(SolveRun, run_id).status is SolveStatus.DONE


def test_stop_of_a_run_that_is_not_running_says_so(client, login, tiny_site, app):
    app.config["SOLVE_JOBS_SYNC"] = True
    run_id = jobs.start_solve(tiny_site.id, MONDAY, 3)
    assert jobs.stop(run_id) is False
    login("supervisor")
    page = client.post(f"/rotas/runs/{run_id}/stop", follow_redirects=True)
    assert "not running any more" in page.get_data(as_text=True)


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
