"""Cover family: heads short of the minimum, below the ideal and above it, priced exactly."""

import random
from dataclasses import replace
from datetime import date, time

from ortools.sat.python import cp_model

from scheduler.solver import (
    Assignment,
    Competency,
    Cover,
    Level,
    Mode,
    Person,
    Problem,
    Request,
    Role,
    Rota,
    ShiftType,
    Site,
    Skill,
    Station,
    Weights,
    validate,
)
from scheduler.solver.constraints import family
from scheduler.solver.gaps import gap_reasons
from scheduler.solver.model import build_model
from scheduler.solver.penalties import evaluated
from scheduler.solver.priorities import Priorities
from scheduler.solver.solve import extract_rota

from .conftest import with_cover

COVER = family("cover")


def model_objective_of(problem: Problem, rota: Rota) -> int:
    """The model's objective with every variable fixed to a given rota (for cross-checks)."""
    ctx = build_model(problem)
    chosen = {(a.person, a.day, a.shift, a.activity, a.mode) for a in rota.assignments}
    trainer_of = {
        (a.trainer, a.person, a.day, a.shift, a.activity)
        for a in rota.assignments
        if a.mode is Mode.TRAINEE
    }
    assert chosen <= set(ctx.vars.keys()), "the rota uses a placement the model cannot make"
    for key, var in ctx.vars.items():
        ctx.model.add(var == int(key in chosen))
    for key, var in ctx.vars.pairs():
        ctx.model.add(var == int(key in trainer_of))
    if ctx.penalties:
        ctx.model.minimize(sum(p.weight * p.amount for p in ctx.penalties))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    assert solver.solve(ctx.model) == cp_model.OPTIMAL
    return round(solver.objective_value) if ctx.penalties else 0


def assert_model_matches_check(problem: Problem, family_name: str, seeds=range(6)) -> None:
    """Solve for rotas chosen at random and compare the model's terms to the family's check()."""
    for seed in seeds:
        ctx = build_model(problem)
        rng = random.Random(seed)
        ctx.model.minimize(sum(rng.randint(-3, 3) * x for x in ctx.vars.select()))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 10
        assert solver.solve(ctx.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        rota = extract_rota(solver, ctx)
        solved = [evaluated(p, int(solver.value(p.amount))) for p in ctx.penalties]
        model = by_key(c for c in solved if c.family == family_name and c.amount)
        assert model == by_key(family(family_name).check(problem, rota)), f"seed {seed}"


def by_key(costs) -> dict[str, tuple[int, int, str]]:
    """Costs as key -> (weight, amount, sentence), for exact comparisons."""
    return {c.key: (c.weight, c.amount, c.sentence) for c in costs}


def test_cover_met_every_day_costs_nothing(make_problem, run):
    result = run(with_cover(make_problem()))
    assert result.status == "optimal"
    assert result.objective == 0
    assert len(result.rota.assignments) == 7


def test_cover_short_of_minimum_and_of_ideal_costs_exact_points(make_problem, run):
    line = Cover(0, "day", "fill", 2, 3, under_weight=100, ideal_weight=20, over_weight=5)
    result = run(make_problem(cover=[line]))
    assert result.objective == 100 * 1 + 20 * 2
    assert by_key(result.costs) == {
        "cover:0:day:fill:under": (100, 1, "Mon 2 Mar day, Fill: 1 short of the minimum 2"),
        "cover:0:day:fill:ideal": (20, 2, "Mon 2 Mar day, Fill: 2 below the ideal 3"),
    }


def test_cover_above_the_ideal_costs_over_weight_on_the_last_day(make_problem, make_person, run):
    names = ("ann", "ben", "cid")
    problem = make_problem(
        people=[make_person(p) for p in names],
        requests=[Request(p, 6, "day", True, 10) for p in names],
        cover=[Cover(6, "day", "fill", 1, 1, under_weight=100, ideal_weight=0, over_weight=3)],
        priorities=Priorities.benchmark(),  # one weighted sum: wishes can pay for crowding
    )
    result = run(problem)
    assert result.objective == 3 * 2
    assert by_key(result.costs) == {
        "cover:6:day:fill:over": (3, 2, "Sun 8 Mar day, Fill: 2 above the ideal 1"),
    }
    # By levels, crowding above the ideal (level 4) outranks the wishes (level 5).
    ranked = run(replace(problem, priorities=Priorities()))
    assert ranked.levels == (0, 0, 0, 0, 20)
    assert len(ranked.rota.assignments) == 1


def test_cover_gap_sentence_stays_plain_and_gaps_name_who_is_on_leave_or_lapsed(
    make_problem, make_person, run
):
    people = [
        make_person(
            "ann", skills={"media": Skill(Level.INDEPENDENT)}, unavailable=frozenset({(1, None)})
        ),
        make_person("ben", skills={"media": Skill(Level.TRAINER, valid_until=date(2026, 3, 2))}),
        make_person("cid"),  # never held media fill
    ]
    problem = make_problem(
        competencies=[Competency("fill", "Fill"), Competency("media", "Media fill")],
        stations=[Station("iv", "IV room", "S", ("media",))],
        people=people,
        cover=[Cover(1, "day", "iv", 1, 1, under_weight=100, ideal_weight=0)],
    )
    result = run(problem)
    assert result.objective == 100
    [cost] = result.costs
    assert cost.sentence == "Tue 3 Mar day, IV room: 1 short of the minimum 1"
    assert COVER.check(problem, result.rota) == [cost]
    assert gap_reasons(problem, result.rota) == {
        (1, "day", "iv"): [
            "Ann is on leave on Tue 3 Mar",
            "Ben's Media fill was valid until Mon 2 Mar",
        ]
    }


def test_cover_check_counts_workers_not_trainees_on_first_and_last_day(make_problem, make_person):
    problem = make_problem(
        people=[make_person(p) for p in ("ann", "ben", "cid")],
        cover=[
            Cover(0, "day", "fill", 2, 2, under_weight=100, ideal_weight=0, over_weight=1),
            Cover(6, "day", "fill", 1, 1, under_weight=100, ideal_weight=0, over_weight=1),
        ],
    )
    rota = Rota(
        (
            Assignment("ann", 0, "day", "fill"),
            Assignment("cid", 0, "day", "fill", Mode.TRAINEE, trainer="ann"),
            Assignment("ann", 6, "day", "fill"),
            Assignment("ben", 6, "day", "fill"),
        )
    )
    assert [(c.key, c.weight, c.amount) for c in COVER.check(problem, rota)] == [
        ("cover:0:day:fill:under", 100, 1),
        ("cover:6:day:fill:over", 1, 1),
    ]


def test_cover_with_zero_weights_costs_nothing(make_problem, run):
    problem = make_problem(cover=[Cover(0, "day", "fill", 3, 4, 0, 0, 0)])
    assert run(problem).objective == 0
    assert COVER.check(problem, Rota(())) == []


def _benchmark_shaped(seed: int) -> Problem:
    """A tiny Curtois & Qu style instance: shifts D and N, min == ideal, under 100, over 1."""
    rng = random.Random(seed)
    people = tuple(
        Person(e, e, Role.TECHNICIAN, "S", unavailable=frozenset({(rng.randrange(7), None)}))
        for e in "ABCD"
    )
    cover = tuple(
        Cover(d, s, "cover", r, r, under_weight=100, ideal_weight=0, over_weight=1)
        for d in range(7)
        for s in ("D", "N")
        for r in [rng.randrange(3)]
    )
    requests = tuple(
        Request(
            rng.choice("ABCD"),
            rng.randrange(7),
            rng.choice("DN"),
            rng.random() < 0.5,
            rng.randint(1, 3),
        )
        for _ in range(8)
    )
    return Problem(
        start=date(2024, 1, 1),
        days=7,
        sites=(Site("S", "Ward"),),
        shift_types=(ShiftType("D", "D", "S", time(0, 0)), ShiftType("N", "N", "S", time(0, 0))),
        competencies=(),
        stations=(Station("cover", "Cover", "S"),),
        people=people,
        cover=cover,
        requests=requests,
        weights=Weights(0, 0, 0, 0, 0, 0),
    )


def _format_objective(problem: Problem, rota: Rota) -> int:
    """The benchmark objective written straight from FORMAT.md section 4."""
    roster = {(a.person, a.day): a.shift for a in rota.assignments}
    total = 0
    for r in problem.requests:
        if r.want:
            total += r.weight * (roster.get((r.person, r.day)) != r.shift)
        else:
            total += r.weight * (roster.get((r.person, r.day)) == r.shift)
    for c in problem.cover:
        x = sum(1 for (_e, d), s in roster.items() if d == c.day and s == c.shift)
        total += c.under_weight * max(0, c.minimum - x) + c.over_weight * max(0, x - c.minimum)
    return total


def test_cover_and_requests_reproduce_the_benchmark_objective(run):
    rng = random.Random(7)
    for seed in range(4):
        problem = _benchmark_shaped(seed)
        for _ in range(5):
            rota = Rota(
                tuple(
                    Assignment(p.id, d, s, "cover")
                    for p in problem.people
                    for d in range(7)
                    for s in [rng.choice(["D", "N", None])]
                    if s is not None and not p.is_unavailable(d, s)
                )
            )
            expected = _format_objective(problem, rota)
            assert validate(problem, rota).objective == expected
            assert model_objective_of(problem, rota) == expected
        result = run(problem)
        assert result.status == "optimal"
        assert result.objective == _format_objective(problem, result.rota)


def test_cover_model_matches_check_on_random_rotas(make_problem, make_person):
    two_shifts = [
        ShiftType("day", "Day", "S", time(7, 0)),
        ShiftType("eve", "Evening", "S", time(15, 0)),
    ]
    people = [make_person(p) for p in ("ann", "ben", "cid")]
    people.append(make_person("dot", skills={"fill": Skill(Level.SUPERVISED)}))
    people[0] = make_person("ann", skills={"fill": Skill(Level.TRAINER)})
    problem = with_cover(
        make_problem(days=3, shift_types=two_shifts, people=people),
        minimum=1,
        ideal=2,
        under_weight=100,
        ideal_weight=20,
        over_weight=3,
    )
    assert_model_matches_check(problem, "cover")
