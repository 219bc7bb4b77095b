"""Changes against the reference rota: a re-plan changes as little as it can of what people have.

When ``Problem.reference`` is set (the rota people were given), every person-day
whose (shift, station or duty) differs from the reference costs ``weights.change``,
or ``weights.change_short_notice`` on a day before ``Problem.short_notice_days``
(today and tomorrow); working where the reference has a day off, and the reverse,
are changes too. Each person with any change costs ``weights.change_person`` once,
so the changes fall on as few people as they can. The mode (working or training) is
not compared. Days the re-plan keeps (``Problem.kept_days``) cannot change and are
not priced. Reference assignments of days outside the horizon are ignored (unknown
people, shifts or places are faults of the problem: ``faults.py``); when the
reference names a person twice on a day, the last one counts.
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


def _weight(problem: Problem, day: int) -> int:
    """The price of one changed person-day: heavier at short notice."""
    w = problem.weights
    return w.change_short_notice if day < problem.short_notice_days else w.change


def _terms(problem: Problem) -> list[tuple[str, int, tuple[str, str] | None, str]]:
    """The (person, day, reference placement or None for off, sentence) of every person-day."""
    if problem.reference is None or problem.weights.change <= 0:
        return []
    ref = _reference(problem)
    out = []
    for person in problem.people:
        for day in range(problem.kept_days, problem.days):
            was = ref.get((person.id, day))
            if was is None:
                before = "off"
            else:
                shift = problem.shift[was[0]].name.lower()
                activity = was[1]
                place = problem.station.get(activity) or problem.duty[activity]
                before = f"{shift} at {place.name}"
            notice = " (short notice)" if day < problem.short_notice_days else ""
            sentence = literal(
                f"{person.name} {problem.day_label(day)}: changed from the rota people were "
                f"given ({before}){notice}"
            )
            out.append((person.id, day, was, sentence))
    return out


def _person_sentence(problem: Problem, person: str) -> str:
    return literal(f"{problem.person[person].name}: shifts changed")


class StabilityFamily(SoftFamily):
    """Penalise each person-day that differs from the reference rota, and each person affected."""

    name = "stability"
    title = "Changes to the rota people were given"

    def build(self, ctx: ModelContext) -> None:
        """Mark each person-day exactly as changed or kept, each person as affected, and price."""
        p = ctx.problem
        v = ctx.vars
        changed_of: dict[str, list] = {}
        for person, day, was, sentence in _terms(p):
            if was is None:
                changed = v.worked(person, day)
            else:
                kept = v.select(person=person, day=day, shift=was[0], activity=was[1])
                changed = 1 - sum(kept)
            changed_of.setdefault(person, []).append(changed)
            ctx.penalise(
                self.name,
                Rule.STABILITY,
                f"stability:{person}:{day}",
                _weight(p, day),
                changed,
                sentence,
                Subject(person=person, day=day),
            )
        if p.weights.change_person <= 0:
            return
        for person, changes in changed_of.items():
            terms = [c for c in changes if not isinstance(c, int)]
            if any(isinstance(c, int) and c > 0 for c in changes):
                affected = 1  # a placement of the reference that can no longer be made
            elif terms:
                affected = ctx.model.new_bool_var(f"affected[{person}]")
                for c in terms:
                    ctx.model.add(affected >= c)
            else:
                continue
            ctx.penalise(
                self.name,
                Rule.STABILITY,
                f"stability:{person}",
                p.weights.change_person,
                affected,
                _person_sentence(p, person),
                Subject(person=person),
            )

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Price each person-day of the rota that differs from the reference, and each person."""
        now: dict[tuple[str, int], set[tuple[str, str]]] = {}
        for a in rota.assignments:
            now.setdefault((a.person, a.day), set()).add((a.shift, a.activity))
        out = []
        affected: list[str] = []
        for person, day, was, sentence in _terms(problem):
            placed = now.get((person, day), set())
            if placed != ({was} if was else set()):
                out.append(
                    self.cost(
                        problem,
                        Rule.STABILITY,
                        f"stability:{person}:{day}",
                        _weight(problem, day),
                        1,
                        sentence,
                        Subject(person=person, day=day),
                    )
                )
                if person not in affected:
                    affected.append(person)
        if problem.weights.change_person > 0:
            out.extend(
                self.cost(
                    problem,
                    Rule.STABILITY,
                    f"stability:{person}",
                    problem.weights.change_person,
                    1,
                    _person_sentence(problem, person),
                    Subject(person=person),
                )
                for person in affected
            )
        return out
