"""Duty limits family: never more than the weekly count, nor more than the daily cap."""

from scheduler.solver import Assignment, Duty, Rota
from scheduler.solver.constraints import family

LIMITS = family("duty_limits")


def batch(**overrides) -> Duty:
    """A daily cabinet-restock batch at site S: seven a week, at most one a day."""
    return Duty(
        **{
            "id": "batch",
            "name": "Restock batch",
            "site": "S",
            "minutes": 240,
            "per_week": 7,
            "per_day": 1,
            "weight": 100,
            **overrides,
        }
    )


def test_duty_limits_spread_a_daily_batch_one_per_day(make_problem, make_person, run):
    people = [make_person(p) for p in ("ann", "ben", "cid")]
    result = run(make_problem(people=people, duties=[batch()]))
    days = sorted(a.day for a in result.rota.assignments if a.activity == "batch")
    assert days == list(range(7))  # first and last day included, never two on one day
    assert result.objective == 0


def test_duty_limits_pins_beyond_the_daily_cap_are_infeasible_and_named(
    make_problem, make_person, run
):
    people = [make_person(p) for p in ("ann", "ben")]
    pins = [Assignment("ann", 6, "day", "batch"), Assignment("ben", 6, "day", "batch")]
    result = run(make_problem(people=people, duties=[batch()], pins=pins))
    assert result.status == "infeasible"
    assert any("Restock batch: at most 1 on Sun 8 Mar" in r for r in result.reasons)


def test_duty_limits_check_flags_week_and_day_overruns(make_problem, make_person):
    people = [make_person(p) for p in ("ann", "ben", "cid")]
    problem = make_problem(people=people, duties=[batch(per_week=2)])
    rota = Rota(
        (
            Assignment("ann", 0, "day", "batch"),
            Assignment("ben", 0, "day", "batch"),
            Assignment("cid", 6, "day", "batch"),
        )
    )
    sentences = [v.sentence for v in LIMITS.check(problem, rota)]
    assert sentences == [
        "Restock batch: at most 2 in the week from Mon 2 Mar, but 3",
        "Restock batch: at most 1 on Mon 2 Mar, but 2",
    ]
    ok = Rota((Assignment("ann", 0, "day", "batch"), Assignment("cid", 6, "day", "batch")))
    assert LIMITS.check(problem, ok) == []
