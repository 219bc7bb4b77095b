"""The plain-data problem: calendar, shift times across midnight and clock changes, eligibility."""

from datetime import date, time

from scheduler.solver import Competency, Goal, Level, ShiftType, Site, Skill, Station

NIGHT = ShiftType("night", "Night", "S", time(23, 0), 480, night=True)
DAY = ShiftType("day", "Day", "S", time(7, 0), 480)


def test_night_shift_crosses_midnight_and_ends_next_morning(make_problem):
    problem = make_problem(shift_types=(DAY, NIGHT))
    start, end = problem.slot_window(0, "night")
    assert (start, end) == (23 * 60, 31 * 60)
    assert NIGHT.crosses_midnight
    assert not DAY.crosses_midnight
    next_day_start, _ = problem.slot_window(1, "day")
    assert next_day_start == end  # a night then the next day shift leaves no rest at all


def test_night_across_spring_forward_is_an_hour_shorter(make_problem):
    # Chicago moves clocks forward at 02:00 on Sunday 8 March 2026.
    problem = make_problem(
        start=date(2026, 3, 2),
        sites=(Site("S", "Site", "America/Chicago"),),
        shift_types=(DAY, NIGHT),
    )
    assert problem.slot_minutes(5, "night") == 420  # Saturday 23:00 -> Sunday 07:00
    assert problem.slot_minutes(4, "night") == 480
    assert problem.slot_minutes(6, "day") == 480


def test_night_across_fall_back_is_an_hour_longer(make_problem):
    # Chicago moves clocks back at 02:00 on Sunday 1 November 2026.
    problem = make_problem(
        start=date(2026, 10, 26),
        sites=(Site("S", "Site", "America/Chicago"),),
        shift_types=(DAY, NIGHT),
    )
    assert problem.slot_minutes(5, "night") == 540
    # Absolute times are UTC: 07:00 CST on Monday is 13:00 UTC, one hour later than in CDT.
    assert problem.slot_window(0, "day")[0] == 12 * 60
    assert problem.slot_window(7, "day")[0] == 7 * 24 * 60 + 13 * 60


def test_weekends_group_saturday_and_sunday_inside_the_horizon(make_problem):
    problem = make_problem(start=date(2026, 3, 4), days=11)  # Wednesday to the Saturday after next
    assert problem.weekends == ((3, 4), (10,))
    assert problem.weeks[-1] == (7, 8, 9, 10)


def test_competency_valid_until_is_checked_against_the_shift_date(make_problem, make_person):
    ben = make_person(
        "ben", skills={"fill": Skill(Level.INDEPENDENT, valid_until=date(2026, 3, 4))}
    )
    problem = make_problem(people=(ben,))
    fill = problem.station["fill"]
    assert problem.can_work(ben, fill, 2)  # Wednesday 4 March: last valid day
    assert not problem.can_work(ben, fill, 3)  # Thursday: lapsed


def test_trainee_needs_the_prerequisite_and_a_trainer_level_to_supervise(make_problem, make_person):
    comps = (Competency("iv", "IV room"), Competency("chemo", "Chemo", prerequisite="iv"))
    chemo = Station("chemo", "Chemo", "S", ("chemo",))
    cara = make_person("cara", skills={"iv": Skill(Level.INDEPENDENT)})
    dan = make_person("dan", skills={})
    tess = make_person("tess", skills={"iv": Skill(Level.TRAINER), "chemo": Skill(Level.TRAINER)})
    goals = (
        Goal("g1", "cara", "chemo", Level.INDEPENDENT, 4),
        Goal("g2", "dan", "chemo", Level.INDEPENDENT, 4),
    )
    problem = make_problem(
        competencies=comps, stations=(chemo,), people=(cara, dan, tess), goals=goals
    )
    assert problem.training_competencies(cara, chemo, 0) == ("chemo",)
    assert problem.training_competencies(dan, chemo, 0) == ()  # no independent IV yet
    assert problem.can_train(tess, ("chemo",), 0)
    assert not problem.can_train(cara, ("chemo",), 0)
