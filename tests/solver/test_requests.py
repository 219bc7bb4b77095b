"""Requests family: shift and day wishes, for and against, each costing its weight when refused."""

from datetime import time

from scheduler.solver import Assignment, Cover, Request, Rota, ShiftType
from scheduler.solver.constraints import family

from .test_cover import assert_model_matches_check, by_key, model_objective_of

REQUESTS = family("requests")
TWO_SHIFTS = (
    ShiftType("day", "Day", "S", time(7, 0), 480),
    ShiftType("night", "Night", "S", time(22, 0), 480, night=True),
)


def test_requests_all_granted_cost_nothing(make_problem, run):
    problem = make_problem(
        requests=[
            Request("ann", 0, "day", True, 3),
            Request("ann", 4, None, False, 5),
            Request("ann", 6, None, True, 2),
        ]
    )
    result = run(problem)
    assert result.objective == 0
    worked = {a.day for a in result.rota.assignments}
    assert {0, 6} <= worked
    assert 4 not in worked


def test_requests_in_conflict_cost_the_lighter_one_exactly(make_problem, run):
    problem = make_problem(
        requests=[
            Request("ann", 2, "day", True, 3),
            Request("ann", 2, None, False, 5),
        ]
    )
    result = run(problem)
    assert result.objective == 3
    assert by_key(result.costs) == {
        "requests:ann:2:day:on": (3, 1, "Ann asked to work Wed 4 Mar day but does not"),
    }


def test_requests_against_leave_cost_a_constant(make_problem, make_person, run):
    ann = make_person("ann", unavailable=frozenset({(0, None)}))
    problem = make_problem(
        people=[ann],
        requests=[
            Request("ann", 0, "day", True, 4),  # on leave: can never be granted
            Request("ann", 0, None, False, 9),  # on leave: always granted
        ],
    )
    result = run(problem)
    assert result.objective == 4
    assert [c.key for c in result.costs] == ["requests:ann:0:day:on"]


def test_requests_off_request_loses_to_cover_pressure(make_problem, run):
    problem = make_problem(
        requests=[Request("ann", 6, "day", False, 7)],
        cover=[Cover(6, "day", "fill", 1, 1, under_weight=100, ideal_weight=0)],
    )
    result = run(problem)
    assert result.objective == 7
    assert by_key(result.costs) == {
        "requests:ann:6:day:off": (7, 1, "Ann asked not to work Sun 8 Mar day but is rostered"),
    }


def test_requests_check_prices_a_hand_made_rota_exactly(make_problem):
    problem = make_problem(
        shift_types=TWO_SHIFTS,
        requests=[
            Request("ann", 0, "day", True, 1),  # works the night instead: refused
            Request("ann", 0, "night", False, 2),  # works that night: refused
            Request("ann", 1, "night", False, 4),  # works the day instead: granted
            Request("ann", 2, None, True, 8),  # off: refused
            Request("ann", 6, None, False, 16),  # works the last day: refused
            Request("ann", 5, "day", True, 32),  # granted
            Request("ann", 3, "day", True, 0),  # zero weight: never priced
        ],
    )
    rota = Rota(
        (
            Assignment("ann", 0, "night", "fill"),
            Assignment("ann", 1, "day", "fill"),
            Assignment("ann", 5, "day", "fill"),
            Assignment("ann", 6, "night", "fill"),
        )
    )
    assert by_key(REQUESTS.check(problem, rota)) == {
        "requests:ann:0:day:on": (1, 1, "Ann asked to work Mon 2 Mar day but does not"),
        "requests:ann:0:night:off": (2, 1, "Ann asked not to work Mon 2 Mar night but is rostered"),
        "requests:ann:2:*:on": (8, 1, "Ann asked to work on Wed 4 Mar but is off"),
        "requests:ann:6:*:off": (16, 1, "Ann asked for Sun 8 Mar off but is rostered"),
    }
    assert model_objective_of(problem, rota) == 1 + 2 + 8 + 16


def test_requests_model_matches_check_on_random_rotas(make_problem, make_person):
    people = [make_person("ann"), make_person("ben", unavailable=frozenset({(1, None)}))]
    requests = [
        Request(p, d, s, want, 1 + d)
        for p in ("ann", "ben")
        for d in range(3)
        for s in ("day", "night", None)
        for want in (True, False)
        if (d + len(s or "") + want) % 2
    ]
    problem = make_problem(days=3, shift_types=TWO_SHIFTS, people=people, requests=requests)
    assert_model_matches_check(problem, "requests")
