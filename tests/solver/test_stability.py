"""Stability family: each person-day that differs from the reference rota is priced."""

from scheduler.solver import Assignment, Duty, Mode, Rota, Station, Weights
from scheduler.solver.constraints import family

from .conftest import with_cover
from .test_cover import assert_model_matches_check, by_key, model_objective_of

STABILITY = family("stability")
ANN_ALL_WEEK = tuple(Assignment("ann", d, "day", "fill") for d in range(7))
ONLY_CHANGES = Weights(0, 0, 0, 0, change=50, trainer_variety=0)


def test_stability_rota_equal_to_reference_costs_nothing(make_problem, make_person, run):
    problem = with_cover(
        make_problem(
            people=[make_person("ann"), make_person("ben")],
            reference=ANN_ALL_WEEK,
            weights=ONLY_CHANGES,
        )
    )
    result = run(problem)
    assert result.objective == 0
    assert result.rota.assignments == ANN_ALL_WEEK


def test_stability_sick_call_costs_exactly_the_two_changes(make_problem, make_person, run):
    sick = make_person("ann", unavailable=frozenset({(3, None)}))
    problem = with_cover(
        make_problem(
            people=[sick, make_person("ben")], reference=ANN_ALL_WEEK, weights=ONLY_CHANGES
        )
    )
    result = run(problem)
    assert result.objective == 2 * 50
    assert by_key(result.costs) == {
        "stability:ann:3": (50, 1, "Ann Thu 5 Mar: changed from the reference (day at Fill)"),
        "stability:ben:3": (50, 1, "Ben Thu 5 Mar: changed from the reference (off)"),
    }


def test_stability_without_reference_or_weight_costs_nothing(make_problem, run):
    problem = with_cover(make_problem())
    assert STABILITY.check(problem, Rota(())) == []
    silent = with_cover(make_problem(reference=(), weights=Weights(change=0)))
    assert run(silent).objective == 0


def test_stability_check_compares_shift_and_place_not_mode(make_problem, make_person):
    problem = make_problem(
        people=[make_person("ann"), make_person("ben")],
        stations=[Station("fill", "Fill", "S", ("fill",)), Station("pack", "Packing", "S")],
        duties=[Duty("stock", "Restock", "S", 480, weight=0)],
        reference=(
            Assignment("ann", 0, "day", "fill"),
            Assignment("ann", 6, "day", "stock"),
            Assignment("ben", 0, "day", "fill", Mode.TRAINEE, trainer="ann"),
            Assignment("ben", 6, "day", "fill"),
        ),
        weights=Weights(change=7),
    )
    rota = Rota(
        (
            Assignment("ann", 0, "day", "fill"),
            Assignment("ann", 6, "day", "fill"),  # moved from the duty to a station
            Assignment("ben", 0, "day", "fill"),  # trainee before, works now: same place
            Assignment("ben", 2, "day", "pack"),  # was off
        )
    )
    assert [(c.key, c.total) for c in STABILITY.check(problem, rota)] == [
        ("stability:ann:6", 7),
        ("stability:ben:2", 7),
        ("stability:ben:6", 7),
    ]
    assert model_objective_of(problem, rota) == 21


def test_stability_model_matches_check_on_random_rotas(make_problem, make_person):
    reference = (
        Assignment("ann", 0, "day", "fill"),
        Assignment("ann", 2, "day", "stock"),
        Assignment("ben", 1, "day", "fill", Mode.TRAINEE, trainer="ann"),
        Assignment("ben", 3, "day", "pack"),
    )
    problem = make_problem(
        days=4,
        people=[make_person("ann"), make_person("ben")],
        stations=[Station("fill", "Fill", "S", ("fill",)), Station("pack", "Packing", "S")],
        duties=[Duty("stock", "Restock", "S", 480, weight=0)],
        reference=reference,
    )
    assert_model_matches_check(problem, "stability")
