"""Fairness family: nights, weekends, each duty and training shared over the fairness window."""

from collections import Counter
from datetime import time, timedelta

import pytest

from scheduler.solver import (
    Assignment,
    Competency,
    Cover,
    Duty,
    Goal,
    Level,
    Mode,
    Offer,
    OfferKind,
    Request,
    Role,
    Rota,
    ShiftType,
    Skill,
    Station,
    Weights,
)
from scheduler.solver.constraints import family
from scheduler.solver.priorities import Rule

from .conftest import MONDAY, with_cover
from .test_cover import assert_model_matches_check, by_key, model_objective_of

FAIRNESS = family("fairness")
NIGHT = ShiftType("night", "Night", "S", time(22, 0), 480, night=True)
COUNT = Duty("count", "Inventory count", "S", 480, per_week=1, weight=100)
WEEKENDS = (5, 6, 12, 13)


def past(**counts) -> dict[str, int]:
    """A Person.past dict from keyword counts (duty_count= stands for "duty:count")."""
    return {k.replace("duty_", "duty:"): v for k, v in counts.items()}


def worked(result, activity=None) -> Counter:
    """Shifts per person in a solved rota (on one activity when given)."""
    return Counter(
        a.person for a in result.rota.assignments if activity is None or a.activity == activity
    )


# ----- nights ------------------------------------------------------------------------------


def nights(make_problem, make_person, ben_away=(), ann_past=None, ben_past=None, **overrides):
    """Four nights (Monday to Thursday) needing one technician each; Ann and Ben can work them."""
    ann = make_person("ann", past=ann_past or {})
    ben = make_person(
        "ben", unavailable=frozenset((d, None) for d in ben_away), past=ben_past or {}
    )
    problem = make_problem(days=4, shift_types=[NIGHT], people=[ann, ben], **overrides)
    return with_cover(problem)


def test_fairness_nights_split_evenly_cost_nothing(make_problem, make_person, run):
    result = run(nights(make_problem, make_person))
    assert result.objective == 0
    assert worked(result) == {"ann": 2, "ben": 2}


def test_fairness_night_beyond_the_share_costs_exact_points(make_problem, make_person, run):
    result = run(nights(make_problem, make_person, ben_away=(1, 2, 3)))
    assert result.objective == 15
    assert by_key(result.costs) == {
        "fairness:night:ann": (
            15,
            1,
            "Ann: 1 night shift(s) beyond a fair share (0 in the last 8 weeks; "
            "fair share with this week 2)",
        ),
    }
    assert result.costs[0].rule is Rule.FAIR_NIGHTS


def test_fairness_many_past_nights_leave_this_weeks_nights_to_a_colleague(
    make_problem, make_person, run
):
    problem = nights(make_problem, make_person, ann_past=past(night=6), ben_past=past(night=0))
    result = run(problem)
    assert result.objective == 0  # fair share (6 + 4) / 2 = 5: Ben may take all four
    assert worked(result) == {"ben": 4}


def test_fairness_past_nights_priced_in_the_sentence(make_problem, make_person, run):
    problem = nights(
        make_problem,
        make_person,
        ben_away=(1, 2, 3),
        ann_past=past(night=5),
        ben_past=past(night=1),
    )
    result = run(problem)  # share ceil((5 + 1 + 4) / 2) = 5: Ann has had hers, Ben is away
    assert result.objective == 45
    assert by_key(result.costs) == {
        "fairness:night:ann": (
            15,
            3,
            "Ann: 3 night shift(s) beyond a fair share (5 in the last 8 weeks; "
            "fair share with this week 5)",
        ),
    }


def test_fairness_with_zero_weight_costs_nothing(make_problem, make_person, run):
    problem = nights(
        make_problem, make_person, ben_away=(1, 2, 3), weights=Weights(night_fairness=0)
    )
    assert run(problem).objective == 0


def test_fairness_kind_without_demand_or_past_is_not_priced(make_problem, make_person):
    problem = make_problem(days=4, shift_types=[NIGHT], people=[make_person("ann")])
    rota = Rota(tuple(Assignment("ann", d, "night", "fill") for d in range(4)))
    assert FAIRNESS.check(problem, rota) == []


def test_fairness_check_shares_within_each_role_group(make_problem, make_person):
    phil = make_person("phil", role=Role.PHARMACIST, skills={"rph": Skill(Level.INDEPENDENT)})
    problem = make_problem(
        days=4,
        shift_types=[NIGHT],
        competencies=[Competency("fill", "Fill"), Competency("rph", "Pharmacist check")],
        stations=[
            Station("fill", "Fill", "S", ("fill",)),
            Station("verify", "Verify", "S", ("rph",)),
        ],
        people=[make_person("ann"), make_person("ben"), phil],
        cover=[Cover(d, "night", s, 1, 1) for d in range(4) for s in ("fill", "verify")],
    )
    rota = Rota(
        (
            *(Assignment("phil", d, "night", "verify") for d in range(4)),  # the only pharmacist
            *(Assignment("ann", d, "night", "fill") for d in range(3)),
            Assignment("ben", 3, "night", "fill"),
        )
    )
    assert [(c.key, c.weight, c.amount) for c in FAIRNESS.check(problem, rota)] == [
        ("fairness:night:ann", 15, 1),
    ]
    assert model_objective_of(problem, rota) == 15


# ----- weekends ----------------------------------------------------------------------------


def test_fairness_weekend_worked_whole_by_one_person_costs_nothing(make_problem, make_person, run):
    problem = make_problem(
        people=[make_person("ann"), make_person("ben", unavailable=frozenset({(6, None)}))],
        cover=[Cover(d, "day", "fill", 1, 1) for d in (5, 6)],
        requests=[Request("ben", 5, None, False, 50)],
    )
    result = run(problem)  # one person a weekend needed: share ceil(1 / 2) = 1 each
    assert result.objective == 0
    assert worked(result) == {"ann": 2}


def test_fairness_second_weekend_beyond_the_share_costs_exact_points(
    make_problem, make_person, run
):
    ben = make_person("ben", unavailable=frozenset((d, None) for d in (6, 12, 13)))
    problem = make_problem(
        days=14,
        people=[make_person("ann"), ben],
        cover=[Cover(d, "day", "fill", 1, 1) for d in WEEKENDS],
        requests=[Request("ben", 5, None, False, 50)],
    )
    result = run(problem)
    assert result.objective == 15
    assert by_key(result.costs) == {
        "fairness:weekend:ann": (
            15,
            1,
            "Ann: 1 weekend(s) beyond a fair share (0 of the last 8 weekends; "
            "fair share with this week 1)",
        ),
    }
    assert result.costs[0].rule is Rule.FAIR_WEEKENDS


def test_fairness_many_past_weekends_leave_the_weekend_to_a_colleague(
    make_problem, make_person, run
):
    problem = make_problem(
        people=[make_person("ann", past=past(weekend=4)), make_person("ben", past=past(weekend=1))],
        cover=[Cover(d, "day", "fill", 1, 1) for d in (5, 6)],
    )
    result = run(problem)  # share ceil((4 + 1 + 1) / 2) = 3: Ann 0 more, Ben 2 more
    assert result.objective == 0
    assert worked(result) == {"ben": 2}


# ----- duties ------------------------------------------------------------------------------


def test_fairness_duty_shared_between_those_able_costs_nothing(make_problem, make_person, run):
    problem = make_problem(
        people=[make_person("ann"), make_person("ben")],
        duties=[Duty("count", "Inventory count", "S", 480, per_week=2)],
    )
    result = run(problem)
    assert result.objective == 0
    assert worked(result, "count") == {"ann": 1, "ben": 1}


def test_fairness_duty_beyond_the_share_costs_exact_points(make_problem, make_person, run):
    duty = Duty("count", "Inventory count", "S", 480, per_week=2, per_day=1, days=frozenset({0, 1}))
    ben = make_person("ben", unavailable=frozenset({(1, None)}))
    problem = make_problem(
        people=[make_person("ann"), ben],
        duties=[duty],
        requests=[Request("ben", 0, None, False, 50)],
    )
    result = run(problem)
    assert result.objective == 10
    assert by_key(result.costs) == {
        "fairness:duty:count:ann": (
            10,
            1,
            "Ann: 1 Inventory count beyond a fair share (0 in the last 8 weeks; "
            "fair share with this week 1)",
        ),
    }
    assert result.costs[0].rule is Rule.FAIR_DUTIES
    assert result.costs[0].subject.activity == "count"


def test_fairness_many_past_counts_leave_the_count_to_a_colleague(make_problem, make_person, run):
    problem = make_problem(
        people=[make_person("ann", past=past(duty_count=5)), make_person("ben")],
        duties=[COUNT],
    )
    result = run(problem)  # share ceil((5 + 1) / 2) = 3: Ann has had hers
    assert result.objective == 0
    assert worked(result, "count") == {"ben": 1}


def test_fairness_duty_goes_to_volunteers_first(make_problem, make_person, run):
    problem = make_problem(
        people=[
            make_person("ann"),
            make_person("ben"),
            make_person("cid", past=past(duty_count=4)),
        ],
        duties=[COUNT],
        offers=[Offer("cid", OfferKind.DUTY, duty="count")],
        weights=Weights(volunteer=0),  # the offer itself weighs nothing: fairness alone decides
    )
    result = run(problem)  # Cid volunteered: he alone shares it, whatever his past
    assert result.objective == 0
    assert worked(result, "count") == {"cid": 1}
    rota = Rota((Assignment("ann", 0, "day", "count"),))
    assert by_key(FAIRNESS.check(problem, rota)) == {
        "fairness:duty:count:ann": (
            10,
            1,
            "Ann: 1 Inventory count beyond a fair share (volunteers first)",
        ),
    }
    assert model_objective_of(problem, rota) == 10


# ----- training ------------------------------------------------------------------------------


@pytest.fixture
def training(make_problem, make_person):
    """An IV room where Tia trains; Tom and Una are learning IV compounding."""

    def build(tia_away=(), goals=("tom", "una"), needed=1, tom_past=0, **overrides):
        tia = make_person(
            "tia",
            skills={"iv": Skill(Level.TRAINER)},
            unavailable=frozenset((d, None) for d in tia_away),
        )
        learners = [
            make_person(
                p,
                skills={"iv": Skill(Level.SUPERVISED)},
                past=past(training=tom_past) if p == "tom" else {},
            )
            for p in ("tom", "una")
        ]
        return make_problem(
            **{
                "competencies": [Competency("iv", "IV compounding")],
                "stations": [Station("iv", "IV room", "S", ("iv",))],
                "people": [tia, *learners],
                "goals": [
                    Goal(f"g-{p}", p, "iv", Level.INDEPENDENT, needed, MONDAY + timedelta(days=7))
                    for p in goals
                ],
                **overrides,
            }
        )

    return build


def test_fairness_training_shared_by_goals_costs_nothing(training, run):
    result = run(training())
    assert result.objective == 0
    assert Counter(a.person for a in result.rota.assignments if a.mode is Mode.TRAINEE) == {
        "tom": 1,
        "una": 1,
    }


def test_fairness_training_beyond_the_share_costs_exact_points(training, run):
    result = run(training(goals=("tom",), needed=2))  # goals rank above fairness
    assert result.objective == 10
    assert by_key(result.costs) == {
        "fairness:training:tom": (
            10,
            1,
            "Tom: 1 training shift(s) beyond a fair share (0 in the last 8 weeks; "
            "fair share with this week 1)",
        ),
    }
    assert result.costs[0].rule is Rule.FAIR_TRAINING


def test_fairness_scarce_training_goes_to_who_had_less(training, run):
    result = run(training(tia_away=range(1, 7), tom_past=4))  # one training shift this week
    trainees = [a.person for a in result.rota.assignments if a.mode is Mode.TRAINEE]
    assert trainees == ["una"]
    assert result.objective == 80  # Tom's goal shift missed (level 3); fairness costs nothing


def test_fairness_training_without_goals_is_priced_by_past_alone(training):
    problem = training(goals=(), tom_past=3)  # share ceil(3 / 2) = 2: Tom 0, Una 2
    rota = Rota(
        (Assignment("tia", 0, "day", "iv"), Assignment("tom", 0, "day", "iv", Mode.TRAINEE, "tia"))
    )
    assert by_key(FAIRNESS.check(problem, rota)) == {
        "fairness:training:tom": (
            10,
            1,
            "Tom: 1 training shift(s) beyond a fair share "
            "(3 in the last 8 weeks; fair share with this week 2)",
        ),
    }


# ----- the model matches the validator ----------------------------------------------------


def test_fairness_model_matches_check_on_random_rotas(make_problem, make_person):
    day = ShiftType("day", "Day", "S", time(7, 0), 480)
    phil = make_person("phil", role=Role.PHARMACIST)
    problem = make_problem(
        shift_types=[day, NIGHT],
        days=14,
        people=[
            make_person("ann", past=past(night=3, weekend=2)),
            make_person("ben", unavailable=frozenset({(5, None)})),
            make_person("cid", past=past(weekend=1)),
            phil,
        ],
    )
    problem = with_cover(problem, minimum=1, ideal=1)
    assert_model_matches_check(problem, "fairness", seeds=range(8))
    weekends = [Cover(d, "day", "fill", 1, 1) for d in WEEKENDS]
    problem = make_problem(
        days=14, cover=weekends, people=[make_person("ann"), make_person("ben"), make_person("cid")]
    )
    assert_model_matches_check(problem, "fairness", seeds=range(8))


def test_fairness_model_matches_check_with_duties_and_training(training, make_person):
    problem = training(
        tom_past=2,
        duties=[Duty("count", "Inventory count", "S", 480, per_week=2)],
        offers=[Offer("una", OfferKind.DUTY, duty="count")],
    )
    assert_model_matches_check(problem, "fairness", seeds=range(8))
