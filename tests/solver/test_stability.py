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
    assert result.objective == 2 * 50 + 2 * 100  # two person-days, two people affected
    assert by_key(result.costs) == {
        "stability:ann:3": (
            50,
            1,
            "Ann Thu 5 Mar: changed from the rota people were given (day at Fill)",
        ),
        "stability:ben:3": (50, 1, "Ben Thu 5 Mar: changed from the rota people were given (off)"),
        "stability:ann": (100, 1, "Ann: shifts changed"),
        "stability:ben": (100, 1, "Ben: shifts changed"),
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
        weights=Weights(change=7, change_person=0),
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


def test_stability_puts_the_changes_on_as_few_people_as_it_can(make_problem, make_person, run):
    # Ann is off sick on Thu and Fri; Ben or Cat can cover both days. Two people-days change
    # either way, but one person covering both affects two people, not three.
    sick = make_person("ann", unavailable=frozenset({(3, None), (4, None)}))
    problem = with_cover(
        make_problem(
            people=[sick, make_person("ben"), make_person("cat")],
            reference=ANN_ALL_WEEK,
            weights=Weights(0, 0, 0, 0, change=50, change_person=100, trainer_variety=0),
        )
    )
    result = run(problem)
    covering = {a.person for a in result.rota.assignments if a.day in (3, 4)}
    assert len(covering) == 1
    assert covering != {"ann"}
    assert result.objective == 4 * 50 + 2 * 100


def test_stability_counts_a_change_at_short_notice_heavier(make_problem, make_person, run):
    # Monday (day 0) is short notice: a change there costs 150, on any later day 50.
    reference = tuple(Assignment("ann", d, "day", "fill") for d in (1, 2, 3, 4, 5))
    problem = make_problem(
        people=[make_person("ann")],
        reference=reference,
        short_notice_days=1,
        weights=Weights(0, 0, 0, 0, change=50, change_short_notice=150, trainer_variety=0),
    )
    sentences = [c.sentence for c in STABILITY.check(problem, Rota(reference[:1]))]
    assert "Ann Wed 4 Mar: changed from the rota people were given (day at Fill)" in sentences
    monday = Rota((Assignment("ann", 0, "day", "fill"),))
    by = {c.key: c.total for c in STABILITY.check(problem, monday)}
    assert by["stability:ann:0"] == 150
    assert by["stability:ann:1"] == 50
    assert_model_matches_check(problem, "stability")


def test_stability_leaves_kept_days_unpriced(make_problem, make_person):
    problem = make_problem(
        people=[make_person("ann"), make_person("ben")],
        reference=ANN_ALL_WEEK,
        kept=ANN_ALL_WEEK[:2],
        kept_days=2,
    )
    keys = {c.key for c in STABILITY.check(problem, Rota(ANN_ALL_WEEK[:2]))}
    assert keys == {f"stability:ann:{d}" for d in range(2, 7)} | {"stability:ann"}
