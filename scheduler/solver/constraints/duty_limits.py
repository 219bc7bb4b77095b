"""Duty limits: a duty is never rostered more than its weekly count, nor its daily cap."""

from __future__ import annotations

from collections import Counter

from ..penalties import Subject, Violation
from ..problem import Duty, Problem, Rota
from .base import HardFamily, ModelContext


def _week_sentence(problem: Problem, duty: Duty, week: tuple[int, ...]) -> str:
    return f"{duty.name}: at most {duty.per_week} in the week from {problem.day_label(week[0])}"


def _day_sentence(problem: Problem, duty: Duty, day: int) -> str:
    return f"{duty.name}: at most {duty.per_day} on {problem.day_label(day)}"


class DutyLimitsFamily(HardFamily):
    """Cap each duty per week of the horizon and, when it has one, per day."""

    name = "duty_limits"
    title = "Duties not over-assigned"

    def build(self, ctx: ModelContext) -> None:
        """Bound the number of assignments to each duty per week and per day."""
        for duty in ctx.problem.duties:
            for week in ctx.problem.weeks:
                taken = [var for d in week for var in ctx.vars.on_activity(duty.id, d)]
                if len(taken) > duty.per_week:
                    lits = ctx.guard(
                        self.name, f"{duty.id}:w{week[0]}", _week_sentence(ctx.problem, duty, week)
                    )
                    ctx.model.add(sum(taken) <= duty.per_week).only_enforce_if(lits)
            if duty.per_day is None:
                continue
            for day in range(ctx.problem.days):
                taken = ctx.vars.on_activity(duty.id, day)
                if len(taken) > duty.per_day:
                    lits = ctx.guard(
                        self.name, f"{duty.id}:d{day}", _day_sentence(ctx.problem, duty, day)
                    )
                    ctx.model.add(sum(taken) <= duty.per_day).only_enforce_if(lits)

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Every week or day on which a duty is rostered more often than allowed."""
        done = Counter((a.activity, a.day) for a in rota.assignments)
        out = []
        for duty in problem.duties:
            for week in problem.weeks:
                n = sum(done[(duty.id, d)] for d in week)
                if n > duty.per_week:
                    out.append(
                        Violation(
                            self.name,
                            Subject(day=week[0], activity=duty.id),
                            f"{_week_sentence(problem, duty, week)}, but {n}",
                        )
                    )
            if duty.per_day is None:
                continue
            for day in range(problem.days):
                n = done[(duty.id, day)]
                if n > duty.per_day:
                    out.append(
                        Violation(
                            self.name,
                            Subject(day=day, activity=duty.id),
                            f"{_day_sentence(problem, duty, day)}, but {n}",
                        )
                    )
        return out
