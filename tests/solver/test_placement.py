"""Placement family: one shift a day, availability and leave, valid competencies, duties."""

from dataclasses import replace
from datetime import date, time

from scheduler.solver import (
    Assignment,
    Competency,
    Cover,
    Duty,
    Goal,
    Level,
    Mode,
    Rota,
    ShiftType,
    Site,
    Skill,
    Station,
)
from scheduler.solver.constraints import family
from scheduler.solver.model import build_model
from scheduler.solver.priorities import Priorities

PLACEMENT = family("placement")


def sentences(problem, *assignments):
    """The placement violations of a hand-made rota, as sentences."""
    return [v.sentence for v in PLACEMENT.check(problem, Rota(tuple(assignments)))]


def sterile_problem(make_problem, make_person, skills, **fields):
    """A site with a Fill and an IV room that needs a media fill valid on the shift's date."""
    return make_problem(
        competencies=(Competency("fill", "Fill"), Competency("media", "Media fill")),
        stations=(
            Station("fill", "Fill", "S", ("fill",)),
            Station("iv", "IV room", "S", ("media",)),
        ),
        people=(make_person("ben", skills=skills),),
        **fields,
    )


def test_placement_solver_keeps_leave_on_first_and_last_day(make_problem, make_person, run):
    ann = make_person(
        "ann", unavailable=frozenset({(0, None), (6, "day")}), contract={"min_minutes": 5 * 480}
    )
    result = run(make_problem(people=(ann,)))
    assert result.status == "optimal"
    days = sorted(a.day for a in result.rota.assignments)
    assert days == [1, 2, 3, 4, 5]


def test_placement_solver_infeasible_when_leave_leaves_too_few_days(make_problem, make_person, run):
    ann = make_person("ann", unavailable=frozenset({(6, None)}), contract={"min_minutes": 7 * 480})
    hard = run(make_problem(people=(ann,), priorities=Priorities(contracts_hard=True)))
    assert hard.status == "infeasible"
    assert any("at least 3360 minutes" in r for r in hard.reasons)
    assert "Ann is on leave on Sun 8 Mar" in hard.reasons  # the leave is named as a cause
    # On level 2 the short week is a rota with its shortfall named.
    soft = run(make_problem(people=(ann,)))
    assert soft.status == "optimal"
    assert [c.sentence for c in soft.costs] == [
        "Ann: 8 h below the 56 h the contract asks for in these 7 days"
    ]


def test_placement_diagnosis_names_leave_and_a_missing_skill_as_causes(
    make_problem, make_person, run
):
    def reasons(**person):
        problem = make_problem(
            people=(make_person("ben", **person),),
            pins=(Assignment("ben", 2, "day", "fill"),),
            competencies=(Competency("fill", "Fill"),),
        )
        result = run(problem)
        assert result.status == "infeasible"
        return result.reasons

    assert reasons(unavailable=frozenset({(2, None)})) == [
        "Ben is on leave on Wed 4 Mar",
        "Pin: Ben on Wed 4 Mar day at Fill",
    ]
    assert reasons(skills={}) == ["Ben does not hold Fill", "Pin: Ben on Wed 4 Mar day at Fill"]


def test_placement_solver_names_lapsed_competency_of_impossible_pin(make_problem, make_person, run):
    problem = sterile_problem(
        make_problem,
        make_person,
        {"media": Skill(Level.INDEPENDENT, valid_until=date(2026, 3, 3))},
        pins=(Assignment("ben", 2, "day", "iv"),),
    )
    result = run(problem)
    assert result.status == "infeasible"
    assert any("Ben's Media fill was valid until Tue 3 Mar" in r for r in result.reasons)


def test_placement_check_accepts_a_valid_rota(make_problem, make_person):
    problem = sterile_problem(
        make_problem,
        make_person,
        {"media": Skill(Level.INDEPENDENT, valid_until=date(2026, 3, 8))},
    )
    first, last = Assignment("ben", 0, "day", "iv"), Assignment("ben", 6, "day", "iv")
    assert sentences(problem, first, last) == []


def test_placement_check_lapsed_competency_names_its_date(make_problem, make_person):
    problem = sterile_problem(
        make_problem,
        make_person,
        {"media": Skill(Level.INDEPENDENT, valid_until=date(2026, 3, 2))},
    )
    assert sentences(problem, Assignment("ben", 0, "day", "iv")) == []
    found = sentences(problem, Assignment("ben", 1, "day", "iv"))
    assert found == ["Ben on Tue 3 Mar day at IV room: Ben's Media fill was valid until Mon 2 Mar"]


def test_placement_check_missing_and_supervised_competency(make_problem, make_person):
    problem = sterile_problem(make_problem, make_person, {"media": Skill(Level.SUPERVISED)})
    assert "Ben does not hold Fill" in sentences(problem, Assignment("ben", 0, "day", "fill"))[0]
    assert (
        "not yet independent in Media fill"
        in sentences(problem, Assignment("ben", 0, "day", "iv"))[0]
    )


def test_placement_check_leave_and_unavailable_slot(make_problem, make_person):
    ann = make_person("ann", unavailable=frozenset({(0, None), (6, "day")}))
    problem = make_problem(people=(ann,))
    found = sentences(problem, Assignment("ann", 0, "day", "fill"))
    assert "Ann is on leave on Mon 2 Mar" in found[0]
    assert (
        "Ann is not available on Sun 8 Mar day"
        in sentences(problem, Assignment("ann", 6, "day", "fill"))[0]
    )


def test_placement_check_two_shifts_one_day(make_problem):
    problem = make_problem(
        shift_types=(
            ShiftType("day", "Day", "S", time(7, 0), 480),
            ShiftType("late", "Late", "S", time(15, 0), 480),
        )
    )
    twice = (Assignment("ann", 6, "day", "fill"), Assignment("ann", 6, "late", "fill"))
    found = sentences(problem, *twice)
    assert found == ["Ann has 2 assignments on Sun 8 Mar; one shift a day at most"]


def test_placement_check_unknown_ids_and_other_site(make_problem):
    problem = make_problem(
        sites=(Site("S", "Site"), Site("T", "Town")),
        shift_types=(ShiftType("day", "Day", "S", time(7)), ShiftType("tday", "Day", "T", time(7))),
    )
    assert "unknown person 'zed'" in sentences(problem, Assignment("zed", 0, "day", "fill"))[0]
    assert "unknown station or duty 'x'" in sentences(problem, Assignment("ann", 0, "day", "x"))[0]
    assert "unknown shift type 'x'" in sentences(problem, Assignment("ann", 0, "x", "fill"))[0]
    assert "another site" in sentences(problem, Assignment("ann", 0, "tday", "fill"))[0]


def test_placement_check_trainee_mode_needs_training_eligibility(make_problem, make_person):
    problem = sterile_problem(make_problem, make_person, {"fill": Skill(Level.INDEPENDENT)})
    found = sentences(problem, Assignment("ben", 0, "day", "iv", Mode.TRAINEE, "cat"))
    assert found == [
        "Ben on Mon 2 Mar day at IV room as a trainee: Ben is not in training for IV room"
    ]
    learner = sterile_problem(make_problem, make_person, {"media": Skill(Level.OBSERVE)})
    assert sentences(learner, Assignment("ben", 0, "day", "iv", Mode.TRAINEE, "cat")) == []


def test_placement_check_duty_eligibility(make_problem, make_person):
    restock = Duty("restock", "Restock", "S", 60, days=frozenset({0}))
    problem = make_problem(duties=(restock,), people=(make_person("ann"),))
    assert sentences(problem, Assignment("ann", 0, "day", "restock")) == []
    found = sentences(problem, Assignment("ann", 1, "day", "restock"))
    assert found == [
        "Ann on Tue 3 Mar day at Restock: Ann may not take the duty Restock on Tue 3 Mar day"
    ]


def test_placement_cross_site_only_as_a_trainee_with_a_goal(make_problem, make_person, run):
    sites = (Site("S", "Store"), Site("H", "Hospital"))
    shifts = (
        ShiftType("day", "Day", "S", time(9, 0), 480),
        ShiftType("hday", "Hospital day", "H", time(7, 0), 480),
    )
    iv = Station("iv", "IV room", "H", ("iv",))
    sam = make_person("sam", skills={"fill": Skill(Level.INDEPENDENT), "iv": Skill(Level.OBSERVE)})
    tess = make_person("tess", site="H", skills={"iv": Skill(Level.TRAINER)})
    base = make_problem(
        sites=sites,
        shift_types=shifts,
        competencies=(Competency("fill", "Fill"), Competency("iv", "IV")),
        stations=(Station("fill", "Fill", "S", ("fill",)), iv),
        people=(sam, tess),
        cover=tuple(Cover(d, "hday", "iv", 1, 1) for d in range(7)),
    )
    # Without a goal Sam never leaves the store; Tess alone covers the IV room.
    assert not [k for k in _var_keys(base) if k[0] == "sam" and k[3] == "iv"]
    goal = Goal("g", "sam", "iv", Level.INDEPENDENT, 3, date(2026, 3, 9), priority=3)
    result = run(replace(base, goals=(goal,)))
    away = [a for a in result.rota.assignments if a.person == "sam"]
    assert len(away) == 3
    assert all(a.activity == "iv" and a.mode is Mode.TRAINEE and a.trainer == "tess" for a in away)
    # Working the store's fill as an independent is still only for the home site.
    rota = Rota(
        (Assignment("tess", 0, "hday", "iv"), Assignment("sam", 0, "hday", "iv", Mode.WORKS))
    )
    assert sentences(base, *rota.assignments)


def _var_keys(problem):
    """The assignment keys the model would create for a problem."""
    return build_model(problem).vars.keys()
