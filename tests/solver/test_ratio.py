"""Ratio family: technicians within what the pharmacists on duty allow, at every moment."""

from datetime import time

import pytest

from scheduler.solver import Assignment, RatioRule, Role, Rota, ShiftType, Site
from scheduler.solver.constraints import family
from scheduler.solver.constraints.ratio import slices

RATIO = family("ratio")

CALIFORNIA = RatioRule("California", techs_per_pharmacist=2, offset=-1)
AM = ShiftType("am", "Morning", "S", time(8, 0), 480)  # 08:00-16:00
PM = ShiftType("pm", "Afternoon", "S", time(12, 0), 480)  # 12:00-20:00


@pytest.fixture
def ratio_problem(make_problem, make_person):
    """A site under a ratio rule with staggered shifts; pins as (person, day, shift).

    By default one pharmacist (Pam), two technicians (Tom, Tia), a certified one (Cid)
    and a trainee (Ted); ``pharmacists=2`` adds Pat.
    """

    def build(rule=CALIFORNIA, pins=(), people=None, shifts=(AM, PM), pharmacists=1):
        people = people or {
            "pam": {"role": Role.PHARMACIST},
            "tom": {},
            "tia": {},
            "cid": {"certified": True},
            "ted": {"role": Role.TRAINEE},
        }
        if pharmacists == 2:
            people["pat"] = {"role": Role.PHARMACIST}
        return make_problem(
            sites=(Site("S", "Site", ratio=rule),),
            shift_types=shifts,
            people=tuple(make_person(pid, **fields) for pid, fields in people.items()),
            pins=tuple(Assignment(p, d, s, "fill") for p, d, s in pins),
        )

    return build


def test_ratio_staggered_shift_leaves_technician_alone(ratio_problem, run):
    problem = ratio_problem(pins=[("pam", 0, "am"), ("tom", 0, "pm")])
    result = run(problem)
    assert result.status == "infeasible"
    assert any(
        "Ratio at Site (California: 2 technician(s) per pharmacist, minus 1) "
        "on Mon 2 Mar 16:00-20:00" in r
        for r in result.reasons
    )


def test_ratio_pharmacist_on_same_shift_allows_one_technician(ratio_problem, run):
    result = run(ratio_problem(pins=[("pam", 6, "pm"), ("tom", 6, "pm")]))
    assert result.status == "optimal"
    two = ratio_problem(pins=[("pam", 6, "pm"), ("tom", 6, "pm"), ("tia", 6, "pm")])
    assert run(two).status == "infeasible"
    both = ratio_problem(
        pins=[("pam", 6, "pm"), ("pat", 6, "am"), ("tom", 6, "am"), ("tia", 6, "am")],
        pharmacists=2,
    )
    assert run(both).status == "infeasible"  # 08:00-12:00: one pharmacist, two technicians


def test_ratio_two_pharmacists_allow_three_technicians(ratio_problem, run):
    pins = [(p, 0, "am") for p in ("pam", "pat", "tom", "tia", "ted")]
    assert run(ratio_problem(pins=pins, pharmacists=2)).status == "optimal"


def test_ratio_certified_extra_and_trainees(ratio_problem, run):
    rule = RatioRule("Alabama", techs_per_pharmacist=1, certified_extra=1, trainees_count=False)
    ok = [("pam", 0, "am"), ("tom", 0, "am"), ("cid", 0, "am"), ("ted", 0, "am")]
    assert run(ratio_problem(rule=rule, pins=ok)).status == "optimal"
    two_plain = [("pam", 0, "am"), ("tom", 0, "am"), ("tia", 0, "am")]
    assert run(ratio_problem(rule=rule, pins=two_plain)).status == "infeasible"
    counted = RatioRule("Strict", techs_per_pharmacist=1, certified_extra=1, trainees_count=True)
    assert run(ratio_problem(rule=counted, pins=ok)).status == "infeasible"


def test_ratio_positive_offset_lets_technician_work_alone(ratio_problem, run):
    rule = RatioRule("Lenient", techs_per_pharmacist=1, offset=1)
    assert run(ratio_problem(rule=rule, pins=[("tom", 0, "pm")])).status == "optimal"


def test_ratio_solver_fills_staff_within_the_law(ratio_problem, run):
    people = {"pam": {"role": Role.PHARMACIST}, "tom": {"contract": {"min_minutes": 7 * 480}}}
    result = run(ratio_problem(people=people, shifts=(AM,)))
    assert result.status == "optimal"
    assert {a.day for a in result.rota.assignments if a.person == "pam"} == set(range(7))


def test_ratio_slices_deduplicate_a_week_of_three_shifts():
    windows = {
        (d, s): (d * 1440 + 480 * i, d * 1440 + 480 * (i + 1))
        for d in range(7)
        for i, s in enumerate(("early", "late", "night"))
    }
    pieces = slices(windows)
    assert len(pieces) == 21
    assert all(len(active) == 1 for _, _, active in pieces)
    staggered = slices({"am": (480, 960), "pm": (720, 1200)})
    assert [(a, b, sorted(k)) for a, b, k in staggered] == [
        (480, 720, ["am"]),
        (720, 960, ["am", "pm"]),
        (960, 1200, ["pm"]),
    ]


def check(problem, *placed):
    """The ratio violations of a rota of (person, day, shift) at the Fill station."""
    rota = Rota(tuple(Assignment(p, d, s, "fill") for p, d, s in placed))
    return [v.sentence for v in RATIO.check(problem, rota)]


def test_ratio_check_staggered(ratio_problem):
    problem = ratio_problem()
    assert check(problem, ("pam", 0, "am"), ("tom", 0, "am")) == []
    assert check(problem, ("pam", 6, "am"), ("tom", 6, "pm")) == [
        "Ratio at Site (California: 2 technician(s) per pharmacist, minus 1) on Sun 8 Mar "
        "16:00-20:00: 0 pharmacist(s) allow 0 non-certified technician(s), but 1 are on"
    ]


def test_ratio_check_certified_limit(ratio_problem):
    rule = RatioRule("Alabama", techs_per_pharmacist=1, certified_extra=1)
    problem = ratio_problem(rule=rule)
    assert check(problem, ("pam", 0, "am"), ("tom", 0, "am"), ("cid", 0, "am")) == []
    found = check(problem, ("pam", 0, "am"), ("tom", 0, "am"), ("cid", 0, "am"), ("ted", 0, "am"))
    assert found == [
        "Ratio at Site (Alabama: 1 technician(s) per pharmacist; 1 more per pharmacist if "
        "certified) on Mon 2 Mar 08:00-16:00: 1 pharmacist(s) allow 1 non-certified "
        "technician(s), but 2 are on"
    ]
