"""Volunteering family: offered duties, training and stations given at least once, or priced."""

from scheduler.solver import (
    Assignment,
    Competency,
    Duty,
    Level,
    Mode,
    Offer,
    OfferKind,
    Rota,
    Skill,
    Station,
    Weights,
)
from scheduler.solver.constraints import family

from .test_cover import assert_model_matches_check, by_key, model_objective_of

VOLUNTEERING = family("volunteering")
STOCK = Duty("stock", "Stock count", "S", 480, per_week=1, days=frozenset({0}), weight=0)


def test_volunteering_offers_honoured_cost_nothing(make_problem, make_person, run):
    problem = make_problem(
        people=[
            make_person("ann", skills={"fill": Skill(Level.TRAINER)}),
            make_person("cara", skills={"fill": Skill(Level.SUPERVISED)}),
        ],
        duties=[STOCK],
        offers=[
            Offer("ann", OfferKind.DUTY, duty="stock"),
            Offer("ann", OfferKind.TRAIN),
            Offer("cara", OfferKind.STATION, station="fill"),
            Offer("cara", OfferKind.EXTRA_SHIFTS, count=2),
        ],
    )
    result = run(problem)
    assert result.objective == 0
    rota = result.rota.assignments
    assert any(a.person == "ann" and a.activity == "stock" for a in rota)
    assert any(a.trainer == "ann" for a in rota)


def test_volunteering_duty_offer_out_of_reach_costs_weight_times_multiplier(
    make_problem, make_person, run
):
    ann = make_person("ann", unavailable=frozenset({(0, None)}))  # the only Monday
    problem = make_problem(
        people=[ann],
        duties=[STOCK],
        weights=Weights(volunteer=2),
        offers=[Offer("ann", OfferKind.DUTY, duty="stock", weight=30)],
    )
    result = run(problem)
    assert result.objective == 60
    assert by_key(result.costs) == {
        "volunteering:ann:duty:stock": (
            60,
            1,
            "Ann offered to take Stock count but is not given it",
        ),
    }


def test_volunteering_two_offers_for_one_weekly_duty_leave_one_unmet(
    make_problem, make_person, run
):
    problem = make_problem(
        people=[make_person("ann"), make_person("ben")],
        duties=[STOCK],
        offers=[
            Offer("ann", OfferKind.DUTY, duty="stock", weight=30),
            Offer("ben", OfferKind.DUTY, duty="stock", weight=20),
        ],
    )
    result = run(problem)
    assert result.objective == 20  # the duty is done once a week at most
    assert [a.person for a in result.rota.assignments if a.activity == "stock"] == ["ann"]


def test_volunteering_train_and_station_offers_without_a_chance_cost_their_weight(
    make_problem, make_person, run
):
    problem = make_problem(
        people=[make_person("ann", skills={"fill": Skill(Level.TRAINER)})],
        competencies=[Competency("fill", "Fill"), Competency("iv", "IV compounding")],
        stations=[Station("fill", "Fill", "S", ("fill",)), Station("iv", "IV room", "S", ("iv",))],
        offers=[
            Offer("ann", OfferKind.TRAIN, weight=30),
            Offer("ann", OfferKind.STATION, station="iv", weight=7),
        ],
    )
    result = run(problem)
    assert result.objective == 37
    assert by_key(result.costs) == {
        "volunteering:ann:train": (30, 1, "Ann offered to train others but supervises no trainee"),
        "volunteering:ann:station:iv": (
            7,
            1,
            "Ann offered to work at IV room but is not placed there",
        ),
    }


def test_volunteering_check_prices_a_hand_made_rota(make_problem, make_person):
    problem = make_problem(
        people=[
            make_person("ann", skills={"fill": Skill(Level.TRAINER)}),
            make_person("ben", skills={"fill": Skill(Level.TRAINER)}),
            make_person("cara", skills={"fill": Skill(Level.SUPERVISED)}),
        ],
        duties=[STOCK],
        offers=[
            Offer("ann", OfferKind.TRAIN, weight=1),
            Offer("ben", OfferKind.TRAIN, weight=2),
            Offer("ben", OfferKind.DUTY, duty="stock", weight=4),
            Offer("cara", OfferKind.STATION, station="fill", weight=8),
            Offer("ann", OfferKind.EXTRA_SHIFTS, weight=16),
        ],
    )
    rota = Rota(
        (
            Assignment("ann", 6, "day", "fill"),
            Assignment("cara", 6, "day", "fill", Mode.TRAINEE, trainer="ann"),
            Assignment("ben", 6, "day", "fill"),
        )
    )
    costs = VOLUNTEERING.check(problem, rota)
    assert [(c.key, c.total) for c in costs] == [
        ("volunteering:ben:train", 2),
        ("volunteering:ben:duty:stock", 4),
    ]
    assert model_objective_of(problem, rota) == 6


def test_volunteering_model_matches_check_on_random_rotas(make_problem, make_person):
    problem = make_problem(
        days=3,
        people=[
            make_person("ann", skills={"fill": Skill(Level.TRAINER)}),
            make_person("ben", skills={"fill": Skill(Level.TRAINER)}),
            make_person("cara", skills={"fill": Skill(Level.SUPERVISED)}),
        ],
        duties=[Duty("stock", "Stock count", "S", 480, per_week=1, weight=0)],
        offers=[
            Offer("ann", OfferKind.TRAIN, weight=3),
            Offer("ben", OfferKind.TRAIN, weight=5),
            Offer("ben", OfferKind.DUTY, duty="stock", weight=7),
            Offer("ann", OfferKind.DUTY, duty="stock", weight=11),
            Offer("cara", OfferKind.STATION, station="fill", weight=13),
        ],
    )
    assert_model_matches_check(problem, "volunteering", seeds=range(10))
