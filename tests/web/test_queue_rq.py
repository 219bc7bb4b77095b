"""The RQ backend against a real Redis server, with real ``flask --app scheduler worker`` processes.

Redis is ``redis://127.0.0.1:6379/0`` unless ``TEST_REDIS_URL`` says otherwise; when
it does not answer these tests are skipped, or fail when ``REQUIRE_REDIS`` is set
(CI). Each test uses a queue of its own and deletes its keys afterwards. The
workers are subprocesses on the test's own database (the ``app`` fixture's, SQLite
or PostgreSQL), so what they see is only what the app committed.
"""

from __future__ import annotations

import os
import random
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from redis import Redis
from redis.exceptions import RedisError

from scheduler import jobs, models
from scheduler.bench import pharmacy
from scheduler.extensions import db
from scheduler.models import Site, SolveRun, SolveStatus

from .conftest import MONDAY
from .test_jobs import fresh_run
from .test_jobs import poll as poll_run

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
NEXT_MONDAY = MONDAY + timedelta(days=7)


# ----- Redis, a queue of the test's own, worker processes ----------------------------------


@pytest.fixture
def redis_server():
    """A client of the test Redis server; skip (or fail, with REQUIRE_REDIS) when it is down."""
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except RedisError as exc:
        client.close()
        reason = (
            f"no Redis server answers at {REDIS_URL} ({exc}); start one, or point "
            "TEST_REDIS_URL at one"
        )
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"REQUIRE_REDIS is set but {reason}")
        pytest.skip(reason)
    yield client
    client.close()


@pytest.fixture
def queue_name(redis_server):
    """A queue name of this test alone; every Redis key naming it is deleted afterwards."""
    name = f"solves-test-{secrets.token_hex(4)}"
    yield name
    for key in list(redis_server.scan_iter(match=f"*{name}*", count=500)):
        redis_server.delete(key)
    for registry in ("rq:queues", "rq:workers"):
        stale = [m for m in redis_server.smembers(registry) if name.encode() in m]
        if stale:
            redis_server.srem(registry, *stale)


@pytest.fixture
def queue_app(app, queue_name):
    """The test app sending solves to the test's queue."""
    app.config.update(REDIS_URL=REDIS_URL, SOLVE_QUEUE=queue_name)
    return app


@dataclass
class WorkerProcess:
    """A ``flask --app scheduler worker`` subprocess and where its output goes."""

    name: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        """What the worker printed so far."""
        return self.log.read_text(errors="replace")


def worker_env(app, queue_name: str) -> dict[str, str]:
    """A worker's environment: the test's database and queue, a heartbeat every 0.3 s."""
    return {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": REDIS_URL,
        "SOLVE_QUEUE": queue_name,
        "SOLVE_HEARTBEAT_SECONDS": "0.3",
        "SOLVE_STOP_POLL": "0.2",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def start_workers(queue_app, queue_name, redis_server, tmp_path):
    """Start worker subprocesses on the test's queue and database; all are killed afterwards."""
    started: list[WorkerProcess] = []
    env = worker_env(queue_app, queue_name)

    def start(*labels: str) -> list[WorkerProcess]:
        """Start one worker per label and wait until each has registered with Redis."""
        batch = []
        for label in labels:
            name = f"{queue_name}-{label}"
            log = tmp_path / f"worker-{label}.log"
            with log.open("w") as out:
                process = subprocess.Popen(
                    [sys.executable, "-m", "flask", "--app", "scheduler", "worker", "--name", name],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            batch.append(WorkerProcess(name, process, log))
        started.extend(batch)
        deadline = time.monotonic() + 60
        for worker in batch:
            while not redis_server.exists(f"rq:worker:{worker.name}"):
                if worker.process.poll() is not None:
                    pytest.fail(f"worker {worker.name} exited at start:\n{worker.output()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"worker {worker.name} did not register:\n{worker.output()}")
                time.sleep(0.1)
        return batch

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.process.kill()
        worker.process.wait(30)


# ----- a week that takes a few seconds to solve -------------------------------------------


@pytest.fixture
def busy_hospital(app) -> Site:
    """A 24/7 hospital of 28 staff made by the benchmark's generator, committed for the workers.

    Its first rota comes within a second or two, but proving the best one takes far
    longer than these tests wait, so a solve is reliably still running when a test
    stops it or kills its worker.
    """
    rng = random.Random("queue-tests")
    competencies = pharmacy._competencies(db, models)
    site = pharmacy._hospital(db, models, rng, competencies, "Busy Hospital", 28, 3)
    db.session.flush()
    pharmacy._requests(db, models, rng, [site], 7)
    db.session.commit()
    return site


def poll(client, run_id: int, until, timeout: float, workers=()) -> dict:
    """Poll the run's JSON until a condition holds; on failure show the workers' last output."""
    return poll_run(
        client,
        run_id,
        until,
        timeout,
        explain=lambda: "\n".join(f"--- {w.name}:\n{w.output()[-3000:]}" for w in workers),
    )


def generate(client, site: Site, week, seconds: int) -> int:
    """Press "Generate" for a week; return the new run's id."""
    page = client.post(
        f"/rotas/{site.id}/{week.isoformat()}/solve", data={"time_limit": seconds, "generate": "y"}
    )
    assert page.status_code == 302, page.get_data(as_text=True)
    return int(parse_qs(urlsplit(page.location).query)["run"][0])  # the week page follows it


def running_with_progress(data: dict) -> bool:
    """The run is being solved and has reported progress."""
    return data["status"] == "running" and (data["solutions"] > 0 or data["elapsed"] > 0)


# ----- the tests ---------------------------------------------------------------------------


def test_two_workers_solve_two_weeks_at_once_and_report_progress(
    client, login, busy_hospital, start_workers
):
    workers = start_workers("a", "b")
    login("supervisor")
    first = generate(client, busy_hospital, MONDAY, 8)
    second = generate(client, busy_hospital, NEXT_MONDAY, 8)
    assert fresh_run(first).status in (SolveStatus.QUEUED, SolveStatus.RUNNING)

    seen = poll(client, first, running_with_progress, 60, workers)
    assert 0 <= seen["percent"] < 100
    assert seen["time_limit"] == 8
    page = client.get(f"/rotas/runs/{first}").get_data(as_text=True)
    assert "Stop and keep the best rota" in page

    for run_id in (first, second):
        data = poll(client, run_id, lambda d: d["finished"], 90, workers)
        assert data["status"] == "done", (data["message"], data["note"])
        assert data["rota_version"] == 1
        assert data["percent"] == 100
    runs = [fresh_run(first), fresh_run(second)]
    assert {r.worker for r in runs} == {w.name for w in workers}  # one week each
    for run in runs:
        assert run.rota.assignments, (run.message, run.solutions)
    assert [r.rota.week_start for r in runs] == [MONDAY, NEXT_MONDAY]
    assert all(w.process.poll() is None for w in workers)  # they wait for more


def test_a_stop_reaches_the_worker_through_the_flag(client, login, busy_hospital, start_workers):
    workers = start_workers("a")
    login("supervisor")
    run_id = generate(client, busy_hospital, MONDAY, 120)
    poll(client, run_id, running_with_progress, 60, workers)
    asked = client.post(f"/rotas/runs/{run_id}/stop", follow_redirects=True)
    assert "best rota found so far will be kept" in asked.get_data(as_text=True)
    assert fresh_run(run_id).stop_requested is True

    data = poll(client, run_id, lambda d: d["finished"], 30, workers)
    assert data["status"] == "stopped"
    assert data["rota_version"] == 1  # the best rota found so far was kept
    run = fresh_run(run_id)
    assert run.elapsed < 60  # ended long before its two minutes
    assert run.rota.assignments


def test_a_killed_worker_fails_its_run_and_the_other_worker_solves_the_week_again(
    client, login, busy_hospital, start_workers
):
    client.application.config["SOLVE_HEARTBEAT_TIMEOUT"] = 4.0
    workers = {w.name: w for w in start_workers("a", "b")}
    login("supervisor")
    run_id = generate(client, busy_hospital, MONDAY, 120)
    poll(client, run_id, running_with_progress, 60, workers.values())
    victim = workers.pop(fresh_run(run_id).worker)
    (survivor,) = workers.values()
    killed_at = time.monotonic()
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait(10)

    data = poll(client, run_id, lambda d: d["finished"], 30, [survivor])
    assert time.monotonic() - killed_at < 30
    assert data["status"] == "failed"
    assert data["message"].startswith(
        "The solve stopped unexpectedly (its worker stopped responding at "
    )
    beat = fresh_run(run_id).heartbeat_at.astimezone(ZoneInfo(busy_hospital.timezone))
    assert f"at {beat:%H:%M})" in data["message"]
    page = client.get(f"/rotas/runs/{run_id}").get_data(as_text=True)
    assert "stopped unexpectedly" in page
    assert "Back to the week" in page

    again = generate(client, busy_hospital, MONDAY, 3)
    data = poll(client, again, lambda d: d["finished"], 90, [survivor])
    assert data["status"] == "done", data
    assert data["rota_version"] == 1
    assert fresh_run(again).worker == survivor.name


def test_an_unreachable_queue_fails_the_run_with_the_reason(client, login, app, tiny_site):
    app.config.update(REDIS_URL="redis://127.0.0.1:1/0", SOLVE_QUEUE="solves-unreachable")
    login("supervisor")
    page = client.post(
        f"/rotas/{tiny_site.id}/{MONDAY.isoformat()}/solve",
        data={"time_limit": 3, "generate": "y"},
        follow_redirects=True,
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "The solve queue could not be reached" in html
    assert "nothing was solved" in html
    run = db.session.scalar(db.select(SolveRun))
    assert run.status is SolveStatus.FAILED
    assert jobs.active_run(tiny_site.id, MONDAY) is None  # the week can be solved again


def test_the_worker_command_needs_redis_url(app, runner):
    app.config["REDIS_URL"] = ""
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output


def test_the_worker_command_says_when_redis_does_not_answer(app, runner):
    app.config["REDIS_URL"] = "redis://:secret@127.0.0.1:1/0"
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "Redis at redis://127.0.0.1:1/0 did not answer" in result.output
    assert "secret" not in result.output


def test_a_burst_worker_runs_what_is_queued_then_exits(
    queue_app, queue_name, redis_server, tiny_site
):
    run_id = jobs.start_solve(tiny_site.id, MONDAY, 3)
    assert fresh_run(run_id).status is SolveStatus.QUEUED
    assert redis_server.llen(f"rq:queue:{queue_name}") == 1
    name = f"{queue_name}-burst"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "scheduler",
            "worker",
            "--burst",
            "--name",
            name,
            "--nice",
            "5",
        ],
        cwd=ROOT,
        env=worker_env(queue_app, queue_name),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Solve worker on queue {queue_name!r}" in done.stdout
    run = fresh_run(run_id)
    assert run.status is SolveStatus.DONE, run.message
    assert run.worker == name
    assert run.rota.assignments
    assert redis_server.llen(f"rq:queue:{queue_name}") == 0
