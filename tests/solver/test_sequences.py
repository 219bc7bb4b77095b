"""Sequences family: most and fewest working days in a row, fewest days off, borders, history."""

import pytest

from scheduler.solver import Assignment, PastShift, Rota
from scheduler.solver.constraints import family
from scheduler.solver.constraints.sequences import runs
from scheduler.solver.priorities import Priorities

HARD = Priorities(contracts_hard=True)  # as the benchmark counts contracts

SEQUENCES = family("sequences")


@pytest.fixture
def seq_problem(make_problem, make_person):
    """A 7-day horizon with Ann's contract, pins (days worked), leave days and history."""

    def build(pins=(), off=(), past=(), history_days=0, hard=True, **contract):
        ann = make_person(
            "ann",
            contract=contract,
            unavailable=frozenset((d, None) for d in off),
            history=tuple(PastShift(d, "day") for d in past),
        )
        return make_problem(
            people=(ann,),
            pins=tuple(Assignment("ann", d, "day", "fill") for d in pins),
            history_days=history_days,
            priorities=HARD if hard else Priorities(),
        )

    return build


def worked_days(result):
    """Sorted days Ann works in a solved rota."""
    return sorted(a.day for a in result.rota.assignments)


def longest_run(days):
    """The longest run of consecutive days in a sorted list."""
    best = run = 0
    for i, d in enumerate(days):
        run = run + 1 if i and d == days[i - 1] + 1 else 1
        best = max(best, run)
    return best


# ----- maximum working days in a row -----------------------------------------


def test_sequences_max_consecutive_feasible(seq_problem, run):
    result = run(seq_problem(max_consecutive_days=3, min_minutes=6 * 480))
    assert result.status == "optimal"
    assert longest_run(worked_days(result)) == 3  # 3 on, 1 off, 3 on


def test_sequences_max_consecutive_last_days_infeasible(seq_problem, run):
    result = run(seq_problem(pins=(3, 4, 5, 6), max_consecutive_days=3))
    assert result.status == "infeasible"
    assert any("Ann's contract: at most 3 working days in a row" in r for r in result.reasons)


def test_sequences_max_consecutive_assumes_off_before_horizon(seq_problem, run):
    assert run(seq_problem(pins=(0, 1, 2), max_consecutive_days=3)).status == "optimal"


def test_sequences_max_consecutive_counts_history(seq_problem, run):
    problem = seq_problem(pins=(0, 1), past=(-2, -1), history_days=2, max_consecutive_days=3)
    result = run(problem)
    assert result.status == "infeasible"
    assert any("at most 3 working days in a row" in r for r in result.reasons)
    ok = seq_problem(pins=(0,), past=(-2, -1), history_days=2, max_consecutive_days=3)
    assert 1 not in worked_days(run(ok))


# ----- minimum working days in a row ------------------------------------------


def test_sequences_min_consecutive_inside_run_infeasible(seq_problem, run):
    result = run(seq_problem(pins=(3,), off=(2, 4), min_consecutive_days=2))
    assert result.status == "infeasible"
    assert any("Ann's contract: at least 2 working days in a row" in r for r in result.reasons)


def test_sequences_min_consecutive_exempt_on_first_and_last_day(seq_problem, run):
    assert run(seq_problem(pins=(0, 6), off=(1, 5), min_consecutive_days=3)).status == "optimal"


def test_sequences_min_consecutive_solver_extends_short_run(seq_problem, run):
    result = run(seq_problem(pins=(2,), off=(0, 4), min_consecutive_days=2))
    days = worked_days(result)
    assert 1 in days or 3 in days


def test_sequences_min_consecutive_with_history(seq_problem, run):
    # Day -1 was known to be off, so a one-day run on day 0 no longer touches the border.
    problem = seq_problem(pins=(0,), off=(1,), history_days=1, min_consecutive_days=2)
    assert run(problem).status == "infeasible"
    # A run begun the day before (worked) continues: day 0 completes two days in a row.
    carried = seq_problem(pins=(0,), off=(1,), past=(-1,), history_days=1, min_consecutive_days=2)
    assert run(carried).status == "optimal"


def test_sequences_min_consecutive_history_forces_continuation(seq_problem, run):
    problem = seq_problem(past=(-1,), history_days=2, min_consecutive_days=3)
    assert worked_days(run(problem))[:2] == [0, 1]


# ----- minimum days off in a row ----------------------------------------------


def test_sequences_min_days_off_inside_infeasible(seq_problem, run):
    result = run(seq_problem(pins=(4, 6), off=(5,), min_consecutive_days_off=2))
    assert result.status == "infeasible"
    assert any("Ann's contract: at least 2 days off in a row" in r for r in result.reasons)


def test_sequences_min_days_off_feasible(seq_problem, run):
    four = 4 * 480
    result = run(
        seq_problem(pins=(1, 4), min_consecutive_days_off=2, min_minutes=four, max_minutes=four)
    )
    assert result.status == "optimal"
    off = [d for d in range(7) if d not in worked_days(result)]
    assert off in ([2, 3, 6], [0, 2, 3], [0, 5, 6])


def test_sequences_min_days_off_with_history(seq_problem, run):
    problem = seq_problem(pins=(0,), past=(-2,), history_days=2, min_consecutive_days_off=2)
    result = run(problem)
    assert result.status == "infeasible"
    assert any("at least 2 days off in a row" in r for r in result.reasons)
    # Without known history the day off before day 0 is unseen, so nothing is required.
    assert run(seq_problem(pins=(0,), past=(-2,), min_consecutive_days_off=2)).has_rota


# ----- validator --------------------------------------------------------------


def check(problem, *days):
    """The sequence violations of a rota with Ann on the given days."""
    rota = Rota(tuple(Assignment("ann", d, "day", "fill") for d in days))
    return [v.sentence for v in SEQUENCES.check(problem, rota)]


def test_sequences_runs_helper():
    flags = {0: True, 1: True, 2: False, 3: True}
    assert list(runs(flags, 0, 3)) == [(True, 0, 1), (False, 2, 2), (True, 3, 3)]


def test_sequences_check_max_consecutive(seq_problem):
    problem = seq_problem(max_consecutive_days=3)
    assert check(problem, 0, 1, 2, 4, 5, 6) == []
    assert check(problem, 3, 4, 5, 6) == [
        "Ann's contract: at most 3 working days in a row: Thu 5 Mar to Sun 8 Mar (4 days)"
    ]
    history = seq_problem(max_consecutive_days=3, past=(-3, -2, -1), history_days=3)
    assert check(history, 0) == [
        "Ann's contract: at most 3 working days in a row: Fri 27 Feb to Mon 2 Mar (4 days)"
    ]


def test_sequences_check_min_consecutive_borders(seq_problem):
    problem = seq_problem(min_consecutive_days=3)
    assert check(problem, 0, 6) == []
    assert check(problem, 2, 3, 4) == []
    assert check(problem, 3, 4) == [
        "Ann's contract: at least 3 working days in a row: Thu 5 Mar to Fri 6 Mar (2 days)"
    ]
    assert check(seq_problem(min_consecutive_days=3, history_days=1), 0) == [
        "Ann's contract: at least 3 working days in a row: Mon 2 Mar to Mon 2 Mar (1 day)"
    ]


def test_sequences_check_min_days_off_borders(seq_problem):
    problem = seq_problem(min_consecutive_days_off=2)
    assert check(problem, 1, 5) == []
    assert check(problem, 1, 3) == [
        "Ann's contract: at least 2 days off in a row: Wed 4 Mar to Wed 4 Mar (1 day)"
    ]
    history = seq_problem(min_consecutive_days_off=2, past=(-2,), history_days=2)
    assert check(history, 0) == [
        "Ann's contract: at least 2 days off in a row: Sun 1 Mar to Sun 1 Mar (1 day)"
    ]


# ----- level 2: contracts as named penalties ------------------------------------


def soft_costs(problem, *days):
    """The sequence costs (key, amount, sentence) of a rota with Ann on the given days."""
    rota = Rota(tuple(Assignment("ann", d, "day", "fill") for d in days))
    return [(c.key, c.amount, c.level, c.sentence) for c in SEQUENCES.check(problem, rota)]


def test_sequences_soft_max_consecutive_costs_each_day_beyond_and_returns_a_rota(seq_problem, run):
    problem = seq_problem(pins=(3, 4, 5, 6), max_consecutive_days=3, hard=False)
    result = run(problem)
    assert result.status == "optimal"
    [cost] = [c for c in result.costs if c.family == "sequences"]
    assert (cost.level, cost.total) == (3, 600)
    assert cost.sentence == ("Ann works Sun 8 Mar as day 4 or more in a row; the contract allows 3")
    assert soft_costs(problem, 0, 1, 2, 3, 4) == [
        (
            "sequences:ann:max_consecutive:0:3",
            1,
            3,
            "Ann works Thu 5 Mar as day 4 or more in a row; the contract allows 3",
        ),
        (
            "sequences:ann:max_consecutive:1:4",
            1,
            3,
            "Ann works Fri 6 Mar as day 4 or more in a row; the contract allows 3",
        ),
    ]
    history = seq_problem(max_consecutive_days=3, past=(-3, -2, -1), history_days=3, hard=False)
    assert [c[0] for c in soft_costs(history, 0)] == ["sequences:ann:max_consecutive:-3:0"]


def test_sequences_soft_short_runs_are_named_with_their_dates(seq_problem, run):
    problem = seq_problem(min_consecutive_days=3, hard=False)
    assert soft_costs(problem, 0, 6) == []
    assert soft_costs(problem, 3, 4) == [
        (
            "sequences:ann:min_consecutive:3:4",
            1,
            3,
            "Ann works only Thu 5 Mar to Fri 6 Mar (2 day(s)) in a row; "
            "the contract asks for at least 3",
        )
    ]
    off = seq_problem(min_consecutive_days_off=2, hard=False)
    assert [c[3] for c in soft_costs(off, 1, 3)] == [
        "Ann is off only Wed 4 Mar to Wed 4 Mar (1 day(s)) in a row; "
        "the contract asks for at least 2"
    ]
    # A pinned short run comes back as a rota with its cost, never as "no rota".
    pinned = run(seq_problem(pins=(3,), off=(2, 4), min_consecutive_days=3, hard=False))
    assert pinned.status == "optimal"
    assert [c.key for c in pinned.costs] == ["sequences:ann:min_consecutive:3:3"]
