"""Workload family: contracted minutes (raised by volunteered extra shifts) and shift-type caps."""

from datetime import time

import pytest

from scheduler.solver import Assignment, Offer, OfferKind, Rota, ShiftType, Site
from scheduler.solver.constraints import family
from scheduler.solver.priorities import Priorities

WORKLOAD = family("workload")

DAY = ShiftType("day", "Day", "S", time(7, 0), 480)
NIGHT = ShiftType("night", "Night", "S", time(23, 0), 480)


@pytest.fixture
def load_problem(make_problem, make_person):
    """Ann with a contract, day and night shifts, pins as (day, shift) and offers."""

    def build(pins=(), offers=(), zone="UTC", priorities=None, **contract):
        return make_problem(
            priorities=priorities or Priorities(),
            sites=(Site("S", "Site", zone),),
            shift_types=(DAY, NIGHT),
            people=(make_person("ann", contract=contract),),
            pins=tuple(Assignment("ann", d, s, "fill") for d, s in pins),
            offers=tuple(offers),
        )

    return build


def minutes(problem, result):
    """Minutes Ann works in a solved rota."""
    return sum(problem.slot_minutes(a.day, a.shift) for a in result.rota.assignments)


def test_workload_exact_minutes(load_problem, run):
    problem = load_problem(min_minutes=3 * 480, max_minutes=3 * 480)
    result = run(problem)
    assert result.status == "optimal"
    assert minutes(problem, result) == 1440


def test_workload_max_minutes_infeasible(load_problem, run):
    result = run(load_problem(pins=[(0, "day"), (3, "day"), (6, "night")], max_minutes=960))
    assert result.status == "infeasible"
    assert any("Ann's contract: at most 16 h over the 7 days" in r for r in result.reasons)


def test_workload_volunteered_extra_shift_raises_max(load_problem, run):
    offer = Offer("ann", OfferKind.EXTRA_SHIFTS, count=1)
    problem = load_problem(
        pins=[(0, "day"), (3, "day"), (6, "night")], max_minutes=960, offers=[offer]
    )
    result = run(problem)
    assert result.status == "optimal"
    assert minutes(problem, result) == 1440


def test_workload_max_shifts_of_a_type(load_problem, run):
    result = run(load_problem(pins=[(0, "night"), (6, "night")], max_shifts={"night": 1}))
    assert result.status == "infeasible"
    assert any("Ann's contract: at most 1 Night shift(s)" in r for r in result.reasons)
    banned = run(
        load_problem(
            min_minutes=7 * 480, max_shifts={"night": 0}, priorities=Priorities(contracts_hard=True)
        )
    )
    assert banned.status == "optimal"
    assert {a.shift for a in banned.rota.assignments} == {"day"}
    zero_cap = run(load_problem(pins=[(6, "night")], max_shifts={"night": 0}))
    assert zero_cap.status == "infeasible"
    assert "Ann's contract: no Night shifts" in zero_cap.reasons  # the zero cap is named


def check(problem, *slots):
    """The workload violations of a rota with Ann on the given (day, shift) slots."""
    rota = Rota(tuple(Assignment("ann", d, s, "fill") for d, s in slots))
    return [v.sentence for v in WORKLOAD.check(problem, rota)]


def test_workload_check_bounds_and_caps(load_problem):
    problem = load_problem(min_minutes=960, max_minutes=960, max_shifts={"night": 0})
    assert check(problem, (0, "day"), (6, "day")) == []
    assert check(problem, (0, "day")) == []  # the minimum is contract_hours' rule
    assert check(problem, (0, "day"), (1, "day"), (6, "night")) == [
        "Ann's contract: at most 16 h over the 7 days, but works 24 h",
        "Ann's contract: no Night shifts, but works 1",
    ]
    raised = load_problem(max_minutes=960, offers=[Offer("ann", OfferKind.EXTRA_SHIFTS, count=2)])
    assert check(raised, (0, "day"), (1, "day"), (2, "day"), (6, "day")) == []
    assert check(raised, *((d, "day") for d in range(5))) == [
        "Ann's contract: at most 32 h (16 h + 16 h volunteered) over the 7 days, but works 40 h"
    ]
