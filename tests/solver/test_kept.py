"""Kept days: a re-plan keeps every day before its start exactly as it was."""

from datetime import time

from scheduler.solver import Assignment, Contract, Cover, Rota, ShiftType
from scheduler.solver.constraints import family
from scheduler.solver.priorities import Rule

from .test_cover import assert_model_matches_check

KEPT = family("kept")
SHIFTS = (
    ShiftType("day", "Day", "S", time(7, 0), 480),
    ShiftType("night", "Night", "S", time(21, 0), 600, night=True),
)


def test_kept_days_hold_exactly_what_was_planned_even_when_cover_wants_more(
    make_problem, make_person, run
):
    # Monday and Tuesday are kept with Ann alone on Monday; cover asks for two every day.
    kept = (Assignment("ann", 0, "day", "fill"),)
    problem = make_problem(
        days=4,
        people=[make_person("ann"), make_person("ben")],
        cover=tuple(Cover(d, "day", "fill", 2, 2) for d in range(4)),
        kept=kept,
        kept_days=2,
    )
    result = run(problem)
    on = {(a.person, a.day) for a in result.rota.assignments}
    assert {(p, d) for p, d in on if d < 2} == {("ann", 0)}  # nobody added, Ann kept
    assert {(p, d) for p, d in on if d >= 2} == {("ann", 2), ("ann", 3), ("ben", 2), ("ben", 3)}
    short = {c.subject.day: c.amount for c in result.costs if c.rule is Rule.COVER}
    assert short == {0: 1, 1: 2}  # the kept days keep their gaps


def test_kept_night_still_needs_its_rest_on_the_first_replanned_day(make_problem, make_person, run):
    # Ann worked Monday night (kept); Tuesday day starts 10 hours after it ends at 07:00.
    problem = make_problem(
        days=2,
        shift_types=SHIFTS,
        people=[make_person("ann", contract=Contract(min_rest_minutes=11 * 60))],
        cover=(Cover(1, "day", "fill", 1, 1),),
        kept=(Assignment("ann", 0, "night", "fill"),),
        kept_days=1,
    )
    result = run(problem)
    assert (result.rota.assignments) == (Assignment("ann", 0, "night", "fill"),)
    assert [c.subject.day for c in result.costs if c.rule is Rule.COVER] == [1]


def test_kept_check_names_a_kept_shift_missing_and_anyone_added(make_problem, make_person):
    problem = make_problem(
        days=3,
        people=[make_person("ann"), make_person("ben")],
        kept=(Assignment("ann", 0, "day", "fill"),),
        kept_days=2,
    )
    rota = Rota((Assignment("ben", 1, "day", "fill"), Assignment("ben", 2, "day", "fill")))
    assert [v.sentence for v in KEPT.check(problem, rota)] == [
        "Kept as planned before the re-plan: Ann on Mon 2 Mar day at Fill: missing",
        "Ben added on Tue 3 Mar day at Fill, a day before the re-plan starts",
    ]
    assert KEPT.check(problem, Rota((Assignment("ann", 0, "day", "fill"),))) == []


def test_kept_placement_that_can_no_longer_be_made_is_named(make_problem, make_person, run):
    # Ann's Fill skill is gone: the kept Monday cannot be made, and the diagnosis says so.
    problem = make_problem(
        days=2,
        people=[make_person("ann", skills={})],
        kept=(Assignment("ann", 0, "day", "fill"),),
        kept_days=1,
    )
    result = run(problem, time_limit=5)
    assert result.rota is None
    assert "Ann does not hold Fill" in result.reasons
    assert "Kept as planned before the re-plan: Ann on Mon 2 Mar day at Fill" in result.reasons


def test_kept_model_matches_check(make_problem, make_person):
    problem = make_problem(
        days=3,
        people=[make_person("ann"), make_person("ben")],
        kept=(Assignment("ann", 0, "day", "fill"), Assignment("ben", 1, "day", "fill")),
        kept_days=2,
    )
    assert_model_matches_check(problem, "kept")


def test_a_kept_assignment_after_the_kept_days_is_a_fault(make_problem):
    import pytest

    from scheduler.solver import ProblemError

    with pytest.raises(ProblemError) as refused:
        make_problem(days=3, kept=(Assignment("ann", 2, "day", "fill"),), kept_days=1)
    assert "only the first 1 day are kept" in str(refused.value)
