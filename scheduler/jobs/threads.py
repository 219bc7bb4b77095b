"""The default backend: each solve in a background thread of the web process.

The thread has its own app context and database session and a lowered CPU
priority (Linux gives each thread its own), so pages stay quick while it solves.
A stop from this process also sets the thread's event directly; from another
process it arrives through the run's row like any other stop.
"""

from __future__ import annotations

import threading

from flask import Flask

from ..extensions import db
from ..services.solve_runs import process_label, settings
from .priority import lower_priority
from .runner import execute

_stops: dict[int, threading.Event] = {}
_threads: dict[int, threading.Thread] = {}
_lock = threading.Lock()


def start(app: Flask, run_id: int) -> None:
    """Solve a queued run in a new background thread."""
    stop = threading.Event()
    thread = threading.Thread(
        target=_main, args=(app, run_id, stop), name=f"solve-{run_id}", daemon=True
    )
    with _lock:
        _forget_ended()
        _stops[run_id] = stop
        _threads[run_id] = thread
    thread.start()


def run_here(run_id: int) -> None:
    """Solve a queued run in the calling thread, before returning (``SOLVE_JOBS_SYNC``)."""
    stop = threading.Event()
    with _lock:
        _stops[run_id] = stop
    try:
        execute(run_id, process_label("web process"), stop)
    finally:
        with _lock:
            _stops.pop(run_id, None)


def stop_here(run_id: int) -> None:
    """Set the stop event of a run solving in this process, if it is one of ours."""
    with _lock:
        stop = _stops.get(run_id)
    if stop is not None:
        stop.set()


def join(run_id: int, timeout: float) -> None:
    """Wait up to ``timeout`` seconds for this process's thread of a run, if it has one."""
    with _lock:
        thread = _threads.get(run_id)
    if thread is not None:
        thread.join(timeout)


def _forget_ended() -> None:
    """Drop threads that have ended (call with the lock held)."""
    for run_id, thread in list(_threads.items()):
        if not thread.is_alive():
            _threads.pop(run_id, None)


def _main(app: Flask, run_id: int, stop: threading.Event) -> None:
    """A background thread: lower priority, its own app context and session, one job."""
    try:
        with app.app_context():
            lower_priority(settings().nice, thread_only=True)
            try:
                execute(run_id, process_label("web process"), stop)
            finally:
                db.session.remove()
    finally:
        with _lock:
            _stops.pop(run_id, None)
