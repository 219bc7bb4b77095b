"""Gap reasons: for each person who could fill a cover gap, the rule that kept them off it."""

from dataclasses import replace
from datetime import date, time

import pytest

from scheduler.solver import (
    Assignment,
    Cover,
    Level,
    Mode,
    PastShift,
    RatioRule,
    Role,
    Rota,
    ShiftType,
    Site,
    Skill,
    Station,
    validate,
)
from scheduler.solver.gaps import GapCheck, gap_reasons

DAY = ShiftType("day", "Day", "S", time(7, 0), 480)  # 07:00-15:00
MID = ShiftType("mid", "Mid", "S", time(11, 0), 480)  # 11:00-19:00
LATE = ShiftType("late", "Late", "S", time(15, 0), 480)  # 15:00-23:00
NIGHT = ShiftType("night", "Night", "S", time(23, 0), 480)  # 23:00-07:00 (+1)
STATIONS = (Station("fill", "Fill", "S", ("fill",)), Station("disp", "Dispensary", "S"))


@pytest.fixture
def gap_problem(make_problem):
    """A site with a day, mid, late and night shift, a Fill station and a Dispensary.

    ``gap`` is the one cover line (day, shift, station, minimum): Fill on Tue day, 1.
    """

    def build(people, gap=(1, "day", "fill", 1), **fields):
        day, shift, station, minimum = gap
        fields.setdefault("shift_types", (DAY, MID, LATE, NIGHT))
        fields.setdefault("stations", STATIONS)
        return make_problem(
            people=people,
            cover=(Cover(day, shift, station, minimum, minimum, ideal_weight=0),),
            **fields,
        )

    return build


def works(person, day, shift="day", station="disp", **kw):
    """An assignment, at the Dispensary on the day shift unless told."""
    return Assignment(person, day, shift, station, **kw)


def breaks(problem, rota, added):
    """The hard families a validator names once ``added`` joins the rota (the oracle)."""
    before = {(v.family, v.sentence) for v in validate(problem, rota).violations}
    after = validate(problem, Rota((*rota.assignments, added))).violations
    return {v.family for v in after if (v.family, v.sentence) not in before}


def test_gaps_name_leave_and_a_lapsed_competency_but_not_the_unqualified(gap_problem, make_person):
    people = [
        make_person("ann", unavailable=frozenset({(1, None)})),
        make_person("ben", skills={"fill": Skill(Level.TRAINER, valid_until=date(2026, 3, 2))}),
        make_person("bea", unavailable=frozenset({(1, "day")})),
        make_person("cid", skills={}),  # never held Fill: not asked about
    ]
    problem = gap_problem(people)
    assert gap_reasons(problem, Rota(())) == {
        (1, "day", "fill"): [
            "Ann is on leave on Tue 3 Mar",
            "Bea is not available on Tue 3 Mar day",
            "Ben's Fill was valid until Mon 2 Mar",
        ]
    }


def test_gap_names_rest_after_a_night_and_before_an_early_start(gap_problem, make_person):
    people = [
        make_person("cat", contract={"min_rest_minutes": 660}),
        make_person("cas", contract={"min_rest_minutes": 660}),
    ]
    rota = Rota((works("cat", 0, "night"), works("cas", 2, "day")))
    problem = gap_problem(people, gap=(1, "day", "fill", 1))
    assert gap_reasons(problem, rota)[(1, "day", "fill")] == [
        "Cas could take it: no rule keeps them off",
        "Cat: rest after Mon 2 Mar night (needs 11 h)",
    ]
    assert breaks(problem, rota, works("cat", 1, "day", "fill")) == {"rest"}
    problem = gap_problem(people, gap=(1, "late", "fill", 1))
    assert gap_reasons(problem, rota)[(1, "late", "fill")] == [
        "Cas: rest before Wed 4 Mar day (needs 11 h)",
        "Cat: rest after Mon 2 Mar night (needs 11 h)",
    ]
    assert breaks(problem, rota, works("cas", 1, "late", "fill")) == {"rest"}


def test_gap_names_the_rest_before_the_horizon_and_a_forbidden_succession(gap_problem, make_person):
    night = replace(NIGHT, forbidden_next=frozenset({"day"}))
    people = [
        make_person("cat", contract={"min_rest_minutes": 660}, history=(PastShift(-1, "night"),)),
        make_person("dot"),
    ]
    problem = gap_problem(people, gap=(0, "day", "fill", 1), history_days=7)
    rota = Rota((works("dot", 1, "day"),))
    assert gap_reasons(problem, rota)[(0, "day", "fill")][0] == (
        "Cat: rest after Sun 1 Mar night (needs 11 h)"
    )
    problem = gap_problem(
        people, gap=(2, "day", "fill", 1), shift_types=(DAY, MID, LATE, night), history_days=7
    )
    rota = Rota((works("dot", 1, "night"), works("cat", 0, "day")))
    assert gap_reasons(problem, rota)[(2, "day", "fill")] == [
        "Cat could take it: no rule keeps them off",
        "Dot may not work the Day shift the day after the Night shift",
    ]
    assert breaks(problem, rota, works("dot", 2, "day", "fill")) == {"rest"}


def test_gap_names_days_in_a_row_and_weekends_the_contract_would_pay_for(gap_problem, make_person):
    people = [
        make_person("dan", contract={"max_consecutive_days": 5}),
        make_person("dee", contract={"max_weekends": 0}),
    ]
    problem = gap_problem(people, gap=(5, "day", "fill", 1))
    rota = Rota(tuple(works("dan", d) for d in range(5)))
    assert gap_reasons(problem, rota)[(5, "day", "fill")] == [
        "Dan works Sat 7 Mar as day 6 or more in a row; the contract allows 5",
        "Dee: 1 weekend(s) beyond the 0 the contract allows",
    ]
    # level-2 costs, not hard rules: the validator prices what the words say
    report = validate(problem, Rota((*rota.assignments, works("dan", 5, "day", "fill"))))
    assert any("day 6 or more in a row" in c.sentence for c in report.costs)


def test_gap_names_the_contract_maximum_hours_and_shift_caps(gap_problem, make_person):
    people = [
        make_person("eve", contract={"max_minutes": 960}),
        make_person("eli", contract={"max_shifts": {"night": 0}}),
    ]
    problem = gap_problem(people, gap=(3, "night", "fill", 1))
    rota = Rota((works("eve", 0), works("eve", 1)))
    assert gap_reasons(problem, rota)[(3, "night", "fill")] == [
        "Eli's contract: no Night shifts",
        "Eve: 16 h already rostered of the contract's 16 h",
    ]
    assert breaks(problem, rota, works("eve", 3, "night", "fill")) == {"workload"}


def test_gap_names_the_hours_at_which_the_ratio_would_break(gap_problem, make_person):
    people = [
        make_person("pam", role=Role.PHARMACIST, skills={}),
        make_person("pat", role=Role.PHARMACIST, skills={}),
        *(make_person(t, skills={}) for t in ("tia", "tom", "tod")),
        make_person("fay"),
        make_person("phil", role=Role.PHARMACIST),  # off: adding a pharmacist breaks nothing
    ]
    problem = gap_problem(
        people,
        gap=(0, "day", "fill", 1),
        sites=(Site("S", "Site", ratio=RatioRule("1:3", techs_per_pharmacist=3)),),
    )
    rota = Rota(
        (
            works("pam", 0),
            works("pat", 0, "mid"),
            *(works(t, 0) for t in ("tia", "tom", "tod")),
        )
    )
    assert gap_reasons(problem, rota)[(0, "day", "fill")] == [
        "Fay: a 4th technician would break the ratio (1 pharmacist(s) allow 3) "
        "on Mon 2 Mar 07:00-11:00",
        "Phil could take it: no rule keeps them off",
    ]
    assert breaks(problem, rota, works("fay", 0, "day", "fill")) == {"ratio"}


def test_gap_names_another_placement_that_day_unless_moving(gap_problem, make_person):
    people = [make_person("gus"), make_person("gia")]
    problem = gap_problem(people, gap=(1, "day", "fill", 2))
    rota = Rota((works("gus", 1, "late"), works("gia", 1, "day", "fill")))
    check = GapCheck(problem, rota)
    [gap] = check.gaps()
    assert gap.short == 1
    assert gap.texts == ["Gus works the late at Dispensary"]  # Gia already works there
    moved = check.why_not("gus", 1, "day", "fill", moving=True)
    assert [r.text for r in moved] == ["Gus could take it: no rule keeps them off"]
    assert breaks(problem, rota, works("gus", 1, "day", "fill")) == {"placement"}


def test_gap_names_a_trainee_without_a_trainer_and_one_beside_a_trainer(gap_problem, make_person):
    people = [
        make_person("tam", role=Role.TRAINEE, skills={"fill": Skill(Level.SUPERVISED)}),
        make_person("amy", skills={"fill": Skill(Level.TRAINER)}),
    ]
    problem = gap_problem(people)
    assert gap_reasons(problem, Rota((works("amy", 1, "late"),)))[(1, "day", "fill")] == [
        "Amy works the late at Dispensary",
        "Tam is a trainee: needs a trainer beside them, and none is free at Fill",
    ]
    trainee = Assignment("tam", 1, "day", "fill", Mode.TRAINEE)
    assert breaks(problem, Rota(()), trainee) == {"supervision"}
    two = gap_problem(people, gap=(1, "day", "fill", 2))
    beside = Rota((works("amy", 1, "day", "fill"),))
    assert gap_reasons(two, beside)[(1, "day", "fill")] == [
        "Tam could train beside Amy, but trainees do not count toward cover"
    ]
    there = Rota((*beside.assignments, replace(trainee, trainer="amy")))
    assert gap_reasons(two, there)[(1, "day", "fill")] == [
        "Tam stands there as a trainee, and trainees do not count toward cover"
    ]


def test_a_covered_line_has_no_gap_and_other_sites_are_left_out(gap_problem, make_person):
    problem = gap_problem([make_person("ann"), make_person("ben")])
    assert gap_reasons(problem, Rota((works("ann", 1, "day", "fill"),))) == {}
    assert gap_reasons(problem, Rota(()), site="elsewhere") == {}
