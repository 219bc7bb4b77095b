"""The solve-job runner: a week's solve runs in the background, never inside a web request.

One small interface over two backends. :func:`start_solve` queues a run and
returns its id, :func:`progress` reads the run's row, :func:`stop` asks a solve to
end early and keep its best rota, :func:`active_run` finds a week's queued or
running solve, :func:`wait` waits for a run to end. With ``REDIS_URL`` set the
solve goes to an RQ queue (``SOLVE_QUEUE``, default "solves") and any number of
``flask --app scheduler worker`` processes take runs from it; without it a thread
of the web process runs it. With ``SOLVE_JOBS_SYNC`` set (tests) the job runs
before ``start_solve`` returns.

Both backends agree through the run's row (``services/solve_runs.py``): the solving
process writes progress and a heartbeat to it and polls its stop flag; whoever reads
a run whose heartbeat has gone stale marks it failed with the reason, so a killed
worker never leaves a week stuck "running".
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from flask import current_app

from ..extensions import db
from ..models import Site, SolveKind, SolveRun
from ..services.scores import progress_score, rota_score
from ..services.solve_runs import (
    ACTIVE,
    STALE_INPUTS,
    JobSettings,
    RunEnded,
    SolveBusy,
    active_run,
    fail_dead_runs,
    open_run,
    request_stop,
    settings,
)
from . import redis_queue, threads
from .runner import execute

__all__ = [
    "ACTIVE",
    "STALE_INPUTS",
    "JobSettings",
    "RunEnded",
    "RunProgress",
    "SolveBusy",
    "active_run",
    "execute",
    "progress",
    "settings",
    "start_solve",
    "stop",
    "wait",
]

ENDED = ("done", "stopped", "failed")


@dataclass(frozen=True)
class RunProgress:
    """What the progress bar shows: status, best score and bound so far, time spent and left.

    ``score_line`` is the best rota's score level by level in words and ``bound_line``
    how far each level can be from the best possible ("" while nothing is known).
    """

    id: int
    status: str
    kind: str
    objective: float | None
    bound: float | None
    elapsed: float
    time_limit: float
    solutions: int
    message: str
    rota_id: int | None
    rota_version: int | None
    stopping: bool = False  # a stop was asked for and the solve has not ended yet
    inputs_changed: bool = False
    worker: str | None = None
    levels: tuple[int, ...] = ()
    level_bounds: tuple[float | None, ...] = ()
    score_line: str = ""
    bound_line: str = ""

    @property
    def finished(self) -> bool:
        """Whether the run has ended (done, stopped or failed)."""
        return self.status in ENDED

    @property
    def percent(self) -> int:
        """Share of the time limit spent, 0-100 (100 once the run has ended)."""
        if self.finished:
            return 100
        if self.time_limit <= 0:
            return 0
        return max(0, min(99, int(100 * self.elapsed / self.time_limit)))

    @property
    def time_left(self) -> float:
        """Seconds left before the time limit (0 once the run has ended)."""
        if self.finished:
            return 0.0
        return max(0.0, self.time_limit - self.elapsed)

    @property
    def note(self) -> str:
        """A sentence on where an unfinished run stands ("" once it has ended)."""
        if self.status == "queued":
            return "Waiting for a worker to start this solve."
        if self.stopping and not self.finished:
            return "Stopping: the best rota found so far will be kept."
        return ""

    def as_json(self) -> dict:
        """The progress as JSON-ready data for the page's script."""
        return {
            "id": self.id,
            "status": self.status,
            "kind": self.kind,
            "objective": self.objective,
            "elapsed": round(self.elapsed, 1),
            "time_limit": self.time_limit,
            "time_left": round(self.time_left, 1),
            "percent": self.percent,
            "solutions": self.solutions,
            "message": self.message,
            "note": self.note,
            "finished": self.finished,
            "rota_version": self.rota_version,
            "inputs_changed": self.inputs_changed,
            "worker": self.worker,
            "levels": list(self.levels),
            "score_line": self.score_line,
            "bound_line": self.bound_line,
        }


def start_solve(
    site_id: int,
    week_start: date,
    time_limit: float,
    kind: SolveKind = SolveKind.FULL,
    reference_rota_id: int | None = None,
    requested_by_id: int | None = None,
    keep_before: date | None = None,
) -> int:
    """Queue a solve of a site's week and start it in the background; return the run's id.

    A sick call's re-plan (``kind`` :attr:`SolveKind.REPLAN`) keeps the days before ``keep_before``.

    Raises :class:`SolveBusy` when that week is already being solved. When the
    queue cannot be reached the run is failed at once with the reason, so the
    progress page says what went wrong.
    """
    try:
        kind = SolveKind(kind)
    except ValueError:
        raise ValueError(f"unknown solve kind {kind!r}") from None
    site = db.session.get(Site, site_id)
    if site is None:
        raise LookupError(f"no site with id {site_id}")
    conf = settings()
    run = open_run(
        site,
        week_start,
        time_limit,
        kind=kind,
        reference_rota_id=reference_rota_id,
        requested_by_id=requested_by_id,
        keep_before=keep_before,
    )
    run_id = run.id
    if conf.sync:
        threads.run_here(run_id)
    elif conf.uses_queue:
        redis_queue.enqueue(run_id, float(time_limit), conf)
    else:
        threads.start(current_app._get_current_object(), run_id)
    return run_id


def progress(run_id: int) -> RunProgress | None:
    """The progress of a run, read fresh from its row (None when there is no such run).

    A run nobody is working on any more (a stale heartbeat, or queued too long)
    is failed first, with the reason, so the page never waits on a dead worker.
    """
    fail_dead_runs(run_id=run_id)
    run = db.session.get(SolveRun, run_id, populate_existing=True)
    if run is None:
        return None
    if run.rota is not None and run.finished:
        score = rota_score(run.rota)  # the stored rota's own words: gaps, hours
    else:
        score = progress_score(run.site, run.best_levels, run.best_level_bounds)
    return RunProgress(
        id=run.id,
        status=run.status.value,
        kind=run.kind,
        objective=run.best_objective,
        bound=run.best_bound,
        elapsed=run.elapsed or 0.0,
        time_limit=run.time_limit,
        solutions=run.solutions or 0,
        message=run.message,
        rota_id=run.rota_id,
        rota_version=run.rota.version if run.rota is not None else None,
        stopping=run.stop_requested,
        inputs_changed=run.inputs_changed,
        worker=run.worker,
        levels=tuple(run.best_levels or ()),
        level_bounds=tuple(run.best_level_bounds or ()),
        score_line=score.line,
        bound_line=score.bounds,
    )


def stop(run_id: int) -> bool:
    """Ask a solve to stop and keep the best rota found; False when it is not queued or running.

    Works across processes: the flag on the run's row is seen by whichever
    worker runs it within about half a second; a run still queued ends at once.
    """
    asked = request_stop(run_id)
    if asked:
        threads.stop_here(run_id)
    return asked


def wait(run_id: int, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for a run to end; True when it has (for the CLI and tests)."""
    deadline = time.monotonic() + timeout
    threads.join(run_id, timeout)
    while True:
        found = progress(run_id)
        if found is None or found.finished:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
