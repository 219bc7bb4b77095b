"""Supervision family: each trainee beside one signed-off trainer, within the trainer's capacity."""

import pytest

from scheduler.solver import Assignment, Competency, Level, Mode, Rota, Skill, Station
from scheduler.solver.constraints import family

SUPERVISION = family("supervision")


@pytest.fixture
def iv_problem(make_problem, make_person):
    """An IV room with trainer Cat and trainees Ben and Dan (both at supervised level)."""

    def build(cat=None, pins=(), **fields):
        cat = cat or {}
        learner = {"iv": Skill(Level.SUPERVISED)}
        people = (
            make_person("cat", skills={"iv": Skill(Level.TRAINER)}, **cat),
            make_person("ben", skills=learner),
            make_person("dan", skills=learner),
        )
        return make_problem(
            competencies=(Competency("iv", "IV compounding"),),
            stations=(Station("iv", "IV room", "S", ("iv",)),),
            people=people,
            pins=pins,
            **fields,
        )

    return build


def trainee(person, day, trainer=None):
    """A trainee assignment at the IV room on the day shift."""
    return Assignment(person, day, "day", "iv", Mode.TRAINEE, trainer)


def cat_works(day):
    """Cat working at the IV room on the day shift."""
    return Assignment("cat", day, "day", "iv")


def test_supervision_solver_pairs_trainee_with_trainer_first_and_last_day(iv_problem, run):
    result = run(iv_problem(pins=(trainee("ben", 0), trainee("ben", 6))))
    assert result.status == "optimal"
    got = set(result.rota.assignments)
    assert {trainee("ben", 0, "cat"), trainee("ben", 6, "cat"), cat_works(0), cat_works(6)} <= got
    assert all(a.trainer == "cat" for a in got if a.mode is Mode.TRAINEE)


def test_supervision_solver_infeasible_without_a_trainer(iv_problem, run):
    problem = iv_problem(cat={"unavailable": frozenset({(6, None)})}, pins=(trainee("ben", 6),))
    result = run(problem)
    assert result.status == "infeasible"
    assert any(
        "Ben training at IV room on Sun 8 Mar day needs one trainer beside them" in r
        for r in result.reasons
    )


def test_supervision_solver_trainer_capacity(iv_problem, run):
    pins = (trainee("ben", 0), trainee("dan", 0))
    result = run(iv_problem(pins=pins))
    assert result.status == "infeasible"
    assert any("Cat can supervise at most 1 trainee(s) at once" in r for r in result.reasons)
    roomy = run(iv_problem(cat={"max_trainees": 2}, pins=pins))
    assert roomy.status == "optimal"
    assert {trainee("ben", 0, "cat"), trainee("dan", 0, "cat")} <= set(roomy.rota.assignments)


def check(problem, *assignments):
    """The supervision violations of a hand-made rota, as sentences."""
    return [v.sentence for v in SUPERVISION.check(problem, Rota(tuple(assignments)))]


def test_supervision_check_accepts_paired_trainee(iv_problem):
    assert check(iv_problem(), trainee("ben", 6, "cat"), cat_works(6)) == []


def test_supervision_check_trainee_without_trainer(iv_problem):
    found = check(iv_problem(), trainee("ben", 0))
    assert found == ["Ben's training at IV room on Mon 2 Mar day has no trainer"]


def test_supervision_check_trainer_not_at_station(iv_problem):
    found = check(iv_problem(), trainee("ben", 0, "cat"), cat_works(1))
    assert found == ["Ben's training at IV room on Mon 2 Mar day: Cat is not working at IV room"]


def test_supervision_check_trainer_not_signed_off(iv_problem):
    found = check(iv_problem(), trainee("ben", 0, "dan"), Assignment("dan", 0, "day", "iv"))
    assert found == [
        "Ben's training at IV room on Mon 2 Mar day: Dan is not a signed-off trainer there"
    ]


def test_supervision_check_trainer_capacity(iv_problem):
    rota = (trainee("ben", 0, "cat"), trainee("dan", 0, "cat"), cat_works(0))
    assert check(iv_problem(), *rota) == ["Cat supervises 2 trainees on Mon 2 Mar day; at most 1"]
    assert check(iv_problem(cat={"max_trainees": 2}), *rota) == []
