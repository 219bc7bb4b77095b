"""Development goals: each trainee gets this rota's share of the supervised shifts they need.

Progress is the number of TRAINEE-mode shifts a person stands at stations where
they learn the goal's competency. The share wanted in this rota is the goal's
weekly pace (shifts needed over the weeks to its deadline, rounded up) times the
weeks of the horizon, never more than the shifts needed or the days of the
horizon. Each share shift k = 1..target is a term of weight
``goal * priority * (target - k + 1)``: the first missing shift costs the most,
so training opportunities are spread between trainees before anyone gets a
second helping.
"""

from __future__ import annotations

import math

from ..penalties import Cost, Subject
from ..problem import Goal, Mode, Problem, Rota
from .base import ModelContext, SoftFamily, literal


def target(problem: Problem, goal: Goal) -> int:
    """Supervised shifts of a goal wanted in this rota."""
    if goal.shifts_needed <= 0:
        return 0
    pace = math.ceil(goal.shifts_needed / problem.weeks_to(goal.deadline))
    return min(goal.shifts_needed, pace * len(problem.weeks), problem.days)


def _terms(problem: Problem, goal: Goal) -> list[tuple[int, str, int, str]]:
    """The (k, key, weight, sentence) of each share shift of a goal."""
    if goal.person not in problem.person:
        return []
    share = target(problem, goal)
    unit = problem.weights.goal * goal.priority
    if unit <= 0:
        return []
    name = problem.person[goal.person].name
    comp = problem.competency[goal.competency].name if goal.competency in problem.competency \
        else goal.competency
    level = goal.target_level.name.lower()
    return [
        (
            k,
            f"goals:{goal.id}:{k}",
            unit * (share - k + 1),
            literal(f"{name}'s goal {comp} ({level}): supervised shift {k} of the "
                    f"{share} wanted in this rota is not planned"),
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
            shifts = [
                v.assign[k]
                for k in v.keys(person=goal.person, mode=Mode.TRAINEE)
                if goal.competency in v.training.get((k[0], k[1], k[3]), ())
            ]
            subject = Subject(person=goal.person)
            if not shifts:
                for _k, key, weight, sentence in terms:
                    ctx.penalise(self.name, key, weight, 1, sentence, subject)
                continue
            # reached = min(progress, share); got[k-1] <=> progress >= k, exactly.
            reached = model.new_int_var(0, share, f"goal[{goal.id}]:reached")
            model.add_min_equality(reached, [sum(shifts), share])
            got = [model.new_bool_var(f"goal[{goal.id}]:{k}") for k, *_ in terms]
            for first, second in zip(got, got[1:], strict=False):
                model.add_implication(second, first)
            model.add(sum(got) == reached)
            for (_k, key, weight, sentence), lit in zip(terms, got, strict=True):
                ctx.penalise(self.name, key, weight, 1 - lit, sentence, subject)

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Count each goal's training shifts in the rota and price the share shifts not reached."""
        out = []
        for goal in problem.goals:
            terms = _terms(problem, goal)
            if not terms:
                continue
            who = problem.person[goal.person]
            progress = sum(
                1
                for a in rota.assignments
                if a.person == goal.person and a.mode is Mode.TRAINEE
                and a.activity in problem.station
                and goal.competency in problem.training_competencies(
                    who, problem.station[a.activity], a.day
                )
            )
            for k, key, weight, sentence in terms:
                if progress < k:
                    out.append(self.cost(key, weight, 1, sentence, Subject(person=goal.person)))
        return out
