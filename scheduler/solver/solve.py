"""Build the CP-SAT model from the registry, solve it with a time limit, report progress."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model
from ortools.sat.python import cp_model_helper as cmh

from .constraints.base import ModelContext
from .construct import first_rota
from .decompose import independent, solve_in_blocks, worth_decomposing
from .explain import diagnose
from .model import build_model, default_workers
from .penalties import Cost, evaluated, level_totals
from .problem import Assignment, Mode, Problem, Rota
from .validate import validate


@dataclass(frozen=True)
class Progress:
    """A snapshot of a running solve: best score so far, proven bound, time spent.

    ``levels`` is the best rota's score per priority level; ``level_bounds`` what
    is proven about each level so far (None where nothing is yet), each level's
    bound holding with the levels above it kept at their values. ``objective`` is
    the best rota's points in all; ``bound`` a proven bound on them when the
    problem has one level only.
    """

    objective: float | None
    bound: float | None
    seconds: float
    solutions: int
    time_limit: float
    levels: tuple[int, ...] = ()
    level_bounds: tuple[float | None, ...] = ()
    rota: Rota | None = None
    short: tuple[tuple[int, str, str, int], ...] | None = ()


ROTA_EVERY = 0.5  # seconds: hand over a new best rota at most this often while searching


@dataclass
class SolveResult:
    """What a solve produced: status, the best rota (if any), its score and explanation."""

    status: str  # optimal | feasible | infeasible | unknown
    rota: Rota | None
    objective: int | None
    bound: float | None
    seconds: float
    build_seconds: float
    costs: list[Cost] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why no rota exists, in plain words
    solutions: int = 0
    first_seconds: float | None = None  # when the first rota was found
    strategy: str = "whole"  # whole: one CP-SAT model; blocks: people in blocks (decompose.py)
    levels: tuple[int, ...] = ()  # the rota's score per priority level, 1 first
    level_bounds: tuple[float | None, ...] = ()  # proven bound per level (None: not proven)

    @property
    def has_rota(self) -> bool:
        """Whether a rota came back (optimal or feasible)."""
        return self.rota is not None


def level_objectives(ctx: ModelContext) -> dict[int, cp_model.LinearExprT]:
    """Each priority level's weighted sum of penalties, by level number."""
    out: dict[int, list] = {}
    for p in ctx.penalties:
        out.setdefault(p.level, []).append(p.weight * p.amount)
    return {level: sum(terms) for level, terms in sorted(out.items())}


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Counts solutions and passes each improvement, level by level, to the progress callback."""

    def __init__(
        self,
        time_limit: float,
        on_progress: Callable[[Progress], None] | None,
        levels: dict[int, cp_model.LinearExprT],
        count: int,
    ) -> None:
        super().__init__()
        self.count = count  # levels reported: 1..count
        self.time_limit = time_limit
        self.on_progress = on_progress
        self.levels = levels
        self.solutions = 0
        self.values: dict[int, int] = {}  # the best rota's score per level
        self.bounds: dict[int, float] = {}  # proven per level (earlier levels kept)
        self.stage: int | None = None
        self.level_bound: Callable[[float], float] = float  # stage bound -> its level's bound
        self.solver: cp_model.CpSolver | None = None  # the stage's solver, to end it early
        self.closed = False  # the stage's level was proven while lower levels were still open
        self.fresh = False  # a rota was found in this stage (values from before do not count)
        self.close_early = True  # end a stage once its own level is proven
        self.started = time.monotonic()
        self.first_seconds: float | None = None
        self.lock = threading.Lock()
        self.ctx: ModelContext | None = None  # set to hand over each new best rota
        self.handed_at: float | None = None  # when a rota was last handed over
        self.pending: tuple[Rota, tuple[tuple[int, str, str, int], ...]] | None = None

    def on_solution_callback(self) -> None:
        with self.lock:
            if self.first_seconds is None:
                self.first_seconds = time.monotonic() - self.started
            self.solutions += 1
            self.values = {level: int(self.value(expr)) for level, expr in self.levels.items()}
            self.fresh = True
            if self.stage is not None:
                self.bounds[self.stage] = self.level_bound(self.best_objective_bound)
            self._close_when_proven()
            now = time.monotonic()
            if self.ctx is not None and (
                self.handed_at is None or now - self.handed_at >= ROTA_EVERY
            ):
                self.pending = (extract_rota(self, self.ctx), cover_short(self, self.ctx))
                self.handed_at = now
        self.report()

    def hand_over(self, solver: cp_model.CpSolver) -> None:
        """Report the rota a finished stage holds (a later one than the last handed over)."""
        if self.ctx is None or self.on_progress is None:
            return
        with self.lock:
            self.pending = (extract_rota(solver, self.ctx), cover_short(solver, self.ctx))
            self.handed_at = time.monotonic()
        self.report()

    def on_bound(self, bound: float) -> None:
        with self.lock:
            if self.stage is not None:
                self.bounds[self.stage] = self.level_bound(bound)
                self._close_when_proven()

    def _close_when_proven(self) -> None:
        """End the stage as soon as its own level is proven: the next stage fixes it.

        Fixing a proven level early narrows the search for the levels below (a level 2
        proven at 0 makes every contract rule hold), which proves them far sooner.
        """
        stage = self.stage
        if stage is None or self.closed or self.solver is None or not self.fresh:
            return
        if not self.close_early:
            return
        if self.bounds.get(stage, -math.inf) >= self.values[stage]:
            self.closed = True
            self.solver.stop_search()

    def snapshot(self, seconds: float | None = None) -> Progress:
        """The progress as it stands."""
        with self.lock:
            order = range(1, self.count + 1)
            found = bool(self.solutions)
            levels = tuple(self.values.get(level, 0) for level in order) if found else ()
            bounds = tuple(
                self.bounds.get(level) if level in self.levels else 0.0 for level in order
            )
            objective = sum(levels) if found else None
            bound = bounds[0] if self.count == 1 else None
            return Progress(
                objective=objective,
                bound=bound,
                seconds=time.monotonic() - self.started if seconds is None else seconds,
                solutions=self.solutions,
                time_limit=self.time_limit,
                levels=levels,
                level_bounds=bounds,
            )

    def report(self) -> None:
        """Pass the progress on, with the rota found since the last report if there is one."""
        if self.on_progress is None:
            return
        progress = self.snapshot()
        with self.lock:
            pending, self.pending = self.pending, None
        if pending is not None:
            progress = replace(progress, rota=pending[0], short=pending[1])
        self.on_progress(progress)


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    workers: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    hint: Rota | None = None,
    explain_infeasible: bool = True,
    log: bool = False,
    seed: int = 0,
    strategy: str = "auto",
    lexicographic: str = "stages",
) -> SolveResult:
    """Solve a rota problem within ``time_limit`` seconds and return the best rota found.

    The priority levels are minimised in turn: each level's best value found is
    then kept as a constraint while the next is minimised, starting from the rota
    found so far, so a lower level never buys anything from a higher one.
    ``on_progress`` is called on every better rota and about once a second while
    the search runs; setting ``stop`` ends the search early, keeping the best rota.
    When the hard rules cannot all hold, ``reasons`` names the conflicting rules.
    ``strategy`` "auto" lets the engine choose from the problem's size and shape:
    one CP-SAT model ("whole"), or, for a large problem whose people are independent,
    blocks of people (``decompose.py``); the blocks fall back to the whole model
    when they find no rota. ``lexicographic`` chooses how the levels are solved in
    turn ("stages", the default; "levels" or "weights" for measuring, see
    ``_solve_levels``).
    """
    if strategy == "auto" and worth_decomposing(problem):
        found = _solve_blocks(problem, time_limit, workers, on_progress, stop, hint, seed)
        if found.rota is not None:
            return found
        time_limit = max(1.0, time_limit - found.seconds)
    t0 = time.monotonic()
    constructed: tuple[Rota, list[Cost], float] | None = None
    if strategy == "auto" and hint is None and independent(problem):
        constructed = _construct(problem, time_limit, on_progress)
        if constructed is not None:
            hint = constructed[0]
    ctx = build_model(problem)
    if hint is not None:
        _add_hint(ctx, hint)
    build_seconds = time.monotonic() - t0

    levels = level_objectives(ctx)
    reporter = _Reporter(time_limit, on_progress, levels, problem.priorities.level_count)
    if on_progress is not None:
        reporter.ctx = ctx
        if constructed is not None:  # the constructed rota is on screen: CP-SAT's may wait
            reporter.handed_at = time.monotonic()
    deadline = t0 + time_limit
    status, solver = _solve_levels(
        ctx, levels, reporter, deadline, stop, workers, seed, log, lexicographic
    )
    seconds = time.monotonic() - t0

    result = SolveResult(
        status=_status_name(status),
        rota=None,
        objective=None,
        bound=None,
        seconds=seconds,
        build_seconds=build_seconds,
        solutions=reporter.solutions,
        first_seconds=reporter.first_seconds,
    )
    if constructed is not None:
        result.first_seconds = constructed[2]
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _constructed_result(
                constructed, result, on_progress, problem.priorities.level_count
            )
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result.rota = extract_rota(solver, ctx)
        result.costs = [evaluated(p, int(solver.value(p.amount))) for p in ctx.penalties]
        result.costs = [c for c in result.costs if c.amount]
        result.objective = sum(c.total for c in result.costs)
        final = reporter.snapshot(seconds)
        result.levels = level_totals(result.costs, problem.priorities.level_count)
        result.level_bounds = final.level_bounds
        result.bound = final.bound
    elif status == cp_model.INFEASIBLE and explain_infeasible:
        result.reasons = diagnose(problem, time_limit=max(5.0, time_limit / 2))
    elif status == cp_model.MODEL_INVALID:  # a bug of ours, never the user's input
        raise RuntimeError(f"invalid CP-SAT model: {ctx.model.validate()}")
    if on_progress is not None:
        final = reporter.snapshot(seconds)
        on_progress(
            Progress(
                result.objective,
                result.bound,
                seconds,
                reporter.solutions,
                time_limit,
                result.levels,
                result.level_bounds or final.level_bounds,
                rota=result.rota,
                short=costs_short(result.costs) if result.rota is not None else (),
            )
        )
    return result


def _solve_levels(
    ctx: ModelContext,
    levels: dict[int, cp_model.LinearExprT],
    reporter: _Reporter,
    deadline: float,
    stop: threading.Event | None,
    workers: int | None,
    seed: int,
    log: bool,
    mode: str = "stages",
) -> tuple[int, cp_model.CpSolver]:
    """Minimise the priority levels in turn, keeping each level's best value before the next.

    Stage k minimises level k together with every level after it, under weights that
    make one unit of a level outweigh all the levels below it at their worst (when such
    weights stay within a double's exact range; else level k alone, with an equal
    share of the time left). A stage ends as soon as level k is proven: its value is
    then kept as a constraint and the next stage goes on from that rota (a full
    solution hint) in the narrower space - a level 2 proven at 0 makes every contract
    rule hold. A stage that proves its whole weighted optimum has proven every level
    left. ``mode`` "levels" minimises one level per stage; "weights" is one solve that
    does not end early. The three were measured against each other: see README.
    Returns the status (optimal only when every level was proven) and the solver
    holding the last rota found.
    """
    model = ctx.model
    order = list(levels) or [0]  # no soft rule at all: one solve for any rota
    reporter.close_early = mode != "weights"
    best = None
    proven = True
    for i, level in enumerate(order):
        rest = {lv: levels[lv] for lv in order[i:] if lv in levels}
        weights = dominating_weights(rest) if mode != "levels" and len(rest) > 1 else None
        if weights is not None:
            model.minimize(sum(weights[lv] * expr for lv, expr in rest.items()))
            reporter.level_bound = _level_bound(rest, weights, level)
        elif level in levels:
            model.minimize(levels[level])
            reporter.level_bound = float
        reporter.stage = level if level in levels else None
        left = deadline - time.monotonic()
        if best is not None and left < 0.1:  # the time is up: keep the rota found
            proven = False
            break
        budget = max(0.1, left * _share(mode, i, len(order), weights is not None))
        solver = _run_stage(model, reporter, budget, stop, workers, seed, log)
        stage_status = solver.last_status
        if stage_status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if best is None:
                return stage_status, solver
            proven = False
            break
        best = solver
        if i < len(order) - 1:  # the final rota is reported by the caller
            reporter.hand_over(solver)
        if stage_status == cp_model.OPTIMAL and weights is not None:
            for lv, expr in rest.items():  # the weighted optimum is every level's optimum
                reporter.bounds[lv] = float(solver.value(expr))
            break
        closed = reporter.closed  # its own level proven, ended early for the next stage
        proven = proven and (stage_status == cp_model.OPTIMAL or closed)
        if level in levels:
            value = int(solver.value(levels[level]))
            reporter.bounds[level] = (
                float(value) if closed else reporter.level_bound(solver.best_objective_bound)
            )
            model.add(levels[level] <= value)
            _hint_solution(model, solver)
        if stop is not None and stop.is_set():
            proven = proven and i == len(order) - 1
            break
    if best is not None and all(  # a later stage may close what an earlier one left open
        reporter.bounds.get(lv) == best.value(expr) for lv, expr in levels.items()
    ):
        proven = True
    return (cp_model.OPTIMAL if proven else cp_model.FEASIBLE), best


def _share(mode: str, stage: int, stages: int, weighted: bool) -> float:
    """The share of the time left that a stage may use.

    A stage that weighs every level left may use all of it: it ends by itself as
    soon as its own level is proven, and until then it improves the levels below
    too. A stage of one level shares what is left equally with the stages after it.
    """
    if weighted or mode == "weights":
        return 1.0
    return 1.0 / (stages - stage)


def _level_bound(
    rest: dict[int, cp_model.LinearExprT], weights: dict[int, int], level: int
) -> Callable[[float], float]:
    """Turn a bound on the weighted sum of levels into a bound on its first level.

    The levels below can add at most their weighted maximum, so the first level is
    at least (bound - that maximum) / its weight, rounded up, and never below 0.
    """
    below = sum(weights[lv] * _upper(expr) for lv, expr in rest.items() if lv != level)
    step = _step(rest[level])

    def bound(total: float) -> float:
        least = max(0.0, math.ceil((total - below) / weights[level]))
        return float(math.ceil(least / step) * step)  # the level moves in whole steps

    return bound


def _step(expr: cp_model.LinearExprT) -> int:
    """The step a level's value moves in: the greatest common divisor of its weights."""
    if isinstance(expr, int):
        return 1
    flat = cmh.FlatIntExpr(expr)
    return math.gcd(*flat.coeffs, flat.offset) or 1


SAFE_OBJECTIVE = 2**52  # beyond this CP-SAT's floating-point bounds lose whole units


def dominating_weights(levels: dict[int, cp_model.LinearExprT]) -> dict[int, int] | None:
    """A weight per level that outweighs every lower level at its worst, or None if too large.

    The last level weighs 1; each level above weighs one more than the largest
    value all the levels below it can reach together, so one unit of a level is
    worth more than anything beneath it and the weighted optimum is the
    lexicographic one.
    """
    order = sorted(levels, reverse=True)
    weights: dict[int, int] = {}
    below = 0  # the most the levels already weighed can add up to
    for level in order:
        weights[level] = below + 1
        below += weights[level] * _upper(levels[level])
        if below > SAFE_OBJECTIVE:
            return None
    return weights


def _upper(expr: cp_model.LinearExprT) -> int:
    """The largest value a linear expression can take over its variables' domains."""
    if isinstance(expr, int):
        return expr
    flat = cmh.FlatIntExpr(expr)
    top = flat.offset
    for var, coeff in zip(flat.vars, flat.coeffs, strict=True):
        domain = list(var.proto.domain)  # the proto's list takes no negative index
        top += coeff * (domain[-1] if coeff > 0 else domain[0])
    return top


class _StageSolver(cp_model.CpSolver):
    """A CP-SAT solver that remembers the status of its last solve."""

    last_status: int = cp_model.UNKNOWN


def _run_stage(
    model: cp_model.CpModel,
    reporter: _Reporter,
    seconds: float,
    stop: threading.Event | None,
    workers: int | None,
    seed: int,
    log: bool,
) -> _StageSolver:
    """One CP-SAT solve of the model as it stands, within ``seconds``, stoppable."""
    solver = _StageSolver()
    params = solver.parameters
    params.max_time_in_seconds = seconds
    params.num_workers = workers or default_workers()
    params.random_seed = seed
    params.log_search_progress = log
    solver.best_bound_callback = reporter.on_bound
    reporter.solver, reporter.closed, reporter.fresh = solver, False, False
    finished = threading.Event()
    watcher = threading.Thread(target=_watch, args=(solver, reporter, stop, finished), daemon=True)
    watcher.start()
    try:
        solver.last_status = solver.solve(model, reporter)
    finally:
        finished.set()
        watcher.join()
    return solver


def _hint_solution(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Hint every variable of the model with its value in the solver's last rota."""
    values = list(solver.response_proto.solution)
    model.clear_hints()
    model.proto.solution_hint.vars.extend(range(len(values)))
    model.proto.solution_hint.values.extend(values)


def _construct(
    problem: Problem, time_limit: float, on_progress: Callable[[Progress], None] | None
) -> tuple[Rota, list[Cost], float] | None:
    """A first rota by dynamic programming (``construct.py``) to start CP-SAT from.

    Returns (rota, its costs, seconds), or None when the construction leaves anyone
    unplaced; the first rota is reported as progress at once.
    """
    t0 = time.monotonic()
    rota, left = first_rota(problem)
    if left:
        return None
    seconds = time.monotonic() - t0
    report = validate(problem, rota)
    if on_progress is not None:
        on_progress(
            Progress(
                report.objective,
                None,
                seconds,
                1,
                time_limit,
                level_totals(report.costs, problem.priorities.level_count),
                rota=rota,
                short=costs_short(report.costs),
            )
        )
    return rota, report.costs, seconds


def _constructed_result(
    constructed: tuple[Rota, list[Cost], float],
    result: SolveResult,
    on_progress: Callable[[Progress], None] | None,
    level_count: int,
) -> SolveResult:
    """The constructed rota as the answer when CP-SAT found none better in time."""
    rota, costs, _seconds = constructed
    objective = sum(c.total for c in costs)
    result.status, result.rota, result.objective, result.costs = "feasible", rota, objective, costs
    result.levels = level_totals(costs, level_count)
    if on_progress is not None:
        on_progress(
            Progress(
                objective,
                None,
                result.seconds,
                1,
                result.seconds,
                rota=rota,
                short=costs_short(costs),
            )
        )
    return result


def _solve_blocks(
    problem: Problem,
    time_limit: float,
    workers: int | None,
    on_progress: Callable[[Progress], None] | None,
    stop: threading.Event | None,
    hint: Rota | None,
    seed: int,
) -> SolveResult:
    """Solve a large problem of independent people in blocks (see ``decompose.py``)."""
    t0 = time.monotonic()
    first: list[float] = []

    handed: list[float] = []

    def improved(objective: int, rota: Rota) -> None:
        now = time.monotonic()
        if not first:
            first.append(now - t0)
        if on_progress is not None:
            fresh = not handed or now - handed[-1] >= ROTA_EVERY
            if fresh:
                handed.append(now)
            on_progress(
                Progress(
                    objective,
                    None,
                    now - t0,
                    0,
                    time_limit,
                    rota=rota if fresh else None,
                    short=None,  # the blocks do not say where the gaps are
                )
            )

    rota, objective, count = solve_in_blocks(
        problem,
        time_limit=time_limit,
        workers=workers or default_workers(),
        seed=seed,
        on_improve=improved,
        stop=stop,
        hint=hint,
        solve_whole=solve,
    )
    seconds = time.monotonic() - t0
    result = SolveResult(
        status="unknown" if rota is None else "feasible",
        rota=rota,
        objective=objective,
        bound=None,
        seconds=seconds,
        build_seconds=0.0,
        solutions=count,
        first_seconds=first[0] if first else None,
        strategy="blocks",
    )
    if rota is not None:
        result.costs = validate(problem, rota).costs
        result.levels = level_totals(result.costs, problem.priorities.level_count)
        if on_progress is not None:
            on_progress(
                Progress(
                    objective,
                    None,
                    seconds,
                    count,
                    time_limit,
                    rota=rota,
                    short=costs_short(result.costs),
                )
            )
    return result


def _watch(solver, reporter: _Reporter, stop: threading.Event | None, finished: threading.Event):
    """Report elapsed time about once a second and stop the search when asked."""
    while not finished.wait(0.25 if stop is not None else 1.0):
        if stop is not None and stop.is_set():
            solver.stop_search()
            return
        if time.monotonic() - reporter.started >= 1.0:
            reporter.report()


def _status_name(status: int) -> str:
    return {
        cp_model.OPTIMAL: "optimal",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
        cp_model.UNKNOWN: "unknown",
        cp_model.MODEL_INVALID: "invalid",
    }[status]


def _add_hint(ctx: ModelContext, hint: Rota) -> None:
    """Suggest a previous rota to the solver as a starting point."""
    chosen = {(a.person, a.day, a.shift, a.activity, a.mode) for a in hint.assignments}
    for key, var in ctx.vars.items():
        ctx.model.add_hint(var, key in chosen)


def extract_rota(solver: cp_model.CpSolver, ctx: ModelContext) -> Rota:
    """Read the assignments (and each trainee's trainer) out of a solved model."""
    trainer_of: dict[tuple[str, int, str], str] = {}
    for (trainer, trainee, day, shift, _station), var in ctx.vars.pairs():
        if solver.boolean_value(var):
            trainer_of[(trainee, day, shift)] = trainer
    out = []
    for (person, day, shift, activity, mode), var in ctx.vars.items():
        if solver.boolean_value(var):
            trainer = trainer_of.get((person, day, shift)) if mode is Mode.TRAINEE else None
            out.append(Assignment(person, day, shift, activity, mode, trainer))
    out.sort(key=lambda a: (a.day, a.shift, a.activity, a.person))
    return Rota(tuple(out))


def _under(penalty) -> bool:
    """Whether a penalty is a station's cover shortfall (people missing below the minimum)."""
    return penalty.family == "cover" and penalty.key.endswith(":under")


def cover_short(source, ctx: ModelContext) -> tuple[tuple[int, str, str, int], ...]:
    """The cover gaps of the rota a solver (or a solution callback) holds.

    Each is (day, shift, station, people missing), read from the cover family's
    shortfall penalties.
    """
    out = []
    for p in ctx.penalties:
        if _under(p):
            missing = int(source.value(p.amount))
            if missing:
                out.append((p.subject.day, p.subject.shift, p.subject.activity, missing))
    return tuple(out)


def costs_short(costs: list[Cost]) -> tuple[tuple[int, str, str, int], ...]:
    """The cover gaps among a rota's evaluated costs, as :func:`cover_short` gives them."""
    return tuple(
        (c.subject.day, c.subject.shift, c.subject.activity, c.amount)
        for c in costs
        if _under(c) and c.amount
    )
