"""Contract hours family: minutes below the contract's minimum, level 2 (hard for a benchmark)."""

from datetime import time

import pytest

from scheduler.solver import Assignment, Rota, ShiftType, Site
from scheduler.solver.constraints import family
from scheduler.solver.priorities import Priorities

HOURS = family("contract_hours")
DAY = ShiftType("day", "Day", "S", time(7, 0), 480)
NIGHT = ShiftType("night", "Night", "S", time(23, 0), 480)


@pytest.fixture
def hours_problem(make_problem, make_person):
    """Ann with a contract's minimum, day and night shifts, leave days, hard or soft."""

    def build(min_minutes, off=(), zone="UTC", hard=False):
        ann = make_person(
            "ann",
            contract={"min_minutes": min_minutes},
            unavailable=frozenset((d, None) for d in off),
        )
        return make_problem(
            sites=(Site("S", "Site", zone),),
            shift_types=(DAY, NIGHT),
            people=(ann,),
            priorities=Priorities(contracts_hard=hard),
        )

    return build


def test_contract_hours_short_week_returns_a_rota_with_the_shortfall_in_hours(hours_problem, run):
    result = run(hours_problem(min_minutes=5 * 480, off=(0, 1, 2)))
    assert result.status == "optimal"
    assert len(result.rota.assignments) == 4
    [cost] = result.costs
    assert (cost.family, cost.level, cost.amount) == ("contract_hours", 3, 480)
    assert cost.sentence == "Ann: 8 h below the 40 h the contract asks for in these 7 days"


def test_contract_hours_hard_for_the_benchmark_names_the_rule(hours_problem, run):
    result = run(hours_problem(min_minutes=8 * 480, hard=True))
    assert result.status == "infeasible"
    assert any("Ann's contract: at least 3840 minutes over the 7 days" in r for r in result.reasons)


def test_contract_hours_counts_real_minutes_across_clock_change(hours_problem):
    problem = hours_problem(min_minutes=480, zone="America/New_York", hard=True)
    assert problem.slot_minutes(5, "night") == 420
    rota = Rota((Assignment("ann", 5, "night", "fill"),))
    assert [v.sentence for v in HOURS.check(problem, rota)] == [
        "Ann's contract: at least 480 minutes over the 7 days, but works 420"
    ]
    soft = hours_problem(min_minutes=480, zone="America/New_York")
    assert [(c.amount, c.sentence) for c in HOURS.check(soft, rota)] == [
        (60, "Ann: 1 h below the 8 h the contract asks for in these 7 days")
    ]
