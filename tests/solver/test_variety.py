"""Variety family: shifts a trainee spends beside the same trainer beyond the second are priced."""

from collections import Counter
from datetime import timedelta

import pytest

from scheduler.solver import Assignment, Goal, Level, Mode, Rota, Skill, Weights
from scheduler.solver.constraints import family

from .conftest import MONDAY
from .test_cover import assert_model_matches_check, by_key, model_objective_of

VARIETY = family("variety")


@pytest.fixture
def mentoring(make_problem, make_person):
    """Build a week where Cara needs four supervised Fill shifts from the given trainers."""

    def build(trainers=("tom",), **overrides):
        people = [make_person(t, skills={"fill": Skill(Level.TRAINER)}) for t in trainers]
        people.append(make_person("cara", skills={"fill": Skill(Level.SUPERVISED)}))
        needs = Goal("g", "cara", "fill", Level.INDEPENDENT, 4, MONDAY + timedelta(days=7))
        return make_problem(**{"people": people, "goals": [needs], **overrides})

    return build


def test_variety_two_trainers_sharing_the_shifts_cost_nothing(mentoring, run):
    result = run(mentoring(trainers=("tom", "tia")))
    assert result.objective == 0
    mentors = Counter(a.trainer for a in result.rota.assignments if a.mode is Mode.TRAINEE)
    assert mentors == {"tom": 2, "tia": 2}


def test_variety_one_trainer_for_four_shifts_costs_two_beyond_two(mentoring, run):
    result = run(mentoring())
    assert result.objective == 2 * 5
    assert by_key(result.costs) == {
        "variety:cara:tom": (5, 2, "Cara trains beside Tom on 2 shift(s) beyond 2"),
    }


def test_variety_with_zero_weight_costs_nothing(mentoring, run):
    problem = mentoring(weights=Weights(trainer_variety=0))
    assert run(problem).objective == 0


def test_variety_check_counts_each_trainer_on_first_and_last_day(mentoring):
    problem = mentoring(trainers=("tom", "tia"), goals=[])
    plan = {0: "tom", 1: "tom", 2: "tia", 6: "tom"}
    rota = Rota(
        tuple(
            a
            for d, trainer in plan.items()
            for a in (
                Assignment(trainer, d, "day", "fill"),
                Assignment("cara", d, "day", "fill", Mode.TRAINEE, trainer=trainer),
            )
        )
    )
    assert [(c.key, c.weight, c.amount) for c in VARIETY.check(problem, rota)] == [
        ("variety:cara:tom", 5, 1),
    ]
    assert model_objective_of(problem, rota) == 5


def test_variety_model_matches_check_on_random_rotas(mentoring):
    problem = mentoring(trainers=("tom", "tia"), goals=[])
    assert_model_matches_check(problem, "variety", seeds=range(10))
