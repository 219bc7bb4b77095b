"""Duties family: each duty done per_week times a week, never more, each missing one priced."""

from scheduler.solver import Assignment, Duty, Rota
from scheduler.solver.constraints import family

from .test_cover import assert_model_matches_check, by_key, model_objective_of

DUTIES = family("duties")


def stock(**overrides) -> Duty:
    """A restock duty at site S, once a week, 100 points per missing occurrence."""
    return Duty(
        **{
            "id": "stock",
            "name": "Cabinet restock",
            "site": "S",
            "minutes": 480,
            "per_week": 1,
            "weight": 100,
            **overrides,
        }
    )


def test_duties_done_each_week_cost_nothing(make_problem, run):
    result = run(make_problem(days=14, duties=[stock()]))
    assert result.objective == 0
    weeks = [a.day // 7 for a in result.rota.assignments if a.activity == "stock"]
    assert sorted(weeks) == [0, 1]


def test_duties_never_assigned_beyond_per_week(make_problem, make_person, run):
    people = [make_person(p) for p in ("ann", "ben", "cid")]
    result = run(make_problem(people=people, duties=[stock(per_week=2)]))
    assert result.objective == 0
    assert sum(a.activity == "stock" for a in result.rota.assignments) == 2


def test_duties_shortfall_on_mondays_only_costs_exact_points(make_problem, run):
    problem = make_problem(days=14, duties=[stock(per_week=2, days=frozenset({0}))])
    result = run(problem)
    assert result.objective == 100 * 2  # one Monday a week, one person: one of two each week
    assert by_key(result.costs) == {
        "duties:stock:0": (100, 1, "Cabinet restock, week from Mon 2 Mar: 1 of 2 not rostered"),
        "duties:stock:1": (100, 1, "Cabinet restock, week from Mon 9 Mar: 1 of 2 not rostered"),
    }


def test_duties_short_last_week_still_asks_the_full_count(make_problem, run):
    problem = make_problem(days=10, duties=[stock(per_week=2, days=frozenset({5}))])
    result = run(problem)
    # Week 1 has one Saturday (1 short); days 7-9 are Mon-Wed, no Saturday (2 short).
    assert result.objective == 100 * 1 + 100 * 2
    assert {c.key: c.amount for c in result.costs} == {"duties:stock:0": 1, "duties:stock:1": 2}


def test_duties_check_prices_first_and_last_day_and_ignores_excess(make_problem, make_person):
    problem = make_problem(
        days=14,
        people=[make_person("ann"), make_person("ben")],
        duties=[stock(per_week=2), stock(id="qi", name="QI audit", weight=0)],
    )
    rota = Rota(
        (
            Assignment("ann", 0, "day", "stock"),
            Assignment("ann", 13, "day", "stock"),
            Assignment("ben", 13, "day", "stock"),
            Assignment("ben", 12, "day", "stock"),
        )
    )
    assert [(c.key, c.weight, c.amount) for c in DUTIES.check(problem, rota)] == [
        ("duties:stock:0", 100, 1),  # week 2 has three: over-assignment is not priced
    ]
    fits = Rota(rota.assignments[:3])
    assert [c.key for c in DUTIES.check(problem, fits)] == ["duties:stock:0"]
    assert model_objective_of(problem, fits) == 100  # qi costs nothing (weight 0)


def test_duties_model_matches_check_on_random_rotas(make_problem, make_person):
    problem = make_problem(
        days=10,
        people=[make_person("ann"), make_person("ben")],
        duties=[stock(per_week=2), stock(id="qi", name="QI audit", days=frozenset({1, 2}))],
    )
    assert_model_matches_check(problem, "duties")
