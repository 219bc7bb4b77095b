"""The engine against a brute-force oracle on tiny generated problems.

(a) the solver's rota is optimal level by level and keeps the oracle's hard rules, and the
solver says infeasible exactly when no rota keeps them; (b) the validator agrees with the
oracle on every rota it is given, feasible or not; (c) the construction heuristic's rotas
keep the oracle's hard rules.

What (b) compares: the hard verdict on every rota; the per-level score on every rota
in which each person has at most one assignment a day (then every count a soft rule
makes is unambiguous, feasible or not). For a rota that places someone twice on a day
only the verdict is compared: the soft rules' counts of a doubled day are a convention.
"""

from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.solver import solve, validate
from scheduler.solver.construct import first_rota
from scheduler.solver.decompose import independent
from scheduler.solver.problem import Rota

from .oracle import Oracle
from .strategies import problems, rotas

SETTINGS = {"derandomize": True, "deadline": None,
            "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much]}


def _one_a_day(rota: Rota) -> bool:
    """Whether nobody is placed twice on a day."""
    return max(Counter((a.person, a.day) for a in rota.assignments).values(), default=0) <= 1


@settings(max_examples=120, **SETTINGS)
@given(problems())
def test_solver_is_optimal_level_by_level_by_the_oracle(problem):
    oracle = Oracle(problem)
    found = oracle.best()
    result = solve(problem, time_limit=5.0, workers=2, explain_infeasible=False)
    if found.levels is None:
        assert result.rota is None, f"the oracle finds no rota, the solver {result.status}"
        assert result.status == "infeasible"
        return
    assert result.rota is not None, f"the oracle finds {found.levels}, the solver none"
    verdict = oracle.judge(result.rota)
    assert verdict.ok, verdict.breaches
    assert verdict.levels == result.levels
    assert result.levels == found.levels, f"oracle's best {found.rota}"


@settings(max_examples=60, **SETTINGS)
@given(st.data())
def test_validator_agrees_with_the_oracle_on_every_rota(data):
    problem = data.draw(problems(cap=400))
    oracle = Oracle(problem)
    given_rotas = [Rota(tuple(items)) for items in itertools.islice(oracle.rotas(), 40)]
    given_rotas += [data.draw(rotas(problem)) for _ in range(15)]
    for rota in given_rotas:
        verdict = oracle.judge(rota)
        report = validate(problem, rota)
        assert report.ok == verdict.ok, (rota, verdict.breaches,
                                         [v.sentence for v in report.violations])
        if _one_a_day(rota):
            assert report.levels == verdict.levels, (
                rota, [(c.key, c.total, c.level) for c in report.costs])


@settings(max_examples=40, **SETTINGS)
@given(problems(independent=True))
def test_constructed_rotas_keep_the_oracle_hard_rules(problem):
    assert independent(problem)
    rota, left = first_rota(problem)
    oracle = Oracle(problem)
    if not left:
        verdict = oracle.judge(rota)
        assert verdict.ok, (rota, verdict.breaches)
    # those it places keep every rule about them; the rest are left to CP-SAT
    items = list(rota.assignments)
    assert not {a.person for a in items} & set(left)
    breaches = oracle.joint_breaches(items)
    for person in problem.people:
        if person.id not in left:
            breaches += oracle.person_breaches(person, [a for a in items if a.person == person.id])
    assert not breaches, (rota, left, breaches)
