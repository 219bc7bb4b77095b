"""Fairness family: nights and weekend shifts beyond a fair share of the demand are priced."""

from collections import Counter
from datetime import time

from scheduler.solver import (
    Assignment,
    Competency,
    Cover,
    Level,
    Request,
    Role,
    Rota,
    ShiftType,
    Skill,
    Station,
    Weights,
)
from scheduler.solver.constraints import family

from .conftest import with_cover
from .test_cover import assert_model_matches_check, by_key, model_objective_of

FAIRNESS = family("fairness")
NIGHT = ShiftType("night", "Night", "S", time(22, 0), 480, night=True)


def nights(make_problem, make_person, ben_away=(), **overrides):
    """Four nights (Monday to Thursday) needing one technician each; Ann and Ben can work them."""
    ben = make_person("ben", unavailable=frozenset((d, None) for d in ben_away))
    problem = make_problem(days=4, shift_types=[NIGHT], people=[make_person("ann"), ben],
                           **overrides)
    return with_cover(problem)


def test_fairness_nights_split_evenly_cost_nothing(make_problem, make_person, run):
    result = run(nights(make_problem, make_person))
    assert result.objective == 0
    assert Counter(a.person for a in result.rota.assignments) == {"ann": 2, "ben": 2}


def test_fairness_night_above_the_share_costs_exact_points(make_problem, make_person, run):
    result = run(nights(make_problem, make_person, ben_away=(1, 2, 3)))
    assert result.objective == 15
    assert by_key(result.costs) == {
        "fairness:night:ann": (15, 1, "Ann: 1 night shift(s) above the fair share of 2"),
    }


def test_fairness_with_zero_weight_costs_nothing(make_problem, make_person, run):
    problem = nights(make_problem, make_person, ben_away=(1, 2, 3),
                     weights=Weights(night_fairness=0))
    assert run(problem).objective == 0


def test_fairness_weekend_shift_above_the_share_is_priced(make_problem, make_person, run):
    problem = make_problem(
        people=[make_person("ann"), make_person("ben", unavailable=frozenset({(6, None)}))],
        cover=[Cover(d, "day", "fill", 1, 1) for d in (5, 6)],
        requests=[Request("ben", 5, None, False, 50)],
    )
    result = run(problem)
    assert result.objective == 15
    assert by_key(result.costs) == {
        "fairness:weekend:ann": (15, 1, "Ann: 1 weekend shift(s) above the fair share of 1"),
    }


def test_fairness_check_shares_within_each_role_group(make_problem, make_person):
    phil = make_person("phil", role=Role.PHARMACIST, skills={"rph": Skill(Level.INDEPENDENT)})
    problem = make_problem(
        days=4,
        shift_types=[NIGHT],
        competencies=[Competency("fill", "Fill"), Competency("rph", "Pharmacist check")],
        stations=[Station("fill", "Fill", "S", ("fill",)),
                  Station("verify", "Verify", "S", ("rph",))],
        people=[make_person("ann"), make_person("ben"), phil],
        cover=[Cover(d, "night", s, 1, 1) for d in range(4) for s in ("fill", "verify")],
    )
    rota = Rota((
        *(Assignment("phil", d, "night", "verify") for d in range(4)),  # the only pharmacist
        *(Assignment("ann", d, "night", "fill") for d in range(3)),
        Assignment("ben", 3, "night", "fill"),
    ))
    assert [(c.key, c.weight, c.amount) for c in FAIRNESS.check(problem, rota)] == [
        ("fairness:night:ann", 15, 1),
    ]
    assert model_objective_of(problem, rota) == 15


def test_fairness_model_matches_check_on_random_rotas(make_problem, make_person):
    day = ShiftType("day", "Day", "S", time(7, 0), 480)
    phil = make_person("phil", role=Role.PHARMACIST)
    problem = make_problem(
        shift_types=[day, NIGHT],
        days=14,
        people=[make_person("ann"), make_person("ben", unavailable=frozenset({(5, None)})),
                make_person("cid"), phil],
    )
    problem = with_cover(problem, minimum=1, ideal=1)
    assert_model_matches_check(problem, "fairness", seeds=range(10))
    weekends = [Cover(d, "day", "fill", 1, 1) for d in (5, 6, 12, 13)]
    problem = make_problem(days=14, cover=weekends,
                           people=[make_person("ann"), make_person("ben"), make_person("cid")])
    assert_model_matches_check(problem, "fairness", seeds=range(10))
