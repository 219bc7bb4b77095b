"""The RQ backend: solves queued in Redis and run by ``flask --app scheduler worker`` processes.

Any number of workers, on any machine that shares the database and Redis, take
runs from the queue (``SOLVE_QUEUE``). A worker runs each solve in its own
process (RQ's ``SimpleWorker``: no fork per job), in a fresh app context, at a
lowered CPU priority. If the worker dies mid-solve the run's heartbeat goes
stale and the next reader fails it with the reason; the queue itself is only a
way to hand a run id to a worker, the run's row holds everything else.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import socket
from dataclasses import dataclass

from flask import Flask
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker, get_current_job

from .. import create_app
from ..extensions import db
from ..models import SolveStatus
from ..services.solve_runs import JobSettings, end_run
from .priority import lower_priority
from .runner import execute

log = logging.getLogger(__name__)

JOB_FUNCTION = "scheduler.jobs.redis_queue.perform"
RESULT_TTL = 3600  # seconds RQ keeps a finished job (the run's row keeps the outcome)
FAILURE_TTL = 7 * 24 * 3600
QUEUE_DOWN = (
    "The solve queue could not be reached ({error}); nothing was solved. Try again in a "
    "minute, or ask whoever runs the scheduler to check Redis."
)


@dataclass
class _Serving:
    """What a worker process knows while it serves the queue: its app and its name."""

    app: Flask
    name: str


_serving: _Serving | None = None


def connect(url: str) -> Redis:
    """A Redis client for a URL that gives up quickly when the server does not answer."""
    return Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10)


def job_timeout(time_limit: float) -> int:
    """How long RQ lets a solve job run: the time limit, the diagnosis of a failed one, margin."""
    return int(3 * time_limit) + 300


def enqueue(run_id: int, time_limit: float, conf: JobSettings) -> None:
    """Put a queued run on the solve queue; when Redis does not answer, fail the run saying so."""
    safe_queue = re.sub(r"[^A-Za-z0-9_-]", "-", conf.queue)
    try:
        with connect(conf.redis_url) as redis:
            Queue(conf.queue, connection=redis).enqueue_call(
                JOB_FUNCTION,
                args=(run_id,),
                timeout=job_timeout(time_limit),
                result_ttl=RESULT_TTL,
                failure_ttl=FAILURE_TTL,
                description=f"solve run {run_id}",
                job_id=f"{safe_queue}-run{run_id}-{secrets.token_hex(4)}",
            )
    except RedisError as exc:
        log.exception("could not queue solve run %s", run_id)
        end_run(run_id, SolveStatus.FAILED, QUEUE_DOWN.format(error=type(exc).__name__))


def perform(run_id: int) -> None:
    """The RQ job: solve one queued run in this worker, in its own app context."""
    if _serving is not None:
        app, name = _serving.app, _serving.name
    else:  # a plain ``rq worker`` was pointed at the queue: it needs an app of its own
        job = get_current_job()
        app, name = create_app(), (job.worker_name if job is not None else "") or "rq worker"
    with app.app_context():
        try:
            execute(run_id, name)
        finally:
            db.session.remove()


def default_name() -> str:
    """A worker name unique among live workers: host and process id."""
    return f"solver-{socket.gethostname()}-{os.getpid()}"


def serve(
    app: Flask,
    conf: JobSettings,
    name: str | None = None,
    burst: bool = False,
    nice: int | None = None,
) -> bool:
    """Run a worker on the solve queue until stopped (or, with ``burst``, until it is empty).

    Raises ``RedisError`` when Redis does not answer. Returns whether any job was run.
    """
    global _serving
    redis = connect(conf.redis_url)
    redis.ping()
    lower_priority(conf.nice if nice is None else nice)
    worker_name = name or default_name()
    worker = SimpleWorker([Queue(conf.queue, connection=redis)], connection=redis, name=worker_name)
    _serving = _Serving(app=app, name=worker_name)
    try:
        return worker.work(burst=burst, logging_level="INFO")
    finally:
        _serving = None
        redis.close()
