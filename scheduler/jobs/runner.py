"""One solve job, run the same way in a web-process thread and in an RQ worker."""

from __future__ import annotations

import logging
import threading

from ..extensions import db
from ..models import Rota, SolveKind, SolveRun, SolveStatus
from ..services.replanning import replan_inputs
from ..services.rota_lookup import latest_rota, planned_with
from ..services.run_messages import failure_message
from ..services.solve_runs import WORKER_SHUT_DOWN, RunEnded, claim, end_run
from ..services.solving import run_solve
from ..solver import ProblemError

log = logging.getLogger(__name__)


def execute(run_id: int, worker: str, stop: threading.Event | None = None) -> None:
    """Claim a queued run for this worker and solve it; any error fails the run with the reason.

    A run that is no longer queued (stopped before it started, or failed for
    waiting too long) is left alone. ``stop`` lets this process end the solve
    early; a stop asked for from any other process arrives through the run's row.
    """
    if not claim(run_id, worker):
        log.info("solve run %s is no longer queued; nothing to do", run_id)
        return
    run = db.session.get(SolveRun, run_id)
    if run is None:  # pragma: no cover - claimed a moment ago
        return
    try:
        chosen = None
        if run.kind is SolveKind.REPLAN and run.reference_rota_id is not None:
            chosen = db.session.get(Rota, run.reference_rota_id)
        replan = replan_inputs(run.site, run.week_start, run.kind, chosen, run.keep_before)
        current = _current_rotas(run)  # pins hold as the latest versions have them
        run_solve(
            run.site,
            run.week_start,
            time_limit=run.time_limit,
            stop=stop if stop is not None else threading.Event(),
            run=run,
            reference=replan.reference,
            pins_from=[] if run.kind is SolveKind.FULL else current,
            keep=replan.keep,
            based_on=chosen,
        )
    except RunEnded as ended:
        log.info("%s", ended)
    except ProblemError as faulty:  # the set-up's faults, in words: no traceback to log
        db.session.rollback()
        end_run(run_id, SolveStatus.FAILED, failure_message(faulty))
        log.warning("solve run %s: the set-up has faults:\n%s", run_id, faulty)
    except Exception as exc:  # the job must never end silently
        db.session.rollback()
        end_run(run_id, SolveStatus.FAILED, failure_message(exc))
        log.exception("solve run %s failed", run_id)
    except BaseException:  # the worker is being shut down: say so, then let it go
        db.session.rollback()
        end_run(run_id, SolveStatus.FAILED, WORKER_SHUT_DOWN)
        raise


def _current_rotas(run: SolveRun) -> list[Rota]:
    """The latest version of the week at each site planned with the run's site."""
    found = [latest_rota(site.id, run.week_start) for site in planned_with(run.site)]
    return [r for r in found if r is not None]
