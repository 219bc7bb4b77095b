"""Nights and weekends shared fairly between the people of a site who could work them.

People are grouped by home site and role: pharmacists, and technicians together
with trainees. For each group and each kind of undesirable slot (night shifts;
any shift on a Saturday or Sunday), the demand is the sum of the cover
``minimum`` of those slots at the group's site, counting a cover line only when
some member of the group could stand at its station in WORKS mode on that slot
(qualified and available). The people sharing it are the members with at least
one such slot open to them in any activity or mode (the same test that creates
their variables). The fair share is ``ceil(demand / people)``; every slot of that
kind a person works beyond it costs ``night_fairness`` (or ``weekend_fairness``).
A group with no demand is not priced. Everything but the worked count is computed
from the problem alone, so the validator reproduces it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..penalties import Cost, Subject
from ..problem import Person, Problem, Role, Rota
from ..priorities import Rule
from .base import ModelContext, SoftFamily, literal

Kind = tuple[str, str, Callable[[Problem, int, str], bool]]  # (key, words, is this slot of kind)

KINDS: tuple[Kind, ...] = (
    ("night", "night shift(s)", lambda p, day, shift: p.shift[shift].night),
    ("weekend", "weekend shift(s)", lambda p, day, shift: p.is_weekend(day)),
)


def _group(person: Person) -> tuple[str, str]:
    """The (site, role group) a person's fair share is computed in."""
    return person.site, "pharmacists" if person.role is Role.PHARMACIST else "technicians"


def _slot_open(problem: Problem, person: Person, day: int, shift: str) -> bool:
    """Whether the person could be placed on a slot at all (mirrors the variables' creation)."""
    if person.is_unavailable(day, shift):
        return False
    site = problem.shift[shift].site
    for station in problem.stations:
        if station.site == site and (
            problem.can_work(person, station, day)
            or problem.training_competencies(person, station, day)
        ):
            return True
    return any(problem.can_do_duty(person, duty, day, shift) for duty in problem.duties)


def _rule(kind: str) -> Rule:
    """The soft rule a kind of slot is shared under."""
    return Rule.FAIR_NIGHTS if kind == "night" else Rule.FAIR_WEEKENDS


def _weight(problem: Problem, kind: str) -> int:
    """The weight per slot above the fair share for a kind of slot."""
    return problem.weights.night_fairness if kind == "night" else problem.weights.weekend_fairness


def _shares(problem: Problem) -> list[tuple[str, Person, int, list[tuple[int, str]]]]:
    """Each priced (kind, person, fair share, slots of that kind open to the person)."""
    out = []
    slots = [(d, st.id) for d in range(problem.days) for st in problem.shift_types]
    for kind, _words, is_kind in KINDS:
        if _weight(problem, kind) <= 0:
            continue
        of_kind = [(d, s) for d, s in slots if is_kind(problem, d, s)]
        if not of_kind:
            continue
        groups: dict[tuple[str, str], list[Person]] = {}
        for person in problem.people:
            groups.setdefault(_group(person), []).append(person)
        for (site, _role), members in groups.items():
            demand = sum(
                line.minimum
                for line in problem.cover
                if line.minimum > 0
                and problem.shift[line.shift].site == site
                and is_kind(problem, line.day, line.shift)
                and any(
                    not m.is_unavailable(line.day, line.shift)
                    and problem.can_work(m, problem.station[line.station], line.day)
                    for m in members
                )
            )
            if demand <= 0:
                continue
            open_to = {
                m.id: [(d, s) for d, s in of_kind if _slot_open(problem, m, d, s)]
                for m in members
            }
            sharing = [m for m in members if open_to[m.id]]
            if not sharing:
                continue
            share = math.ceil(demand / len(sharing))
            out.extend(
                (kind, m, share, open_to[m.id]) for m in sharing if len(open_to[m.id]) > share
            )
    return out


def _sentence(problem: Problem, kind: str, person: Person, share: int) -> str:
    """What working above the fair share says, in plain words."""
    words = {k: w for k, w, _f in KINDS}[kind]
    return literal(f"{person.name}: ") + f"{{amount}} {words} above the fair share of {share}"


class FairnessFamily(SoftFamily):
    """Penalise nights and weekend shifts a person works beyond a fair share of the demand."""

    name = "fairness"
    title = "Nights and weekends shared fairly"

    def build(self, ctx: ModelContext) -> None:
        """Count each person's nights and weekend shifts and price the excess over the share."""
        for kind, person, share, slots in _shares(ctx.problem):
            worked = sum(ctx.vars.worked(person.id, d, s) for d, s in slots)
            key = f"fairness:{kind}:{person.id}"
            amount = ctx.positive_part(worked - share, len(slots) - share, key)
            ctx.penalise(self.name, _rule(kind), key, _weight(ctx.problem, kind), amount,
                         _sentence(ctx.problem, kind, person, share), Subject(person=person.id))

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Count each person's nights and weekend shifts in the rota and price the excess."""
        worked = {(a.person, a.day, a.shift) for a in rota.assignments}
        out = []
        for kind, person, share, _slots in _shares(problem):
            _key, _words, is_kind = next(k for k in KINDS if k[0] == kind)
            n = sum(
                1 for who, d, s in worked
                if who == person.id and s in problem.shift and is_kind(problem, d, s)
            )
            if n > share:
                out.append(self.cost(
                    problem, _rule(kind),
                    f"fairness:{kind}:{person.id}", _weight(problem, kind), n - share,
                    _sentence(problem, kind, person, share), Subject(person=person.id),
                ))
        return out
