"""Rest family: forbidden successions, minimum rest, no overlap, history and daylight saving."""

from datetime import date, time

import pytest

from scheduler.solver import Assignment, PastShift, Rota, ShiftType, Site
from scheduler.solver.constraints import family
from scheduler.solver.constraints.rest import gap_minutes

REST = family("rest")

NIGHT = ShiftType("night", "Night", "S", time(23, 0), 480)  # 23:00-07:00
DAY = ShiftType("day", "Day", "S", time(7, 0), 480)  # 07:00-15:00
LATE = ShiftType("late", "Late", "S", time(14, 0), 540, forbidden_next=frozenset({"early"}))
EARLY = ShiftType("early", "Early", "S", time(10, 0), 480)  # 11 h after a late, on paper


@pytest.fixture
def rest_problem(make_problem, make_person):
    """Night, day, late and early shifts at one site; Ann with the given rest and history."""

    def build(
        rest=0, pins=(), history=(), zone="UTC", start=date(2026, 3, 2), shifts=None, minutes=0
    ):
        contract = {"min_rest_minutes": rest, "min_minutes": minutes}
        ann = make_person("ann", contract=contract, history=tuple(history))
        return make_problem(
            start=start,
            sites=(Site("S", "Site", zone),),
            shift_types=shifts or (NIGHT, DAY, LATE, EARLY),
            people=(ann,),
            pins=tuple(Assignment("ann", d, s, "fill") for d, s in pins),
        )

    return build


def test_rest_solver_night_then_day_allowed_without_min_rest(rest_problem, run):
    result = run(rest_problem(rest=0, pins=[(5, "night"), (6, "day")]))
    assert result.status == "optimal"


def test_rest_solver_night_then_day_forbidden_by_min_rest(rest_problem, run):
    result = run(rest_problem(rest=660, pins=[(5, "night"), (6, "day")]))
    assert result.status == "infeasible"
    rule = "Ann's contract: at least 11 hours' rest between shifts"
    assert any(rule in r for r in result.reasons)


def test_rest_solver_overlap_forbidden_even_without_min_rest(rest_problem, run):
    long_night = ShiftType("night", "Night", "S", time(23, 0), 600)  # until 09:00
    problem = rest_problem(shifts=(long_night, DAY), pins=[(0, "night"), (1, "day")])
    result = run(problem)
    assert result.status == "infeasible"
    assert any("Ann cannot work two shifts that overlap in time" in r for r in result.reasons)


def test_rest_solver_forbidden_succession_on_last_day(rest_problem, run):
    result = run(rest_problem(pins=[(5, "late"), (6, "early")]))
    assert result.status == "infeasible"
    assert any(
        "Ann may not work the Early shift the day after the Late shift" in r for r in result.reasons
    )
    assert run(rest_problem(pins=[(5, "early"), (6, "late")])).status == "optimal"


def test_rest_solver_history_blocks_first_day(rest_problem, run):
    problem = rest_problem(rest=660, pins=[(0, "day")], history=[PastShift(-1, "night")])
    result = run(problem)
    assert result.status == "infeasible"
    assert any("11 hours' rest" in r for r in result.reasons)
    late_before = rest_problem(pins=[(0, "early")], history=[PastShift(-1, "late")])
    assert run(late_before).status == "infeasible"
    night_again = rest_problem(rest=660, pins=[(0, "night")], history=[PastShift(-1, "night")])
    assert run(night_again).has_rota


def test_rest_solver_rest_keeps_shifts_apart_in_a_full_week(rest_problem, run):
    problem = rest_problem(rest=660, minutes=7 * 480)
    result = run(problem)
    assert result.status == "optimal"
    slots = sorted((a.day, a.shift) for a in result.rota.assignments)
    for (d1, s1), (d2, s2) in zip(slots, slots[1:], strict=False):
        assert gap_minutes(problem, (d1, s1), (d2, s2)) >= 660


# ----- daylight saving: the gap is real time, not wall-clock time ---------


def test_rest_dst_night_across_spring_forward_new_york(rest_problem, run):
    problem = rest_problem(rest=660, zone="America/New_York", pins=[(5, "night"), (6, "day")])
    assert problem.slot_minutes(5, "night") == 420  # Sat 7 Mar 23:00 EST to Sun 07:00 EDT
    assert gap_minutes(problem, (5, "night"), (6, "day")) == 0
    assert run(problem).status == "infeasible"


def test_rest_dst_gap_decides_feasibility(rest_problem, run):
    plain = (ShiftType("late", "Late", "S", time(14, 0), 540), EARLY)
    spring = rest_problem(
        rest=660,
        zone="Europe/London",
        start=date(2026, 3, 23),
        shifts=plain,
        pins=[(5, "late"), (6, "early")],
    )
    assert gap_minutes(spring, (5, "late"), (6, "early")) == 600
    assert run(spring).status == "infeasible"
    utc = rest_problem(
        rest=660, start=date(2026, 3, 23), shifts=plain, pins=[(5, "late"), (6, "early")]
    )
    assert gap_minutes(utc, (5, "late"), (6, "early")) == 660
    assert run(utc).status == "optimal"
    autumn = rest_problem(
        rest=700,
        zone="Europe/London",
        start=date(2026, 10, 19),
        shifts=plain,
        pins=[(5, "late"), (6, "early")],
    )
    assert gap_minutes(autumn, (5, "late"), (6, "early")) == 720
    assert run(autumn).status == "optimal"


# ----- validator ------------------------------------------------------------


def check(problem, *slots):
    """The rest violations of a rota with Ann on the given (day, shift) slots."""
    rota = Rota(tuple(Assignment("ann", d, s, "fill") for d, s in slots))
    return [v.sentence for v in REST.check(problem, rota)]


def test_rest_check_min_rest(rest_problem):
    problem = rest_problem(rest=660)
    assert check(problem, (0, "night"), (1, "day")) == [
        "Ann's contract: at least 11 hours' rest between shifts, but only 0 minutes: "
        "Mon 2 Mar night then Tue 3 Mar day"
    ]
    assert check(problem, (0, "night"), (1, "night"), (6, "day")) == []


def test_rest_check_overlap_and_history(rest_problem):
    problem = rest_problem(
        rest=0,
        history=[PastShift(-1, "night")],
        shifts=(ShiftType("night", "Night", "S", time(23, 0), 600), DAY),
    )
    assert check(problem, (0, "day")) == [
        "Ann cannot work two shifts that overlap in time, but they overlap: "
        "Sun 1 Mar night then Mon 2 Mar day"
    ]


def test_rest_check_forbidden_succession(rest_problem):
    problem = rest_problem()
    assert check(problem, (5, "late"), (6, "early")) == [
        "Ann may not work the Early shift the day after the Late shift: "
        "Sat 7 Mar late then Sun 8 Mar early"
    ]
    assert check(problem, (4, "late"), (6, "early")) == []
