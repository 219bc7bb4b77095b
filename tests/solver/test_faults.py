"""Faults of the input: a problem with faults raises one error naming every fault in words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from scheduler.bench import nrp
from scheduler.solver import (
    Assignment,
    Competency,
    Contract,
    Cover,
    Duty,
    Goal,
    Level,
    Mode,
    Offer,
    OfferKind,
    PastShift,
    Person,
    Problem,
    ProblemError,
    RatioRule,
    Request,
    Role,
    ShiftType,
    Site,
    Skill,
    Station,
    Weights,
    problem_faults,
)
from scheduler.solver.priorities import Priorities, Rule

MONDAY = date(2026, 3, 2)


def faults_of(make_problem, **overrides) -> list[str]:
    """The faults a problem made with these overrides raises ([] when it is sound)."""
    try:
        make_problem(**overrides)
    except ProblemError as error:
        return error.faults
    return []


def test_faults_a_sound_problem_has_none(make_problem):
    problem = make_problem(cover=[Cover(0, "day", "fill", 1, 2)])
    assert problem_faults(problem) == []


def test_faults_every_fault_is_named_in_one_error():
    with pytest.raises(ProblemError) as raised:
        Problem(
            start=MONDAY,
            days=7,
            sites=(
                Site("S", "Main", ratio=RatioRule("1:3", -1, certified_extra=-2)),
                Site("T", "Annex", timezone="Mars/Base"),
            ),
            shift_types=(
                ShiftType("day", "Day", "S", time(7), 480),
                ShiftType("night", "Night", "S", time(22), 0, forbidden_next=frozenset({"dusk"})),
                ShiftType("late", "Late", "X", time(14), 480),
                ShiftType("eve", "Evening", "T", time(15), 480),
            ),
            competencies=(
                Competency("fill", "Fill"),
                Competency("iv", "IV", prerequisite="aseptic"),
            ),
            stations=(Station("fill", "Fill", "S", ("fill", "chemo")), Station("lab", "Lab", "Y")),
            people=(
                Person(
                    "ann",
                    "Ann",
                    Role.TECHNICIAN,
                    "S",
                    skills={"fill": Skill(Level.INDEPENDENT), "chemo": Skill(Level.OBSERVE)},
                    contract=Contract(
                        min_minutes=600,
                        max_minutes=300,
                        max_weekends=-1,
                        min_consecutive_days=0,
                        min_consecutive_days_off=0,
                        max_shifts={"dusk": 2, "day": -1},
                    ),
                    unavailable=frozenset({(9, None), (2, "dusk")}),
                    history=(PastShift(0, "day"), PastShift(-1, "dusk")),
                    max_trainees=-1,
                ),
                Person("ben", "Ben", Role.PHARMACIST, "Z"),
                Person("ben", "Benedict", Role.PHARMACIST, "S"),
            ),
            cover=(
                Cover(0, "day", "fill", 2, 1),
                Cover(1, "day", "fill", -1, 1),
                Cover(7, "day", "fill", 1, 1),
                Cover(2, "dusk", "fill", 1, 1),
                Cover(3, "day", "pack", 1, 1, under_weight=-5),
                Cover(4, "eve", "fill", 1, 1),
                Cover(5, "day", "fill", 1, 1),
                Cover(5, "day", "fill", 1, 2),
            ),
            duties=(
                Duty(
                    "stock",
                    "Restock",
                    "Q",
                    0,
                    per_week=-1,
                    per_day=-1,
                    days=frozenset({7}),
                    shifts=frozenset({"dusk", "eve"}),
                    competency="x",
                    people=frozenset({"zed"}),
                    weight=-1,
                ),
            ),
            goals=(Goal("g1", "zed", "x", Level.INDEPENDENT, -2, priority=5),),
            offers=(
                Offer("zed", OfferKind.DUTY),
                Offer("ann", OfferKind.DUTY, duty="nope"),
                Offer("ann", OfferKind.STATION, station="nope", count=0, weight=-3),
            ),
            requests=(Request("zed", 1, "day", True), Request("ann", 8, "dusk", False, weight=-1)),
            pins=(
                Assignment("ann", 9, "day", "fill"),
                Assignment("zed", 1, "dusk", "nope", Mode.TRAINEE, trainer="yan"),
            ),
            reference=(Assignment("ghost", 1, "day", "fill"), Assignment("ann", 20, "day", "fill")),
            weights=Weights(goal=-1),
            priorities=Priorities(levels=((Rule.COVER, 3),)),
            history_days=-1,
        )
    assert raised.value.faults == [
        "The rota: the number of history days is -1; it cannot be negative",
        "2 people share the id 'ben' (Ben, Benedict); each needs its own",
        "Site Main, ratio rule 1:3: technicians per pharmacist is -1; it cannot be negative",
        "Site Main, ratio rule 1:3: extra certified technicians is -2; it cannot be negative",
        "Site Annex: the time zone 'Mars/Base' is unknown",
        "Shift type Night at Main: length 0 minutes; a shift must last at least a minute",
        "Shift type Night at Main may not be followed by shift type 'dusk', which this plan does "
        "not have",
        "Shift type Late names site 'X', which this plan does not have",
        "Competency IV has as its prerequisite competency 'aseptic', which this plan does not have",
        "Station Fill needs competency 'chemo', which this plan does not have",
        "Station Lab names site 'Y', which this plan does not have",
        "Ann holds a skill in competency 'chemo', which this plan does not have",
        "Ann's contract: the most weekends is -1; it cannot be negative",
        "Ann's contract: the fewest minutes (600) are more than the most (300)",
        "Ann's contract: the fewest working days in a row is 0; it must be 1 or more",
        "Ann's contract: the fewest days off in a row is 0; it must be 1 or more",
        "Ann's contract: the most Day shifts is -1; it cannot be negative",
        "Ann's contract limits shift type 'dusk', which this plan does not have",
        "Ann: the most trainees they may supervise is -1; it cannot be negative",
        "Ann is unavailable on Wed 4 Mar for shift type 'dusk', which this plan does not have",
        "Ann: a past shift on day 0 is not before the rota; history days are -1 (the day before) "
        "or earlier",
        "Ann's past shift on day -1 is of shift type 'dusk', which this plan does not have",
        "Ben has home site 'Z', which this plan does not have",
        "Cover line for Fill on Mon 2 Mar Day: the ideal (1) is below the minimum (2)",
        "Cover line for Fill on Tue 3 Mar Day: a head count cannot be negative (minimum -1, "
        "ideal 1)",
        "Cover line for Fill on day 7 Day: day 7 is outside the rota's 7 days (0 to 6)",
        "Cover line for Fill on Wed 4 Mar 'dusk' names shift type 'dusk', which this plan does "
        "not have",
        "Cover line for 'pack' on Thu 5 Mar Day names station 'pack', which this plan does not "
        "have",
        "Cover line for 'pack' on Thu 5 Mar Day: a weight cannot be negative (under -5, ideal "
        "20, over 0)",
        "Cover line for Fill on Fri 6 Mar Evening: the station is at Main but the shift at Annex",
        "Cover line for Fill on Sat 7 Mar Day: there is more than one cover line for it",
        "Duty Restock names site 'Q', which this plan does not have",
        "Duty Restock: 0 minutes; a duty must take at least a minute",
        "Duty Restock: the times a week is -1; it cannot be negative",
        "Duty Restock: the most times a day is -1; it cannot be negative",
        "Duty Restock: the weight is -1; it cannot be negative",
        "Duty Restock names competency 'x', which this plan does not have",
        "Duty Restock: weekday 7 does not exist; weekdays are 0 (Monday) to 6 (Sunday)",
        "Duty Restock names shift type 'dusk', which this plan does not have",
        "Duty Restock: shift type Evening is at Annex, not at the duty's site 'Q'",
        "Duty Restock may be taken only by person 'zed', who is not among the people of this plan",
        "Development goal of 'zed' in 'x' names person 'zed', who is not among the people of "
        "this plan",
        "Development goal of 'zed' in 'x' names competency 'x', which this plan does not have",
        "Development goal of 'zed' in 'x': the shifts still needed is -2; it cannot be negative",
        "Development goal of 'zed' in 'x': priority 5; it must be 1 (low), 2 (normal) or 3 (high)",
        "Offer of 'zed' (duty) names person 'zed', who is not among the people of this plan",
        "Offer of 'zed' (duty): it names no duty",
        "Offer of Ann (duty) names duty 'nope', which this plan does not have",
        "Offer of Ann (station) names station 'nope', which this plan does not have",
        "Offer of Ann (station): a count of 0; it must be 1 or more",
        "Offer of Ann (station): the weight is -3; it cannot be negative",
        "Request of 'zed' to work Tue 3 Mar Day names person 'zed', who is not among the people "
        "of this plan",
        "Request of Ann not to work day 8 'dusk' names shift type 'dusk', which this plan does "
        "not have",
        "Request of Ann not to work day 8 'dusk': day 8 is outside the rota's 7 days (0 to 6)",
        "Request of Ann not to work day 8 'dusk': the weight is -1; it cannot be negative",
        "Pin: Ann on day 9 Day at Fill: day 9 is outside the rota's 7 days (0 to 6)",
        "Pin: 'zed' on Tue 3 Mar 'dusk' at 'nope' names person 'zed', who is not among the "
        "people of this plan",
        "Pin: 'zed' on Tue 3 Mar 'dusk' at 'nope' names shift type 'dusk', which this plan does "
        "not have",
        "Pin: 'zed' on Tue 3 Mar 'dusk' at 'nope' names station or duty 'nope', which this plan "
        "does not have",
        "Pin: 'zed' on Tue 3 Mar 'dusk' at 'nope' names trainer 'yan', who is not among the "
        "people of this plan",
        "Reference rota: 'ghost' on Tue 3 Mar Day at Fill names person 'ghost', who is not among "
        "the people of this plan",
        "Weights: the weight 'goal' is -1; it cannot be negative",
        "Priorities: 'Minimum cover of every station' always sits on level 1",
    ]
    assert str(raised.value) == "\n".join(raised.value.faults)
    assert isinstance(raised.value, ValueError)


def test_faults_replace_is_checked_too(make_problem):
    problem = make_problem()
    with pytest.raises(ProblemError, match="The rota covers 0 days"):
        replace(problem, days=0)


def test_faults_horizon_and_duplicate_ids(make_problem):
    assert faults_of(make_problem, days=0) == [
        "The rota covers 0 days; it must cover at least one day",
    ]
    assert faults_of(
        make_problem,
        competencies=[Competency("fill", "Fill"), Competency("fill", "Fill again")],
        duties=[Duty("fill", "Fill check", "S", 30)],
    ) == [
        "2 competencies share the id 'fill' (Fill, Fill again); each needs its own",
        "Station Fill and duty Fill check share the id 'fill'; each needs its own",
    ]


def test_faults_shift_types_of_no_length(make_problem):
    assert faults_of(make_problem, shift_types=[ShiftType("day", "Day", "S", time(7), -30)]) == [
        "Shift type Day at Site: length -30 minutes; a shift must last at least a minute",
    ]


def test_faults_people_contracts(make_problem, make_person):
    ann = make_person(
        "ann",
        contract=Contract(
            min_minutes=-1, max_minutes=-5, min_rest_minutes=-1, max_consecutive_days=-2
        ),
    )
    assert faults_of(make_problem, people=[ann]) == [
        "Ann's contract: the fewest minutes is -1; it cannot be negative",
        "Ann's contract: the most minutes is -5; it cannot be negative",
        "Ann's contract: the most days in a row is -2; it cannot be negative",
        "Ann's contract: the rest between shifts in minutes is -1; it cannot be negative",
        "Ann's contract: the fewest minutes (-1) are more than the most (-5)",
    ]


def test_faults_unavailable_days_outside_the_horizon_are_fine(make_problem, make_person):
    ann = make_person("ann", unavailable=frozenset({(-3, None), (12, "day")}))
    assert faults_of(make_problem, people=[ann]) == []


def test_faults_cover_lines_name_station_shift_and_date(make_problem):
    assert faults_of(
        make_problem,
        cover=[
            Cover(2, "day", "fill", 3, 2),
            Cover(3, "night", "fill", 1, 1),
            Cover(-1, "day", "pack", 1, 1, ideal_weight=-1),
        ],
    ) == [
        "Cover line for Fill on Wed 4 Mar Day: the ideal (2) is below the minimum (3)",
        "Cover line for Fill on Thu 5 Mar 'night' names shift type 'night', which this plan does "
        "not have",
        "Cover line for 'pack' on day -1 Day names station 'pack', which this plan does not have",
        "Cover line for 'pack' on day -1 Day: day -1 is outside the rota's 7 days (0 to 6)",
        "Cover line for 'pack' on day -1 Day: a weight cannot be negative (under 1000, ideal -1, "
        "over 0)",
    ]


def test_faults_duties_goals_offers(make_problem):
    assert faults_of(
        make_problem,
        duties=[Duty("qi", "QI audit", "S", 60, shifts=frozenset({"day"}), days=frozenset({-1}))],
        goals=[Goal("g", "ann", "fill", Level.INDEPENDENT, 3, priority=0)],
        offers=[Offer("ann", OfferKind.STATION), Offer("ann", OfferKind.TRAIN, count=-1)],
    ) == [
        "Duty QI audit: weekday -1 does not exist; weekdays are 0 (Monday) to 6 (Sunday)",
        "Development goal of Ann in Fill: priority 0; it must be 1 (low), 2 (normal) or 3 (high)",
        "Offer of Ann (station): it names no station",
        "Offer of Ann (train): a count of -1; it must be 1 or more",
    ]


def test_faults_requests_for_unknown_people_are_no_longer_ignored(make_problem):
    assert faults_of(make_problem, requests=[Request("zed", 0, None, True)]) == [
        "Request of 'zed' to work Mon 2 Mar names person 'zed', who is not among the people of "
        "this plan",
    ]


def test_faults_pins_well_formed_but_impossible_stay_the_diagnosis_job(make_problem, make_person):
    away = make_person("ann", unavailable=frozenset({(0, None)}))
    problem = make_problem(people=[away], pins=[Assignment("ann", 0, "day", "fill")])
    assert problem_faults(problem) == []
    assert faults_of(make_problem, pins=[Assignment("ann", 0, "day", "fill", trainer="ghost")]) == [
        "Pin: Ann on Mon 2 Mar Day at Fill names trainer 'ghost', who is not among the people "
        "of this plan"
    ]


def test_faults_weights_and_priorities(make_problem):
    assert faults_of(
        make_problem,
        weights=Weights(change=-2),
        priorities=Priorities(levels=((Rule.WISHES, 7),)),
    ) == [
        "Weights: the weight 'change' is -2; it cannot be negative",
        "Priorities: 'Wishes: shift requests and days off' is put on level 7; only 4 or 5 are "
        "possible",
    ]


def test_faults_benchmark_instances_build_and_check_quickly(tmp_path):
    text = (
        "SECTION_HORIZON\n14\n"
        "SECTION_SHIFTS\nD,480,\nL,480,D\n"
        "SECTION_STAFF\nA,D=14|L=14,4800,0,5,1,1,2\n"
        "SECTION_DAYS_OFF\nA,3\n"
        "SECTION_SHIFT_ON_REQUESTS\nA,0,D,2\n"
        "SECTION_SHIFT_OFF_REQUESTS\n"
        "SECTION_COVER\n" + "".join(f"{d},D,1,100,1\n{d},L,1,100,1\n" for d in range(14))
    )
    path = tmp_path / "tiny.txt"
    path.write_text(text)
    problem = nrp.to_problem(nrp.parse(path))
    assert problem_faults(problem) == []
