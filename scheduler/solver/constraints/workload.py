"""Workload: the most minutes a person may work over the horizon and the most shifts of each type.

Both are hard (working-time law and the site's fatigue limits). The minimum a
contract asks for is the level-2 rule ``contract_hours``.
"""

from __future__ import annotations

from collections import Counter

from ..penalties import Subject, Violation
from ..problem import OfferKind, Person, Problem, Rota
from .base import HardFamily, ModelContext


def max_minutes(problem: Problem, person: Person) -> int | None:
    """The contract's most minutes, raised by the extra shifts the person volunteered for."""
    most = person.contract.max_minutes
    if most is None:
        return None
    extra = sum(
        o.count
        for o in problem.offers
        if o.person == person.id and o.kind == OfferKind.EXTRA_SHIFTS
    )
    if not extra:
        return most
    longest = max(
        (
            problem.slot_minutes(d, st.id)
            for st in problem.shifts_at(person.site)
            for d in range(problem.days)
        ),
        default=0,
    )
    return most + extra * longest


def _hours(minutes: int) -> str:
    """Minutes in hours, as people read a contract: '40 h', '37.5 h'."""
    return f"{round(minutes / 60, 2):g} h"


def _max_sentence(problem: Problem, person: Person) -> str:
    most, base = max_minutes(problem, person), person.contract.max_minutes
    raised = f" ({_hours(base)} + {_hours(most - base)} volunteered)" if most != base else ""
    return f"{person.name}'s contract: at most {_hours(most)}{raised} over the {problem.days} days"


def _shifts_sentence(problem: Problem, person: Person, shift: str, most: int) -> str:
    name = problem.shift[shift].name
    if most == 0:
        return f"{person.name}'s contract: no {name} shifts"
    return f"{person.name}'s contract: at most {most} {name} shift(s)"


class WorkloadFamily(HardFamily):
    """Minutes worked within the contract's maximum; shifts of a type within their cap."""

    name = "workload"
    title = "Contracted hours and shift counts"

    def build(self, ctx: ModelContext) -> None:
        """Bound each person's minutes and per-type shift counts."""
        p, model = ctx.problem, ctx.model
        slots_of: dict[str, list] = {}
        for (pid, d, s), x in ctx.vars.shifts():
            slots_of.setdefault(pid, []).append((d, s, x))
        for person in p.people:
            mine = slots_of.get(person.id, [])
            minutes = sum(p.slot_minutes(d, s) * x for d, s, x in mine)
            c = person.contract
            most = max_minutes(p, person)
            if most is not None:
                lits = ctx.guard(self.name, f"{person.id}:max_minutes", _max_sentence(p, person))
                model.add(minutes <= most).only_enforce_if(lits)
            for shift, cap in c.max_shifts.items():
                of_type = [x for _, s, x in mine if s == shift]
                if len(of_type) <= cap:
                    continue
                lits = ctx.guard(
                    self.name,
                    f"{person.id}:max_shifts:{shift}",
                    _shifts_sentence(p, person, shift, cap),
                )
                model.add(sum(of_type) <= cap).only_enforce_if(lits)

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Every person over their contract's maximum minutes or over a shift-type cap."""
        out = []
        slots = {
            (a.person, a.day, a.shift)
            for a in rota.assignments
            if a.shift in problem.shift and 0 <= a.day < problem.days
        }
        minutes: Counter[str] = Counter()
        counts: Counter[tuple[str, str]] = Counter()
        for pid, day, shift in slots:
            minutes[pid] += problem.slot_minutes(day, shift)
            counts[(pid, shift)] += 1
        for person in problem.people:
            got, c = minutes[person.id], person.contract
            subject = Subject(person.id)
            most = max_minutes(problem, person)
            if most is not None and got > most:
                out.append(
                    Violation(
                        self.name,
                        subject,
                        f"{_max_sentence(problem, person)}, but works {_hours(got)}",
                    )
                )
            for shift, cap in c.max_shifts.items():
                n = counts[(person.id, shift)]
                if n > cap:
                    out.append(
                        Violation(
                            self.name,
                            subject,
                            f"{_shifts_sentence(problem, person, shift, cap)}, but works {n}",
                        )
                    )
        return out
