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
from datetime import date, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.solver import solve, validate
from scheduler.solver.construct import first_rota
from scheduler.solver.decompose import independent
from scheduler.solver.problem import (
    Assignment,
    Cover,
    Problem,
    RatioRule,
    Role,
    Rota,
    ShiftType,
    Site,
    Weights,
)

from .oracle import Oracle
from .strategies import problems, rotas

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
}


def _one_a_day(rota: Rota) -> bool:
    """Whether nobody is placed twice on a day."""
    return max(Counter((a.person, a.day) for a in rota.assignments).values(), default=0) <= 1


@settings(max_examples=200, **SETTINGS)
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


@settings(max_examples=80, **SETTINGS)
@given(st.data())
def test_validator_agrees_with_the_oracle_on_every_rota(data):
    problem = data.draw(problems(cap=400))
    oracle = Oracle(problem)
    given_rotas = [Rota(tuple(items)) for items in itertools.islice(oracle.rotas(), 40)]
    given_rotas += [data.draw(rotas(problem)) for _ in range(15)]
    for rota in given_rotas:
        verdict = oracle.judge(rota)
        report = validate(problem, rota)
        assert report.ok == verdict.ok, (
            rota,
            verdict.breaches,
            [v.sentence for v in report.violations],
        )
        if _one_a_day(rota):
            assert report.levels == verdict.levels, (
                rota,
                [(c.key, c.total, c.level) for c in report.costs],
            )


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


# ----- the oracle itself, on hand-made cases --------------------------------------------


def test_oracle_measures_a_night_across_the_clocks_going_forward():
    problem = Problem(
        start=date(2026, 3, 28),
        days=1,
        sites=(Site("S", "Site", "Europe/London"),),
        shift_types=(ShiftType("n", "Night", "S", time(22, 0), 480, night=True),),
        competencies=(),
        stations=(),
        people=(),
    )
    assert Oracle(problem).window(0, "n") == (22 * 60, 22 * 60 + 420)  # 22:00 GMT-06:00 BST


def test_oracle_and_validator_find_a_ratio_breach_at_a_moment(make_problem, make_person):
    early = ShiftType("early", "Early", "S", time(7, 0), 480)
    late = ShiftType("late", "Late", "S", time(13, 0), 480)
    rph = make_person("pat", role=Role.PHARMACIST)
    tech = make_person("ann")
    problem = make_problem(
        days=1,
        shift_types=[early, late],
        people=[rph, tech],
        sites=[Site("S", "Site", ratio=RatioRule("law", 1))],
    )
    # Ann works on from 15:00 to 21:00 with no pharmacist: a breach only at those moments.
    rota = Rota((Assignment("pat", 0, "early", "fill"), Assignment("ann", 0, "late", "fill")))
    verdict = Oracle(problem).judge(rota)
    assert not verdict.ok
    assert verdict.breaches == ("ratio at S from minute 900: 0 pharmacists, 1 plain, 0 certified",)
    assert not validate(problem, rota).ok


def test_oracle_prices_night_fairness_over_time_as_the_spec_says(make_problem, make_person):
    night = ShiftType("n", "Night", "S", time(22, 0), 480, night=True)
    ann, ben = make_person("ann"), make_person("ben")
    object.__setattr__(ann, "past", {"night": 3})  # until Person.past lands with the family
    problem = make_problem(
        days=2,
        shift_types=[night],
        people=[ann, ben],
        cover=[Cover(d, "n", "fill", 1, 1) for d in range(2)],
        weights=Weights(night_fairness=15, weekend_fairness=0),
    )
    # Pool of two, D = 2: T = ceil((3 + 0 + 2) / 2) = 3; Ann's allowance 0, Ben's 3.
    terms = {
        (pid, kind): allowance for _r, _w, pid, kind, allowance in Oracle(problem).fair_terms()
    }
    assert terms == {("ann", "night"): 0, ("ben", "night"): 3}
    rota = Rota((Assignment("ann", 0, "n", "fill"), Assignment("ben", 1, "n", "fill")))
    assert Oracle(problem).judge(rota).levels == (0, 0, 0, 0, 15)
