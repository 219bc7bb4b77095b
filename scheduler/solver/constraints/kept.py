"""Kept days: a re-plan never rewrites the days before it starts.

Days ``0 .. Problem.kept_days - 1`` hold exactly ``Problem.kept``: the shifts already
worked (before the site's today in a published week) or planned before a sick call's
first day. Every kept assignment holds (a trainee's beside the same trainer), and
nobody else is placed on those days. Rules that reach across the boundary still
apply: rest after a kept night, days in a row, hours of the week.
"""

from __future__ import annotations

from ..penalties import Subject, Violation
from ..problem import Assignment, Mode, Problem, Rota
from .base import HardFamily, ModelContext
from .pins import fix_placement, pin_sentence


def kept_sentence(problem: Problem, a: Assignment) -> str:
    """'Kept as planned before the re-plan: Ben on Tue 3 Mar day at IV room'."""
    return "Kept as planned before the re-plan: " + pin_sentence(problem, a).removeprefix("Pin: ")


def _key(a: Assignment) -> tuple:
    return (a.person, a.day, a.shift, a.activity, a.mode)


class KeptFamily(HardFamily):
    """The days before a re-plan's start are exactly as they were."""

    name = "kept"
    title = "Days kept as they were"

    def build(self, ctx: ModelContext) -> None:
        """Fix every kept placement to 1 and every other placement of a kept day to 0."""
        p, v = ctx.problem, ctx.vars
        if p.kept_days <= 0:
            return
        kept = {_key(a): a for a in p.kept}
        for a in p.kept:
            fix_placement(ctx, self.name, a, kept_sentence(p, a))
        for day in range(p.kept_days):
            others = [x for k, x in v.placements(day=day) if k not in kept]
            if not others:
                continue
            lits = ctx.guard(
                self.name,
                f"day:{day}",
                f"Nobody is added on {p.day_label(day)}: the re-plan starts after it",
            )
            for var in others:
                ctx.model.add(var == 0).only_enforce_if(lits)

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Every kept assignment missing or changed, and everyone added on a kept day."""
        if problem.kept_days <= 0:
            return []
        placed = {_key(a): a.trainer for a in rota.assignments if 0 <= a.day < problem.kept_days}
        kept = {_key(a): a for a in problem.kept}
        out = []
        for key, a in kept.items():
            subject = Subject(a.person, a.day, a.shift, a.activity)
            if key not in placed:
                out.append(Violation(self.name, subject, f"{kept_sentence(problem, a)}: missing"))
            elif a.mode is Mode.TRAINEE and a.trainer is not None and placed[key] != a.trainer:
                out.append(
                    Violation(
                        self.name, subject, f"{kept_sentence(problem, a)}: another trainer placed"
                    )
                )
        for key in placed:
            if key not in kept:
                person, day, shift, activity, _mode = key
                place = (problem.station.get(activity) or problem.duty[activity]).name
                out.append(
                    Violation(
                        self.name,
                        Subject(person, day, shift, activity),
                        f"{problem.person[person].name} added on {problem.slot_label(day, shift)} "
                        f"at {place}, a day before the re-plan starts",
                    )
                )
        return out
