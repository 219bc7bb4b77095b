"""The first-rota construction: one path per person by dynamic programming, priced sums."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from pathlib import Path

from scheduler.bench import nrp
from scheduler.solver import Cover, ShiftType, Site, solve, validate
from scheduler.solver.construct import CoverTable, best_path, construct, first_rota
from scheduler.solver.construct import _allowed as allowed_pairs

from .conftest import with_cover

DATA = Path(__file__).resolve().parents[1] / "bench" / "data"


def _path_text(path) -> str:
    return "".join("." if s < 0 else "W" for s in path.tolist())


def test_the_path_keeps_the_most_and_fewest_days_in_a_row(make_problem, make_person):
    ann = make_person(
        contract={
            "max_consecutive_days": 3,
            "min_consecutive_days": 2,
            "min_consecutive_days_off": 2,
        },
    )
    problem = with_cover(make_problem(days=14, people=[ann]))
    table = CoverTable(problem)
    slots = table.slot_values(ann)
    path = best_path(problem, ann, slots.value, allowed_pairs(problem, ann))
    text = _path_text(path)
    # Every slot is worth working: three on, two off, as often as the rules allow.
    assert text.count("W") == 9
    assert "WWWW" not in text
    assert ".W." not in text  # no short run of work inside the horizon
    assert "W.W" not in text  # nor of days off


def test_a_forbidden_succession_is_never_walked(make_problem, make_person):
    late = ShiftType("late", "Late", "S", time(15, 0), 480, forbidden_next=frozenset({"early"}))
    early = ShiftType("early", "Early", "S", time(7, 0), 480)
    ann = make_person()
    problem = with_cover(make_problem(days=10, people=[ann], shift_types=[early, late]))
    placed, left = construct(problem, ["ann"])
    assert left == []
    shift_of = {a.day: a.shift for a in placed}
    for day, shift in shift_of.items():
        if shift == "late":
            assert shift_of.get(day + 1) != "early", shift_of


def test_the_minutes_window_is_met_by_pricing_a_minute(make_problem, make_person):
    # Cover wants someone every day, but the contract allows 4 to 5 shifts of 8 hours.
    ann = make_person(contract={"min_minutes": 4 * 480, "max_minutes": 5 * 480})
    problem = with_cover(make_problem(days=14, people=[ann]))
    placed, left = construct(problem, ["ann"])
    assert left == []
    assert 4 <= len(placed) <= 5
    assert validate(problem, first_rota(problem)[0]).violations == []


def test_weekend_and_shift_type_caps_are_kept(make_problem, make_person):
    late = ShiftType("late", "Late", "S", time(15, 0), 480)
    ann = make_person(contract={"max_weekends": 1, "max_shifts": {"late": 2}})
    problem = with_cover(
        make_problem(
            days=21,
            people=[ann],
            shift_types=[
                ShiftType("day", "Day", "S", time(7, 0), 480),
                late,
            ],
        )
    )
    rota, left = first_rota(problem)
    assert left == []
    report = validate(problem, rota)
    assert report.violations == []
    assert sum(1 for a in rota.assignments if a.shift == "late") <= 2
    weekend_days = {d for days in problem.weekends for d in days}
    worked = {a.day for a in rota.assignments}
    assert sum(1 for days in problem.weekends if worked.intersection(days)) <= 1
    assert worked - weekend_days  # still works the weekdays the cover asks for


def test_later_people_fill_what_earlier_people_left(make_problem, make_person):
    people = [make_person(p, contract={"max_minutes": 3 * 480}) for p in ("ann", "ben")]
    problem = with_cover(make_problem(days=6, people=people))
    rota, left = first_rota(problem)
    assert left == []
    days = sorted(a.day for a in rota.assignments)
    assert days == list(range(6))  # three days each, no day twice


def test_every_person_of_a_benchmark_instance_is_placed_within_the_rules():
    problem = nrp.to_problem(nrp.parse(DATA / "Instance2.txt"))
    rota, left = first_rota(problem)
    assert left == []
    assert validate(problem, rota).violations == []


def test_the_solver_starts_from_the_construction_and_still_proves_the_optimum():
    problem = nrp.to_problem(nrp.parse(DATA / "Instance1.txt"))
    result = solve(problem, time_limit=20, workers=8)
    assert result.status == "optimal"
    assert result.objective == 607  # the published optimum
    assert result.first_seconds is not None


def test_a_rule_the_programme_does_not_model_sends_the_person_back_to_cp_sat(
    make_problem, make_person
):
    # Twelve hours' rest: a late (15-23) then an early (07-15) next day leaves only 8.
    early = ShiftType("early", "Early", "S", time(7, 0), 480)
    late = ShiftType("late", "Late", "S", time(15, 0), 480)
    ann = make_person(contract={"min_rest_minutes": 12 * 60})
    problem = with_cover(make_problem(days=7, people=[ann], shift_types=[early, late]))
    rota, left = first_rota(problem)
    assert validate(problem, rota).violations == []
    problem = replace(problem, people=(replace(ann, contract=replace(ann.contract)),))
    assert first_rota(problem)[1] in ([], ["ann"])


def _late_then_early(make_problem, make_person, saturday: date, rest_hours: int):
    """Ann in London: a late (15-23) on Saturday, an early (08-16) on Sunday: 9 wall-clock hours.

    Both slots need her; the clocks change in the night between them.
    """
    late = ShiftType("late", "Late", "S", time(15, 0), 480)
    early = ShiftType("early", "Early", "S", time(8, 0), 480)
    ann = make_person(contract={"min_rest_minutes": rest_hours * 60})
    return make_problem(
        start=saturday,
        days=2,
        sites=[Site("S", "Site", "Europe/London")],
        shift_types=[late, early],
        people=[ann],
        cover=[Cover(0, "late", "fill", 1, 1), Cover(1, "early", "fill", 1, 1)],
    )


def test_rest_across_the_clocks_going_back_is_the_real_ten_hours(make_problem, make_person):
    # 23:00 BST to 08:00 GMT is 10 real hours (9 on the wall clock): with 10 hours' rest
    # both shifts may be worked.
    problem = _late_then_early(make_problem, make_person, date(2026, 10, 24), 10)
    rota, left = first_rota(problem)
    assert left == []
    assert {(a.day, a.shift) for a in rota.assignments} == {(0, "late"), (1, "early")}
    assert validate(problem, rota).violations == []


def test_rest_across_the_clocks_going_forward_is_the_real_eight_hours(make_problem, make_person):
    # 23:00 GMT to 08:00 BST is 8 real hours (9 on the wall clock): with 9 hours' rest only
    # one may be worked, and the programme knows it, so Ann is placed, not handed back.
    problem = _late_then_early(make_problem, make_person, date(2026, 3, 28), 9)
    rota, left = first_rota(problem)
    assert left == []
    assert len(rota.assignments) == 1
    assert validate(problem, rota).violations == []
