"""Development goals: each trainee gets this rota's share of the supervised shifts they need.

Progress is the number of TRAINEE-mode shifts a person stands at stations where
they learn the goal's competency. The share wanted in this rota is the goal's
weekly pace (shifts needed over the weeks to its deadline, rounded up) times the
weeks of the horizon, never more than the shifts needed or the days of the
horizon. Each share shift k = 1..target is a term of weight
``goal * priority * (target - k + 1)``: the first missing shift costs the most,
so training opportunities are spread between trainees before anyone gets a
second helping.

A goal toward trainer level progresses, on each shift's date on which the person
holds the competency independently, by *mentored* shifts instead: shifts worked at
a station needing the competency beside a colleague who is a trainer in it, on the
same shift. On a date the competency has lapsed (or is not yet independent) the
goal progresses by supervised shifts, as any other.
"""

from __future__ import annotations

import math

from ..penalties import Cost, Subject
from ..priorities import Rule
from ..problem import Goal, Level, Mode, Problem, Rota
from .base import ModelContext, SoftFamily, literal


def target(problem: Problem, goal: Goal) -> int:
    """Supervised shifts of a goal wanted in this rota."""
    if goal.shifts_needed <= 0:
        return 0
    pace = math.ceil(goal.shifts_needed / problem.weeks_to(goal.deadline))
    return min(goal.shifts_needed, pace * len(problem.weeks), problem.days)


def mentored_on(problem: Problem, goal: Goal, day: int) -> bool:
    """Whether on a shift's date the goal progresses by shifts beside a trainer.

    True for a goal toward trainer level when, on that date, the person holds the
    competency independently (a lapse mid-horizon ends it from the lapse on).
    """
    person = problem.person[goal.person]
    level = person.skill(goal.competency, problem.date_of(day)) or 0
    return goal.target_level >= Level.TRAINER and level >= Level.INDEPENDENT


def mentored(problem: Problem, goal: Goal) -> bool:
    """Whether a goal progresses by shifts beside a trainer on some day of the horizon."""
    return any(mentored_on(problem, goal, day) for day in range(problem.days))


def _kind(problem: Problem, goal: Goal) -> str:
    """What a goal's progress is made of in this rota, in words."""
    beside = [mentored_on(problem, goal, day) for day in range(problem.days)]
    if all(beside):
        return "shift beside a trainer"
    return "training shift" if any(beside) else "supervised shift"


def _trainers_beside(problem: Problem, goal: Goal, day: int, station: str) -> list[str]:
    """Colleagues who could mentor the goal's person at a station on a day."""
    if goal.competency not in problem.station[station].competencies:
        return []
    on = problem.date_of(day)
    return [
        p.id
        for p in problem.people
        if p.id != goal.person and (p.skill(goal.competency, on) or 0) >= Level.TRAINER
    ]


def _terms(problem: Problem, goal: Goal) -> list[tuple[int, str, int, str]]:
    """The (k, key, weight, sentence) of each share shift of a goal."""
    if goal.person not in problem.person:
        return []
    share = target(problem, goal)
    unit = problem.weights.goal * goal.priority
    if unit <= 0:
        return []
    name = problem.person[goal.person].name
    comp = (
        problem.competency[goal.competency].name
        if goal.competency in problem.competency
        else goal.competency
    )
    level = goal.target_level.name.lower()
    kind = _kind(problem, goal)
    return [
        (
            k,
            f"goals:{goal.id}:{k}",
            unit * (share - k + 1),
            literal(
                f"{name}'s goal {comp} ({level}): {kind} {k} of the "
                f"{share} wanted in this rota is not planned"
            ),
        )
        for k in range(1, share + 1)
    ]


class GoalsFamily(SoftFamily):
    """Penalise supervised shifts missing from each trainee's share, the first ones most."""

    name = "goals"
    title = "Development goals"

    def build(self, ctx: ModelContext) -> None:
        """Count each goal's training shifts and mark exactly which share shifts are reached."""
        p, v, model = ctx.problem, ctx.vars, ctx.model
        for goal in p.goals:
            terms = _terms(p, goal)
            if not terms:
                continue
            share = len(terms)
            shifts = self._mentored_shifts(ctx, goal) + [
                x
                for k, x in v.placements(person=goal.person, mode=Mode.TRAINEE)
                if not mentored_on(p, goal, k.day)
                and goal.competency in v.learning(k.person, k.day, k.activity)
            ]
            subject = Subject(person=goal.person)
            if not shifts:
                for _k, key, weight, sentence in terms:
                    ctx.penalise(self.name, Rule.GOALS, key, weight, 1, sentence, subject)
                continue
            # reached = min(progress, share); got[k-1] <=> progress >= k, exactly.
            reached = model.new_int_var(0, share, f"goal[{goal.id}]:reached")
            model.add_min_equality(reached, [sum(shifts), share])
            got = [model.new_bool_var(f"goal[{goal.id}]:{k}") for k, *_ in terms]
            for first, second in zip(got, got[1:], strict=False):
                model.add_implication(second, first)
            model.add(sum(got) == reached)
            for (_k, key, weight, sentence), lit in zip(terms, got, strict=True):
                ctx.penalise(self.name, Rule.GOALS, key, weight, 1 - lit, sentence, subject)

    @staticmethod
    def _mentored_shifts(ctx: ModelContext, goal: Goal) -> list:
        """One exact bool per station shift the person works beside a trainer in the goal.

        Only shifts on dates the goal is mentored on count (``mentored_on``).
        """
        v, model = ctx.vars, ctx.model
        out = []
        for (_person, day, shift, station, _mode), works in v.placements(
            person=goal.person, mode=Mode.WORKS
        ):
            if station not in ctx.problem.station or not mentored_on(ctx.problem, goal, day):
                continue
            beside = [
                x
                for t in _trainers_beside(ctx.problem, goal, day, station)
                for x in v.select(person=t, day=day, shift=shift, activity=station, mode=Mode.WORKS)
            ]
            if not beside:
                continue
            both = model.new_bool_var(f"mentored[{goal.id},{day},{shift},{station}]")
            # both <=> works there AND at least one trainer beside them, exactly.
            model.add_implication(both, works)
            model.add_bool_or(beside).only_enforce_if(both)
            for t in beside:
                model.add_bool_or([both, ~works, ~t])
            out.append(both)
        return out

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Count each goal's training shifts in the rota and price the share shifts not reached."""
        out = []
        for goal in problem.goals:
            terms = _terms(problem, goal)
            if not terms:
                continue
            who = problem.person[goal.person]
            progress = _count_mentored(problem, goal, rota) + sum(
                1
                for a in rota.assignments
                if a.person == goal.person
                and a.mode is Mode.TRAINEE
                and a.activity in problem.station
                and not mentored_on(problem, goal, a.day)
                and goal.competency
                in problem.training_competencies(who, problem.station[a.activity], a.day)
            )
            for k, key, weight, sentence in terms:
                if progress < k:
                    out.append(
                        self.cost(
                            problem,
                            Rule.GOALS,
                            key,
                            weight,
                            1,
                            sentence,
                            Subject(person=goal.person),
                        )
                    )
        return out


def _count_mentored(problem: Problem, goal: Goal, rota: Rota) -> int:
    """Shifts the goal's person works beside a trainer in its competency, on mentored dates."""
    works = {
        (a.person, a.day, a.shift, a.activity)
        for a in rota.assignments
        if a.mode == Mode.WORKS and a.activity in problem.station
    }
    return sum(
        1
        for person, day, shift, station in works
        if person == goal.person
        and mentored_on(problem, goal, day)
        and any(
            (t, day, shift, station) in works for t in _trainers_beside(problem, goal, day, station)
        )
    )
