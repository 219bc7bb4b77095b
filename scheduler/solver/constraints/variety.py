"""Trainer variety: a trainee benefits from different trainers across their training shifts.

For every trainer and trainee who could be paired, each shift they are paired
beyond the second costs ``weights.trainer_variety``. The supervision family ties
each pair variable to the trainee's shift, so the count equals the trainee
assignments of the rota that name that trainer.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ..penalties import Cost, Subject
from ..priorities import Rule
from ..problem import Mode, Problem, Rota
from .base import ModelContext, SoftFamily, literal

FREE_SHIFTS = 2  # shifts with the same trainer before variety is asked for


def _key(trainer: str, trainee: str) -> str:
    """A stable key for a trainer-trainee pairing."""
    return f"variety:{trainee}:{trainer}"


def _sentence(problem: Problem, trainer: str, trainee: str) -> str:
    """What too many shifts with one trainer says, in plain words."""
    names = f"{problem.person[trainee].name} trains beside {problem.person[trainer].name}"
    return literal(names) + f" on {{amount}} shift(s) beyond {FREE_SHIFTS}"


class VarietyFamily(SoftFamily):
    """Penalise each shift a trainee spends with the same trainer beyond the second."""

    name = "variety"
    title = "Trainer variety"

    def build(self, ctx: ModelContext) -> None:
        """Count each trainer-trainee pairing's shifts and price those beyond two exactly."""
        weight = ctx.problem.weights.trainer_variety
        if weight <= 0:
            return
        together: dict[tuple[str, str], list] = defaultdict(list)
        for (trainer, trainee, *_slot), var in ctx.vars.pairs():
            together[(trainer, trainee)].append(var)
        for (trainer, trainee), pairs in together.items():
            key = _key(trainer, trainee)
            amount = ctx.positive_part(sum(pairs) - FREE_SHIFTS, len(pairs) - FREE_SHIFTS, key)
            ctx.penalise(
                self.name,
                Rule.VARIETY,
                key,
                weight,
                amount,
                _sentence(ctx.problem, trainer, trainee),
                Subject(person=trainee),
            )

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Count the rota's trainee shifts per trainer and price those beyond two."""
        weight = problem.weights.trainer_variety
        if weight <= 0:
            return []
        together = Counter(
            (a.trainer, a.person)
            for a in rota.assignments
            if a.mode is Mode.TRAINEE and a.trainer in problem.person and a.person in problem.person
        )
        return [
            self.cost(
                problem,
                Rule.VARIETY,
                _key(trainer, trainee),
                weight,
                n - FREE_SHIFTS,
                _sentence(problem, trainer, trainee),
                Subject(person=trainee),
            )
            for (trainer, trainee), n in sorted(together.items())
            if n > FREE_SHIFTS
        ]
