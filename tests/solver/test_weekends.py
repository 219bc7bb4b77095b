"""Weekends family: at most the contract's weekends worked; one day of a weekend is enough."""

from datetime import date

import pytest

from scheduler.solver import Assignment, Rota
from scheduler.solver.constraints import family
from scheduler.solver.priorities import Priorities

HARD = Priorities(contracts_hard=True)  # as the benchmark counts contracts

WEEKENDS = family("weekends")


@pytest.fixture
def weekend_problem(make_problem, make_person):
    """Ann with a weekend cap and pinned days, over ``days`` days from ``start``."""

    def build(most=1, pins=(), days=14, start=date(2026, 3, 2), hard=True, **contract):
        ann = make_person("ann", contract={"max_weekends": most, **contract})
        return make_problem(
            start=start,
            days=days,
            people=(ann,),
            pins=tuple(Assignment("ann", d, "day", "fill") for d in pins),
            priorities=HARD if hard else Priorities(),
        )

    return build


def test_weekends_both_days_of_one_weekend_count_once(weekend_problem, run):
    result = run(weekend_problem(most=1, pins=(5, 6)))
    assert result.status == "optimal"
    assert not {12, 13} & {a.day for a in result.rota.assignments}


def test_weekends_second_weekend_infeasible(weekend_problem, run):
    result = run(weekend_problem(most=1, pins=(5, 13)))
    assert result.status == "infeasible"
    assert any("Ann's contract: at most 1 weekend(s) worked" in r for r in result.reasons)


def test_weekends_zero_allowed_with_heavy_workload(weekend_problem, run):
    result = run(weekend_problem(most=0, min_minutes=10 * 480))
    assert result.status == "optimal"
    assert sorted(a.day for a in result.rota.assignments) == [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]
    assert run(weekend_problem(most=0, min_minutes=11 * 480)).status == "infeasible"


def test_weekends_first_and_last_day_of_horizon(weekend_problem, run):
    # From a Sunday: day 0 closes one weekend and day 6 opens the next.
    problem = weekend_problem(most=1, days=7, start=date(2026, 3, 1), pins=(0, 6))
    assert problem.weekends == ((0,), (6,))
    assert run(problem).status == "infeasible"
    ok = weekend_problem(most=2, days=7, start=date(2026, 3, 1), pins=(0, 6))
    assert run(ok).status == "optimal"


def check(problem, *days):
    """The weekend violations of a rota with Ann on the given days."""
    rota = Rota(tuple(Assignment("ann", d, "day", "fill") for d in days))
    return [v.sentence for v in WEEKENDS.check(problem, rota)]


def test_weekends_check(weekend_problem):
    problem = weekend_problem(most=1)
    assert check(problem, 0, 5, 6, 7) == []
    assert check(problem, 6, 12) == [
        "Ann's contract: at most 1 weekend(s) worked, but works 2 (from Sat 7 Mar, Sat 14 Mar)"
    ]
    assert check(weekend_problem(most=None), 5, 12) == []


def test_weekends_soft_over_the_contract_costs_on_level_2(weekend_problem, run):
    problem = weekend_problem(most=1, pins=(5, 13), hard=False)
    result = run(problem)
    assert result.status == "optimal"
    [cost] = result.costs
    assert (cost.level, cost.amount, cost.total) == (3, 1, 600)
    assert cost.sentence == "Ann: 1 weekend(s) beyond the 1 the contract allows"
    rota = Rota(tuple(Assignment("ann", d, "day", "fill") for d in (6, 12)))
    assert [c.amount for c in WEEKENDS.check(problem, rota)] == [1]
