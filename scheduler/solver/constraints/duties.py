"""Duties assigned: each duty is done ``per_week`` times in every week of the horizon.

For each week of ``Problem.weeks`` (seven days from day 0; a shorter last week
still asks for the full ``per_week``) the shortfall ``weight * (per_week - n)``
is penalised, where n is the number of assignments to the duty that week. The
hard family ``duty_limits`` keeps n at or below ``per_week`` (and each day at or
below ``per_day``), so the shortfall is never negative in the model; a hand-made
rota that over-assigns a duty has a shortfall of 0 here and a violation there.
"""

from __future__ import annotations

from collections import Counter

from ..penalties import Cost, Subject
from ..priorities import Rule
from ..problem import Duty, Problem, Rota
from .base import ModelContext, SoftFamily, literal


def _terms(problem: Problem, duty: Duty) -> list[tuple[tuple[int, ...], str, str]]:
    """The (week days, key, sentence) of each week a duty is wanted in."""
    if duty.per_week <= 0 or duty.weight <= 0:
        return []
    return [
        (
            week,
            f"duties:{duty.id}:{w}",
            literal(f"{duty.name}, week from {problem.day_label(week[0])}: ")
            + f"{{amount}} of {duty.per_week} not rostered",
        )
        for w, week in enumerate(problem.weeks)
    ]


def _rule(duty: Duty) -> Rule:
    """A required duty ranks with station cover; any other with the site's ranked rules."""
    return Rule.REQUIRED_DUTIES if duty.required else Rule.DUTIES


class DutiesFamily(SoftFamily):
    """Penalise every occurrence of a duty short of its weekly count."""

    name = "duties"
    title = "Duties assigned"

    def build(self, ctx: ModelContext) -> None:
        """Count each week's duty assignments and price the shortfall."""
        for duty in ctx.problem.duties:
            if duty.per_week <= 0:
                continue
            priced = {week: (key, sentence) for week, key, sentence in _terms(ctx.problem, duty)}
            for week in ctx.problem.weeks:
                taken = [var for d in week for var in ctx.vars.on_activity(duty.id, d)]
                if week in priced:
                    key, sentence = priced[week]
                    subject = Subject(day=week[0], activity=duty.id)
                    ctx.penalise(
                        self.name,
                        _rule(duty),
                        key,
                        duty.weight,
                        duty.per_week - sum(taken),
                        sentence,
                        subject,
                    )

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Price each week's shortfall of every duty in the rota."""
        done = Counter((a.activity, a.day) for a in rota.assignments)
        out = []
        for duty in problem.duties:
            for week, key, sentence in _terms(problem, duty):
                amount = max(0, duty.per_week - sum(done[(duty.id, d)] for d in week))
                if amount:
                    subject = Subject(day=week[0], activity=duty.id)
                    out.append(
                        self.cost(problem, _rule(duty), key, duty.weight, amount, sentence, subject)
                    )
        return out
