"""Solve large rotas whose people are independent by construction and neighbourhood search.

When no hard rule ties one person's rota to another's (no pharmacist ratio, no
trainee beside a trainer, no shared duty or goal, no fairness share), every hard
rule is about one person alone and only the cover lines join people together. Such
a problem can be solved for a few people at a time against the cover the others
already give: the sub-problem is the same Problem, with the other people's head
counts taken off each cover line, so its objective equals the whole rota's minus a
constant, and it is built and solved by the same families as any other rota.

A greedy pass over the people builds a first rota quickly: each person's path is
found by dynamic programming against the cover the people before them give
(``construct.py``), so a rota with no hard violation comes within seconds even on a
year's horizon; CP-SAT places anyone the programme cannot. Then a large-neighbourhood
search frees random blocks of people, re-solves them against everyone else's fixed
rota, and keeps every improvement.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from .construct import first_rota
from .problem import Assignment, Mode, Problem, Rota
from .validate import validate

if TYPE_CHECKING:
    from .solve import SolveResult

# A sub-problem's size in (person, day, shift) placements: small enough to solve in
# a second or two on one core, large enough that a block can trade shifts.
BLOCK_PLACEMENTS = 6000
# Problems with fewer placements than this are solved whole: CP-SAT proves them.
WHOLE_MODEL_PLACEMENTS = 30000


def placements(problem: Problem) -> int:
    """How many (person, day, shift) placements the problem could have."""
    return len(problem.people) * problem.days * max(1, len(problem.shift_types))


def independent(problem: Problem) -> bool:
    """Whether every hard rule concerns one person alone, so people can be solved in blocks."""
    if any(site.ratio is not None for site in problem.sites):
        return False
    if problem.duties or problem.goals or problem.offers or problem.pins or problem.kept_days:
        return False
    w = problem.weights
    # a fair share ties the people of its pool together: nights and weekends here; the shares
    # of a duty (duty_fairness) and of training (training_fairness) go with the duties above
    # and the training placements below, which a trainer beside a trainee ties together anyway
    if w.night_fairness or w.weekend_fairness or w.trainer_variety:
        return False
    return not any(
        problem.training_competencies(person, station, 0)
        for person in problem.people
        for station in problem.stations
    )


def worth_decomposing(problem: Problem) -> bool:
    """Whether the engine should solve this problem in blocks of people rather than whole."""
    return placements(problem) > WHOLE_MODEL_PLACEMENTS and independent(problem)


def sub_problem(problem: Problem, people: list[str], fixed: list[Assignment]) -> Problem:
    """The problem for some people alone, with the cover the fixed assignments give taken off."""
    chosen = set(people)
    given = Counter((a.day, a.shift, a.activity) for a in fixed if a.mode is Mode.WORKS)
    cover = []
    for line in problem.cover:
        f = given[(line.day, line.shift, line.station)]
        cover.append(
            line
            if not f
            else replace(line, minimum=max(0, line.minimum - f), ideal=max(0, line.ideal - f))
        )
    reference = problem.reference
    if reference is not None:
        reference = tuple(a for a in reference if a.person in chosen)
    return replace(
        problem,
        people=tuple(p for p in problem.people if p.id in chosen),
        requests=tuple(r for r in problem.requests if r.person in chosen),
        cover=tuple(cover),
        reference=reference,
    )


def solve_in_blocks(
    problem: Problem,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    on_improve: Callable[[int, Rota], None],
    stop: threading.Event | None,
    hint: Rota | None = None,
    solve_whole: Callable[..., SolveResult],
) -> tuple[Rota | None, int | None, int]:
    """Build a rota block by block, then improve it by re-solving random blocks of people.

    ``solve_whole`` is the whole-model solve (``solve.solve``), which serves every
    sub-problem. Returns the best rota, its objective and how many improving rotas
    were found.
    """

    started = time.monotonic()
    deadline = started + time_limit
    rng = random.Random(seed)
    ids = [p.id for p in problem.people]
    per_person = max(1, problem.days * max(1, len(problem.shift_types)))
    size = max(1, min(len(ids), BLOCK_PLACEMENTS // per_person))

    def left_time() -> float:
        return deadline - time.monotonic()

    def stopped() -> bool:
        return left_time() <= 0.05 or (stop is not None and stop.is_set())

    # ---- construction: a path per person by dynamic programming (construct.py), in
    # turn against the cover the earlier people give; CP-SAT places whoever it leaves ----
    mine: dict[str, list[Assignment]] = {pid: [] for pid in ids}
    if hint is not None:
        for a in hint.assignments:
            if a.person in mine:
                mine[a.person].append(a)
        left = ids
    else:
        placed, left = first_rota(problem, ids)
        for a in placed.assignments:
            mine[a.person].append(a)
    construct_budget = 0.25 * time_limit
    for i, pid in enumerate(left):  # one person at a time: each alone meets their contract
        fixed = [a for other in ids if other != pid for a in mine[other]]
        sub = sub_problem(problem, [pid], fixed)
        person_hint = Rota(tuple(mine[pid])) if mine[pid] else None
        budget = max(0.3, (construct_budget - (time.monotonic() - started)) / (len(left) - i))
        result = None
        for attempt in range(3):
            if stopped():
                return None, None, 0
            result = solve_whole(
                sub,
                time_limit=min(budget * 3**attempt, left_time()),
                workers=workers,
                seed=seed + attempt,
                explain_infeasible=False,
                strategy="whole",
                hint=person_hint,
            )
            if result.rota is not None or result.status == "infeasible":
                break
        if result is None or result.rota is None:
            return None, None, 0
        mine[pid] = list(result.rota.assignments)
    best = Rota(tuple(a for pid in ids for a in mine[pid]))
    objective = validate(problem, best).objective
    improvements = 1
    on_improve(objective, best)

    # ---- a sweep re-solving each person alone against everyone else (the dynamic
    # programme's path is a good hint but no optimum), then large-neighbourhood
    # search over random blocks of people ----
    sub_limit = 2.0
    sweep = [] if hint is not None else list(ids)
    sweep_limit = min(sub_limit, max(0.5, 0.25 * time_limit / max(1, len(ids))))
    while not stopped():
        sweeping = bool(sweep)
        block = [sweep.pop(0)] if sweeping else rng.sample(ids, min(size, len(ids)))
        fixed = [a for pid in ids if pid not in block for a in mine[pid]]
        sub = sub_problem(problem, block, fixed)
        current = Rota(tuple(a for pid in block for a in mine[pid]))
        before = validate(sub, current).objective
        result = solve_whole(
            sub,
            time_limit=min(sweep_limit if sweeping else sub_limit, left_time()),
            workers=workers,
            seed=rng.randrange(1 << 30),
            hint=current,
            explain_infeasible=False,
            strategy="whole",
        )
        if not sweeping:  # the block grows while CP-SAT proves it, shrinks while it cannot
            if result.status == "optimal":
                size = min(len(ids), size + 1)
            elif size > 2:
                size -= 1
        if result.rota is None or result.objective is None or result.objective >= before:
            continue
        objective -= before - result.objective
        for pid in block:
            mine[pid] = []
        for a in result.rota.assignments:
            mine[a.person].append(a)
        best = Rota(tuple(a for pid in ids for a in mine[pid]))
        improvements += 1
        on_improve(objective, best)
    return best, objective, improvements
