"""The solve-job runner: a week's solve runs in the background, never inside a web request.

The interface is narrow so another backend (a Redis queue) can stand behind it:
:func:`start_solve` queues a run and returns its id, :func:`progress` reads the
run's row, :func:`stop` asks a running solve to end early and keep its best rota.
The default backend is a thread of the web process with its own app context and
database session; with ``SOLVE_JOBS_SYNC`` set (tests) the job runs before
``start_solve`` returns.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from flask import Flask, current_app

from .extensions import db
from .models import Rota, Site, SolveRun, SolveStatus, utcnow

KINDS = ("full", "complete", "replan")
ACTIVE = (SolveStatus.QUEUED, SolveStatus.RUNNING)

_stops: dict[int, threading.Event] = {}
_threads: dict[int, threading.Thread] = {}
_lock = threading.Lock()


class SolveBusy(Exception):
    """A solve of the same site and week is already queued or running."""

    def __init__(self, run: SolveRun) -> None:
        super().__init__(
            f"A solve of this week is already running (run {run.id}); "
            "wait for it to finish or stop it first."
        )
        self.run = run


@dataclass(frozen=True)
class RunProgress:
    """What the progress bar shows: status, best score and bound so far, time spent and left."""

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

    @property
    def percent(self) -> int:
        """Share of the time limit spent, 0-100 (100 once the run has ended)."""
        if self.status in ("done", "stopped", "failed"):
            return 100
        if self.time_limit <= 0:
            return 0
        return max(0, min(99, int(100 * self.elapsed / self.time_limit)))

    @property
    def time_left(self) -> float:
        """Seconds left before the time limit (0 once the run has ended)."""
        if self.status in ("done", "stopped", "failed"):
            return 0.0
        return max(0.0, self.time_limit - self.elapsed)

    def as_json(self) -> dict:
        """The progress as JSON-ready data for the page's script."""
        return {
            "id": self.id,
            "status": self.status,
            "kind": self.kind,
            "objective": self.objective,
            "bound": self.bound,
            "elapsed": round(self.elapsed, 1),
            "time_limit": self.time_limit,
            "time_left": round(self.time_left, 1),
            "percent": self.percent,
            "solutions": self.solutions,
            "message": self.message,
            "finished": self.status in ("done", "stopped", "failed"),
            "rota_version": self.rota_version,
        }


def active_run(site_id: int, week_start: date) -> SolveRun | None:
    """The queued or running solve of a site's week, if any."""
    return db.session.scalar(
        db.select(SolveRun)
        .where(
            SolveRun.site_id == site_id,
            SolveRun.week_start == week_start,
            SolveRun.status.in_(ACTIVE),
        )
        .order_by(SolveRun.id.desc())
        .limit(1)
    )


def start_solve(
    site_id: int,
    week_start: date,
    time_limit: float,
    kind: str = "full",
    reference_rota_id: int | None = None,
    requested_by_id: int | None = None,
) -> int:
    """Queue a solve of a site's week and start it in the background; return the run's id.

    Raises :class:`SolveBusy` when that week is already being solved.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown solve kind {kind!r}")
    site = db.session.get(Site, site_id)
    if site is None:
        raise LookupError(f"no site with id {site_id}")
    with _lock:
        _reap()
        busy = active_run(site_id, week_start)
        if busy is not None and (busy.id in _threads or current_app.config.get("SOLVE_JOBS_SYNC")):
            raise SolveBusy(busy)
        if busy is not None:  # its thread is gone (the process restarted): it will never end
            _fail(busy, "The solve was interrupted (the app restarted); start it again.")
        run = SolveRun(
            site=site,
            week_start=week_start,
            time_limit=float(time_limit),
            kind=kind,
            reference_rota_id=reference_rota_id,
            requested_by_id=requested_by_id,
            status=SolveStatus.QUEUED,
        )
        db.session.add(run)
        db.session.commit()
        run_id = run.id
        stop_event = threading.Event()
        _stops[run_id] = stop_event
        if current_app.config.get("SOLVE_JOBS_SYNC"):
            try:
                _run_job(run_id, stop_event)
            finally:
                _stops.pop(run_id, None)
            return run_id
        app = current_app._get_current_object()
        thread = threading.Thread(
            target=_thread_main, args=(app, run_id, stop_event), name=f"solve-{run_id}",
            daemon=True,
        )
        _threads[run_id] = thread
    thread.start()
    return run_id


def progress(run_id: int) -> RunProgress | None:
    """The progress of a run, read fresh from its row (None when there is no such run)."""
    run = db.session.get(SolveRun, run_id, populate_existing=True)
    if run is None:
        return None
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
    )


def stop(run_id: int) -> bool:
    """Ask a running solve to stop and keep the best rota found; False when it is not running."""
    event = _stops.get(run_id)
    if event is None:
        return False
    event.set()
    return True


def wait(run_id: int, timeout: float) -> bool:
    """Wait for a background run's thread to end; True when it has (for the CLI and tests)."""
    thread = _threads.get(run_id)
    if thread is not None:
        thread.join(timeout)
        return not thread.is_alive()
    return True


def _reap() -> None:
    """Forget threads that have ended."""
    for run_id, thread in list(_threads.items()):
        if not thread.is_alive():
            _threads.pop(run_id, None)


def _thread_main(app: Flask, run_id: int, stop_event: threading.Event) -> None:
    """A background thread: its own app context and session around one job."""
    try:
        with app.app_context():
            try:
                _run_job(run_id, stop_event)
            finally:
                db.session.remove()
    finally:
        _stops.pop(run_id, None)


def _run_job(run_id: int, stop_event: threading.Event) -> None:
    """Run one solve and record its outcome; any error marks the run failed with the reason."""
    from .services.planning import run_solve

    run = db.session.get(SolveRun, run_id)
    if run is None:
        return
    try:
        current = _current_rotas(run)
        reference = None
        if run.kind == "replan" and run.reference_rota_id is not None:
            chosen = db.session.get(Rota, run.reference_rota_id)
            reference = [chosen if r.site_id == run.site_id and chosen else r for r in current]
        run_solve(
            run.site,
            run.week_start,
            time_limit=run.time_limit,
            stop=stop_event,
            run=run,
            reference=reference,
            pins_from=[] if run.kind == "full" else current,
        )
    except Exception as exc:  # the thread must never die silently
        db.session.rollback()
        run = db.session.get(SolveRun, run_id)
        if run is not None and run.status is not SolveStatus.FAILED:
            _fail(run, f"{type(exc).__name__}: {exc}")
        current_app.logger.exception("solve run %s failed", run_id)


def _current_rotas(run: SolveRun) -> list[Rota]:
    """The latest version of the week at each site planned with the run's site."""
    from .services.planning import latest_rota, planned_with

    found = [latest_rota(site.id, run.week_start) for site in planned_with(run.site)]
    return [r for r in found if r is not None]


def _fail(run: SolveRun, message: str) -> None:
    """Mark a run failed with a reason."""
    run.status = SolveStatus.FAILED
    run.message = message
    run.finished_at = utcnow()
    db.session.commit()
