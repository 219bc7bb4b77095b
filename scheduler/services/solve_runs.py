"""The life of a solve run's row, the same whichever process solves it, and the job settings.

A run is inserted ``queued`` (the partial unique index on ``solve_runs`` lets a
site's week have only one queued or running run), claimed by the process that
solves it (``running``, with that worker's name), kept alive by a heartbeat, and
ended ``done``, ``stopped`` or ``failed``. Everything here speaks to the database
only, so a web process, an RQ worker and the command line agree through the row:
a stop is a flag on it, progress is read from it, and a run whose heartbeat has
gone stale is failed by whoever reads it next.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Site, SolveKind, SolveRun, SolveStatus, utcnow
from ..models.sites import zone_of

log = logging.getLogger(__name__)

ACTIVE = (SolveStatus.QUEUED, SolveStatus.RUNNING)

# name -> (default, type); each is read from the app's config, else the environment
DEFAULTS: dict[str, tuple[Any, type]] = {
    "REDIS_URL": ("", str),
    "SOLVE_QUEUE": ("solves", str),
    "SOLVE_HEARTBEAT_SECONDS": (5.0, float),
    "SOLVE_HEARTBEAT_TIMEOUT": (30.0, float),
    "SOLVE_QUEUE_TIMEOUT": (600.0, float),
    "SOLVE_STOP_POLL": (0.5, float),
    "SOLVE_NICE": (10, int),
}

STALE_INPUTS = (
    "Staff, cover, leave or requests changed while this rota was being built; "
    "generate again to include them."
)
WORKER_SHUT_DOWN = "The worker was shut down during this solve; start it again."


@dataclass(frozen=True)
class JobSettings:
    """How solves are run: the queue (if any), the heartbeat, the time a queued run may wait."""

    redis_url: str  # empty: solves run in a thread of the web process
    queue: str  # the RQ queue name
    heartbeat_every: float  # seconds between a running solve's heartbeats
    heartbeat_timeout: float  # a running run silent this long is dead
    queue_timeout: float  # a queued run no worker took within this is failed
    stop_poll: float  # seconds between checks of the stop flag
    nice: int  # how much a solving worker lowers its CPU priority (0 = not at all)
    sync: bool  # tests: the job runs before start_solve returns

    @property
    def uses_queue(self) -> bool:
        """Whether solves go to RQ workers rather than a thread of the web process."""
        return bool(self.redis_url) and not self.sync


def settings(app: Flask | None = None) -> JobSettings:
    """The job settings of an app (the current one by default), from its config or environment."""
    config = (app or current_app).config
    values: dict[str, Any] = {}
    for name, (default, kind) in DEFAULTS.items():
        raw = config[name] if name in config else os.environ.get(name, default)
        try:
            values[name] = kind(raw) if raw not in (None, "") else default
        except ValueError:
            raise ValueError(f"{name} must be a {kind.__name__}, not {raw!r}") from None
    return JobSettings(
        redis_url=values["REDIS_URL"],
        queue=values["SOLVE_QUEUE"],
        heartbeat_every=values["SOLVE_HEARTBEAT_SECONDS"],
        heartbeat_timeout=values["SOLVE_HEARTBEAT_TIMEOUT"],
        queue_timeout=values["SOLVE_QUEUE_TIMEOUT"],
        stop_poll=values["SOLVE_STOP_POLL"],
        nice=values["SOLVE_NICE"],
        sync=bool(config.get("SOLVE_JOBS_SYNC")),
    )


class SolveBusy(Exception):
    """A solve of the same site and week is already queued or running."""

    def __init__(self, run: SolveRun) -> None:
        super().__init__(
            f"A solve of this week is already running (run {run.id}); "
            "wait for it to finish or stop it first."
        )
        self.run = run


class RunEnded(Exception):
    """The run was ended elsewhere (stopped while queued, or failed as dead): nothing to store."""

    def __init__(self, run_id: int, status: str) -> None:
        super().__init__(f"solve run {run_id} is {status}; its result was not stored")
        self.run_id = run_id
        self.status = status


class NoRotaFound(RunEnded):
    """The solve found no rota: the run failed with the reasons and nothing was stored."""

    def __init__(self, run_id: int, message: str, reasons: list[str]) -> None:
        Exception.__init__(self, message)
        self.run_id = run_id
        self.status = "failed"
        self.message = message
        self.reasons = list(reasons)


def process_label(kind: str) -> str:
    """A name for this process in a run's ``worker`` column: what it is, host and pid."""
    return f"{kind} {os.getpid()} on {socket.gethostname()}"


# ----- finding, opening, claiming ---------------------------------------------------------


def active_run(site_id: int, week_start: date) -> SolveRun | None:
    """The queued or running solve of a site's week, if any (a dead one is failed first)."""
    fail_dead_runs(site_id=site_id, week_start=week_start)
    return db.session.scalar(
        select(SolveRun)
        .where(
            SolveRun.site_id == site_id,
            SolveRun.week_start == week_start,
            SolveRun.status.in_(ACTIVE),
        )
        .order_by(SolveRun.id.desc())
        .limit(1)
    )


def open_run(
    site: Site,
    week_start: date,
    time_limit: float,
    kind: SolveKind = SolveKind.FULL,
    reference_rota_id: int | None = None,
    requested_by_id: int | None = None,
    worker: str | None = None,
    keep_before: date | None = None,
) -> SolveRun:
    """Insert a run of a site's week: queued, or already running when a ``worker`` is named.

    Raises :class:`SolveBusy` when another run of that week is queued or running;
    the database's unique index decides, so two processes racing cannot both win.
    """
    site_id = site.id
    fail_dead_runs(site_id=site_id, week_start=week_start)
    now = utcnow()
    fields = {
        "site_id": site_id,
        "week_start": week_start,
        "time_limit": float(time_limit),
        "kind": kind,
        "reference_rota_id": reference_rota_id,
        "keep_before": keep_before,
        "requested_by_id": requested_by_id,
        "status": SolveStatus.RUNNING if worker else SolveStatus.QUEUED,
        "worker": worker,
        "started_at": now if worker else None,
        "heartbeat_at": now if worker else None,
    }
    try:
        return _insert(fields)
    except IntegrityError:
        db.session.rollback()
        busy = active_run(site_id, week_start)
        if busy is not None:
            raise SolveBusy(busy) from None
    return _insert(fields)  # the run in the way ended a moment ago: one more try


def _insert(fields: dict[str, Any]) -> SolveRun:
    """Insert and commit a run with these column values."""
    run = SolveRun(**fields)
    db.session.add(run)
    db.session.commit()
    return run


def claim(run_id: int, worker: str) -> bool:
    """Mark a queued run as running in this worker; False when it is no longer queued."""
    now = utcnow()
    claimed = db.session.execute(
        update(SolveRun)
        .where(SolveRun.id == run_id, SolveRun.status == SolveStatus.QUEUED)
        .values(status=SolveStatus.RUNNING, worker=worker, started_at=now, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def end_run(run_id: int, status: SolveStatus, message: str) -> bool:
    """End a queued or running run with a status and reason; False when it had already ended."""
    ended = db.session.execute(
        update(SolveRun)
        .where(SolveRun.id == run_id, SolveRun.status.in_(ACTIVE))
        .values(status=status, message=message, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return ended == 1


def request_stop(run_id: int) -> bool:
    """Ask a run to stop: a queued one ends at once, a running one is flagged; False if ended."""
    fail_dead_runs(run_id=run_id)
    if db.session.execute(
        update(SolveRun)
        .where(SolveRun.id == run_id, SolveRun.status == SolveStatus.QUEUED)
        .values(
            status=SolveStatus.STOPPED,
            stop_requested=True,
            message="Stopped before it started; no rota was made.",
            finished_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount:
        db.session.commit()
        return True
    flagged = db.session.execute(
        update(SolveRun)
        .where(SolveRun.id == run_id, SolveRun.status == SolveStatus.RUNNING)
        .values(stop_requested=True)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return flagged == 1


# ----- dead runs --------------------------------------------------------------------------


def fail_dead_runs(
    site_id: int | None = None, week_start: date | None = None, run_id: int | None = None
) -> int:
    """Fail runs nobody is working on: running with a stale heartbeat, or queued too long.

    Limited to one run, or one site's week, when given; returns how many were failed.
    """
    conf = settings()
    now = utcnow()
    last_beat = func.coalesce(SolveRun.heartbeat_at, SolveRun.started_at, SolveRun.created_at)
    silent = and_(
        SolveRun.status == SolveStatus.RUNNING,
        last_beat < now - timedelta(seconds=conf.heartbeat_timeout),
    )
    unclaimed = and_(
        SolveRun.status == SolveStatus.QUEUED,
        SolveRun.created_at < now - timedelta(seconds=conf.queue_timeout),
    )
    dead = or_(silent, unclaimed)
    scope = []
    if run_id is not None:
        scope.append(SolveRun.id == run_id)
    if site_id is not None:
        scope.append(SolveRun.site_id == site_id)
    if week_start is not None:
        scope.append(SolveRun.week_start == week_start)
    found = db.session.execute(
        select(SolveRun.id, SolveRun.status, last_beat, SolveRun.created_at, Site.timezone)
        .join(Site, Site.id == SolveRun.site_id)
        .where(dead, *scope)
    ).all()
    failed = 0
    for found_id, status, beat, created, timezone in found:
        if status is SolveStatus.RUNNING:
            message = (
                "The solve stopped unexpectedly (its worker stopped responding at "
                f"{_clock(beat, timezone)}); start it again."
            )
        else:
            message = (
                f"No solve worker took this run within {_duration(conf.queue_timeout)} "
                f"(it was queued at {_clock(created, timezone)}); ask whoever runs the "
                "scheduler to start a worker, then start it again."
            )
        failed += db.session.execute(
            update(SolveRun)
            .where(SolveRun.id == found_id, dead)  # still dead: a late heartbeat wins
            .values(status=SolveStatus.FAILED, message=message, finished_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    if found:
        db.session.commit()
    for found_id, *_ in found:
        log.warning("solve run %s failed: nobody was working on it", found_id)
    return failed


def _clock(moment: datetime | None, timezone: str) -> str:
    """A timestamp as HH:MM in the site's time zone."""
    if moment is None:
        return "an unknown time"
    return moment.astimezone(zone_of(timezone)).strftime("%H:%M")


def _duration(seconds: float) -> str:
    """A wait in words: '10 minutes', '45 seconds'."""
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"


# ----- keeping a running solve alive ------------------------------------------------------


class RunWatcher:
    """While a solve runs: refresh its heartbeat and turn a stop flag on its row into ``stop``.

    A light thread of the solving process. It also sets ``stop`` when the row is
    no longer running (failed as dead by someone else), so the solver ends early;
    the caller then finds the run ended and stores nothing.
    """

    def __init__(self, run_id: int, stop: threading.Event) -> None:
        conf = settings()
        self.run_id = run_id
        self.stop = stop
        self.engine = db.engine
        self.heartbeat_every = conf.heartbeat_every
        self.poll = min(conf.stop_poll, conf.heartbeat_every)
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._watch, name=f"solve-{run_id}-watcher", daemon=True
        )

    def __enter__(self) -> RunWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        """Beat and check until the solve ends; a failed check is logged and tried again."""
        next_beat = time.monotonic() + self.heartbeat_every
        while not self._done.wait(self.poll):
            beat = time.monotonic() >= next_beat
            try:
                self._check(beat)
            except Exception:  # a busy database must not end the watch
                log.exception("solve run %s: heartbeat failed", self.run_id)
                continue
            if beat:
                next_beat = time.monotonic() + self.heartbeat_every

    def _check(self, beat: bool) -> None:
        """One round: maybe write the heartbeat, then read the stop flag and status."""
        with self.engine.begin() as conn:
            if beat:
                conn.execute(
                    update(SolveRun)
                    .where(SolveRun.id == self.run_id, SolveRun.status == SolveStatus.RUNNING)
                    .values(heartbeat_at=utcnow())
                )
            row = conn.execute(
                select(SolveRun.status, SolveRun.stop_requested).where(SolveRun.id == self.run_id)
            ).one_or_none()
        if row is None or row.stop_requested or row.status is not SolveStatus.RUNNING:
            self.stop.set()
