"""A week's set-up as the engine sees it: the faults that stop a solve, before or after one."""

from __future__ import annotations

from datetime import date

from ..extensions import db
from ..models import Site, SolveKind, SolveRun, SolveStatus
from ..solver import ProblemError
from .problem_loader import build_problem
from .rota_lookup import planned_with
from .run_messages import failure_message, listed_faults
from .solve_runs import end_run, open_run


def week_faults(site: Site, week_start: date) -> list[str]:
    """The faults of a week's set-up at a site (and its group), before any solve starts."""
    try:
        build_problem(planned_with(site), week_start, pins_from=[])
    except ProblemError as error:
        return error.faults
    return []


def latest_run(site_id: int, week_start: date) -> SolveRun | None:
    """A week's latest solve run at a site, if any."""
    return db.session.scalar(
        db.select(SolveRun)
        .where(SolveRun.site_id == site_id, SolveRun.week_start == week_start)
        .order_by(SolveRun.id.desc())
        .limit(1)
    )


def latest_faults(site_id: int, week_start: date) -> list[str]:
    """The set-up faults of a week's latest solve run, when it failed on them."""
    run = latest_run(site_id, week_start)
    if run is None or run.status is not SolveStatus.FAILED:
        return []
    return listed_faults(run.message)


def refuse(
    site: Site,
    week_start: date,
    faults: list[str],
    time_limit: float,
    kind: SolveKind,
    requested_by_id: int | None,
) -> int:
    """Record a solve asked for a week whose set-up has faults as a failed run; return its id.

    Raises :class:`SolveBusy` when the week is being solved already.
    """
    run = open_run(site, week_start, time_limit, kind=kind, requested_by_id=requested_by_id)
    run_id = run.id
    end_run(run_id, SolveStatus.FAILED, failure_message(ProblemError(faults)))
    return run_id
