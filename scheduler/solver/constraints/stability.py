"""Changes against the reference rota: re-plan after a sick call with as few changes as possible.

When ``Problem.reference`` is set, every person-day whose (shift, station or duty)
differs from the reference costs ``weights.change``; working where the reference
has a day off, and the reverse, are changes too. The mode (working or training)
is not compared. Reference assignments of days outside the horizon are ignored
(unknown people, shifts or places are faults of the problem: ``faults.py``); when
the reference names a person twice on a day, the last one counts.
"""

from __future__ import annotations

from ..penalties import Cost, Subject
from ..priorities import Rule
from ..problem import Problem, Rota
from .base import ModelContext, SoftFamily, literal


def _reference(problem: Problem) -> dict[tuple[str, int], tuple[str, str]]:
    """The reference rota's (shift, activity) of each person-day it works."""
    return {
        (a.person, a.day): (a.shift, a.activity)
        for a in problem.reference or ()
        if 0 <= a.day < problem.days
    }


def _terms(problem: Problem) -> list[tuple[str, int, tuple[str, str] | None, str]]:
    """The (person, day, reference placement or None for off, sentence) of every person-day."""
    if problem.reference is None or problem.weights.change <= 0:
        return []
    ref = _reference(problem)
    out = []
    for person in problem.people:
        for day in range(problem.days):
            was = ref.get((person.id, day))
            if was is None:
                before = "off"
            else:
                shift = problem.shift[was[0]].name.lower()
                activity = was[1]
                place = problem.station.get(activity) or problem.duty[activity]
                before = f"{shift} at {place.name}"
            sentence = literal(
                f"{person.name} {problem.day_label(day)}: changed from the reference ({before})"
            )
            out.append((person.id, day, was, sentence))
    return out


class StabilityFamily(SoftFamily):
    """Penalise each person-day that differs from the reference rota."""

    name = "stability"
    title = "Changes against the reference rota"

    def build(self, ctx: ModelContext) -> None:
        """Mark each person-day exactly as changed or kept and price the changes."""
        weight = ctx.problem.weights.change
        v = ctx.vars
        for person, day, was, sentence in _terms(ctx.problem):
            if was is None:
                changed = v.worked(person, day)
            else:
                kept = [
                    v.assign[k]
                    for k in v.keys(person=person, day=day, shift=was[0], activity=was[1])
                ]
                changed = 1 - sum(kept)
            ctx.penalise(
                self.name,
                Rule.STABILITY,
                f"stability:{person}:{day}",
                weight,
                changed,
                sentence,
                Subject(person=person, day=day),
            )

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Price each person-day of the rota that differs from the reference."""
        now: dict[tuple[str, int], set[tuple[str, str]]] = {}
        for a in rota.assignments:
            now.setdefault((a.person, a.day), set()).add((a.shift, a.activity))
        out = []
        for person, day, was, sentence in _terms(problem):
            placed = now.get((person, day), set())
            if placed != ({was} if was else set()):
                out.append(
                    self.cost(
                        problem,
                        Rule.STABILITY,
                        f"stability:{person}:{day}",
                        problem.weights.change,
                        1,
                        sentence,
                        Subject(person=person, day=day),
                    )
                )
        return out
