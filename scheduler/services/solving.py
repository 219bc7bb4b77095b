"""Solve a site's week and store what the solver returns: the new draft rotas and the solve
run's row, with its progress written while the solver searches."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date

from sqlalchemy import update

from .. import solver as sv
from ..extensions import db
from ..models import (
    AssignmentMode,
    Rota,
    RotaAssignment,
    RotaStatus,
    Site,
    SolveOutcome,
    SolveRun,
    SolveStatus,
    utcnow,
)
from ..solver.solve import costs_short
from .priorities import settings_of
from .problem_loader import build_problem
from .replanning import Keep
from .rota_lookup import latest_rota, planned_with
from .run_messages import failure_message, no_rota_message
from .score_data import costs_with_reasons, json_bounds
from .solve_runs import (
    STALE_INPUTS,
    NoRotaFound,
    RunEnded,
    RunWatcher,
    claim,
    open_run,
    process_label,
)
from .solver_terms import IdMap


def run_solve(
    site: Site,
    week_start: date,
    time_limit: float = 20.0,
    on_progress: Callable[[sv.Progress], None] | None = None,
    stop: threading.Event | None = None,
    run: SolveRun | None = None,
    reference: Iterable[Rota] | None = None,
    pins_from: Iterable[Rota] | None = None,
    keep: Keep | None = None,
    based_on: Rota | None = None,
) -> Rota:
    """Solve a site's week and store the result as a new draft rota, recording the solve run.

    A site in a group is planned with every site of its group in one solve, so
    people can cross-train at another site; each site gets its own new draft,
    and the requested site's draft is returned. ``run`` is a run already claimed
    by this process, or a queued one it claims (by default a new one is opened:
    ``SolveBusy`` when the week is being solved); ``reference`` makes it a re-plan
    that changes as little as it can; ``pins_from`` names the rotas whose pinned
    rows hold (default: the latest drafts); ``keep`` the days it may not change
    (:func:`.replanning.replan_inputs`); ``based_on`` the version a re-plan started from, which
    the new draft's list of changes compares with (default: the reference). While it
    solves, the run's heartbeat is kept fresh and a stop asked for from any process
    ends it early with the best rota found. When staff, cover, leave or requests
    change during the solve, the run says so. Raises ``RunEnded`` (storing nothing)
    when the run was ended elsewhere meanwhile, and its kind ``NoRotaFound`` when the
    solve found no rota: the run then fails with the conflicting rules and no draft
    is stored.
    """
    if run is None:
        run = open_run(site, week_start, time_limit, worker=process_label("command"))
    elif run.status is SolveStatus.QUEUED and not claim(run.id, process_label("process")):
        raise RunEnded(run.id, "no longer queued")
    stop = stop if stop is not None else threading.Event()
    run_id = run.id
    references = list(reference) if reference is not None else None
    pins = list(pins_from) if pins_from is not None else None
    sites = planned_with(site)

    def read() -> tuple[sv.Problem, IdMap]:
        return build_problem(
            sites, week_start, reference=references, pins_from=pins, priorities_of=site, keep=keep
        )

    try:
        with RunWatcher(run_id, stop):
            problem, ids = read()
            digest = problem_digest(problem)
            writer = ProgressWriter(run_id, on_progress, problem, ids, site.id)
            result = sv.solve(problem, time_limit=time_limit, on_progress=writer, stop=stop)
            db.session.commit()  # end the read transaction: the rebuild sees others' changes
            again, _ = read()
            changed = problem_digest(again) != digest
    except Exception as exc:
        db.session.rollback()
        run = db.session.get(SolveRun, run_id)
        if run is not None and run.status is SolveStatus.RUNNING:
            run.status = SolveStatus.FAILED
            run.message = failure_message(exc)
            run.finished_at = utcnow()
            db.session.commit()
        raise
    db.session.refresh(run)
    if run.status is not SolveStatus.RUNNING:
        raise RunEnded(run_id, run.status.value)
    if result.rota is None:  # nothing to store: the run fails with the reasons
        message = no_rota_message(list(result.reasons), stopped=stop.is_set())
        run.status = SolveStatus.FAILED
        run.elapsed = result.seconds
        run.inputs_digest = digest
        run.inputs_changed = changed
        run.message = message
        run.finished_at = utcnow()
        db.session.commit()
        raise NoRotaFound(run_id, message, list(result.reasons))
    rotas = [store_result(s, week_start, problem, ids, result) for s in sites]
    for stored in rotas:
        stored.based_on = (
            based_on
            if based_on is not None and based_on.site_id == stored.site_id
            else next((r for r in references or () if r.site_id == stored.site_id), None)
        )
    rota = next(r for r in rotas if r.site_id == site.id)
    run.rota = rota
    run.status = SolveStatus.STOPPED if stop.is_set() else SolveStatus.DONE
    run.elapsed = result.seconds
    run.solutions = result.solutions
    run.best_objective = result.objective
    run.best_bound = result.bound
    run.best_levels = list(result.levels) or None
    run.best_level_bounds = json_bounds(result.level_bounds)
    run.best_rota = rota_rows(problem, ids, result.rota, costs_short(result.costs), site.id)
    run.inputs_digest = digest
    run.inputs_changed = changed
    message = (
        result.status if not result.reasons else f"{result.status}: " + "; ".join(result.reasons)
    )
    run.message = f"{message}. {STALE_INPUTS}" if changed else message
    run.finished_at = utcnow()
    db.session.commit()
    return rota


def store_result(
    site: Site, week_start: date, problem: sv.Problem, ids: IdMap, result: sv.SolveResult
) -> Rota:
    """Save a solve result as the next draft version of a site's week, marking pinned rows."""
    if result.rota is None:  # never a draft of the pins alone: the caller reports no rota
        raise ValueError(f"the solve found no rota ({result.status}); nothing to store")
    previous = latest_rota(site.id, week_start)
    rota = Rota(
        site=site,
        week_start=week_start,
        status=RotaStatus.DRAFT,
        version=(previous.version + 1) if previous is not None else 1,
        objective=result.objective,
        bound=result.bound,
        level_bounds=json_bounds(result.level_bounds),
        solve_status=SolveOutcome(result.status),
        costs=costs_with_reasons(problem, result.rota, result.costs, site),
        reasons=list(result.reasons),
        priorities=settings_of(problem.priorities),
    )
    pins = set(problem.pins)
    site_key = IdMap.key("site", site.id)
    for a in result.rota.assignments:
        if problem.activity_site(a.activity) != site_key:
            continue
        rota.assignments.append(
            RotaAssignment(
                staff_id=ids.staff[a.person],
                on_date=problem.date_of(a.day),
                shift_type_id=ids.shifts[a.shift],
                station_id=ids.stations.get(a.activity),
                duty_id=ids.duties.get(a.activity),
                mode=AssignmentMode(a.mode.value),
                trainer_id=ids.staff[a.trainer] if a.trainer else None,
                pinned=a in pins,
            )
        )
    db.session.add(rota)
    db.session.flush()
    return rota


def rota_rows(
    problem: sv.Problem,
    ids: IdMap,
    rota: sv.Rota,
    short: Iterable[tuple[int, str, str, int]] | None,
    site_id: int,
) -> list[dict]:
    """A solver rota's rows at one site as JSON-ready data in database ids (``SolveRun.best_rota``).

    An assignment reads {"staff", "date", "shift", "station", "duty", "mode",
    "trainer"}; a cover gap {"staff": None, "date", "shift", "station", "short"}
    with the people missing. ``short`` None (gaps not known) adds no gap rows.
    """
    site_key = IdMap.key("site", site_id)
    rows = [
        {
            "staff": ids.staff[a.person],
            "date": problem.date_of(a.day).isoformat(),
            "shift": ids.shifts[a.shift],
            "station": ids.stations.get(a.activity),
            "duty": ids.duties.get(a.activity),
            "mode": a.mode.value,
            "trainer": ids.staff[a.trainer] if a.trainer else None,
        }
        for a in rota.assignments
        if problem.activity_site(a.activity) == site_key
    ]
    for day, shift, station, missing in short or ():
        if station in ids.stations and problem.activity_site(station) == site_key:
            rows.append(
                {
                    "staff": None,
                    "date": problem.date_of(day).isoformat(),
                    "shift": ids.shifts[shift],
                    "station": ids.stations[station],
                    "short": missing,
                }
            )
    return rows


class ProgressWriter:
    """Writes a solve run's progress (and heartbeat) to its row about once a second, any thread.

    The best rota found so far is written with it, as rows of the run's own site
    (:func:`rota_rows`); the first rota at once, so the page shows it without waiting.
    Only while the run is running: a run failed meanwhile as dead keeps its reason.
    """

    def __init__(
        self,
        run_id: int,
        on_progress: Callable[[sv.Progress], None] | None,
        problem: sv.Problem | None = None,
        ids: IdMap | None = None,
        site_id: int | None = None,
    ) -> None:
        self.engine = db.engine
        self.run_id = run_id
        self.on_progress = on_progress
        self.problem, self.ids, self.site_id = problem, ids, site_id
        self.last = 0.0
        self.rows: list[dict] | None = None  # the newest rota, not yet written
        self.written = False  # a rota has been written
        self.lock = threading.Lock()

    def __call__(self, progress: sv.Progress) -> None:
        """Pass the progress on, and write it (with any newer rota) when a second has passed
        since the last write or when it brings the first rota."""
        if self.on_progress is not None:
            self.on_progress(progress)
        with self.lock:
            if progress.rota is not None and self.problem is not None:
                self.rows = rota_rows(
                    self.problem, self.ids, progress.rota, progress.short, self.site_id
                )
            now = time.monotonic()
            first = self.rows is not None and not self.written
            if now - self.last < 1.0 and not first:
                return
            self.last = now
            values = {
                "best_objective": progress.objective,
                "best_bound": progress.bound,
                "best_levels": list(progress.levels) or None,
                "best_level_bounds": json_bounds(progress.level_bounds),
                "elapsed": progress.seconds,
                "solutions": progress.solutions,
                "heartbeat_at": utcnow(),
            }
            if self.rows is not None:
                values["best_rota"] = self.rows
                self.rows, self.written = None, True
            with self.engine.begin() as conn:
                conn.execute(
                    update(SolveRun)
                    .where(SolveRun.id == self.run_id, SolveRun.status == SolveStatus.RUNNING)
                    .values(**values)
                )


def problem_digest(problem: sv.Problem) -> str:
    """A fingerprint of a solve's inputs: equal for equal problems, whatever the order of rows."""
    text = json.dumps(_canonical_data(problem), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _canonical_data(value):
    """A problem's value as JSON-ready data in a stable order (sets and row lists sorted)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(key): _canonical_data(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical_data(item) for item in value), key=_json_sort_key)
    if isinstance(value, (list, tuple)):
        items = [_canonical_data(item) for item in value]
        rows = value and all(dataclasses.is_dataclass(item) for item in value)
        return sorted(items, key=_json_sort_key) if rows else items
    return value


def _json_sort_key(item) -> str:
    """A sort key for any JSON-ready value: its JSON text with sorted keys."""
    return json.dumps(item, sort_keys=True, default=str)
