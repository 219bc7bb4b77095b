"""Contract hours: the minutes a person's contract asks for over the horizon.

For a person whose contract asks for at least ``min_minutes`` (already cut pro rata
for leave), working w minutes costs ``weights.minute_short * max(0, min_minutes - w)``
on level 2, named in hours ("Ann: 4 h below the 37.5 h her contract asks for").
A benchmark problem keeps it hard (``Priorities.contracts_hard``).
"""

from __future__ import annotations

from ..penalties import Cost, Subject, Violation
from ..priorities import Rule
from ..problem import Person, Problem, Rota
from .base import ContractFamily, ModelContext, literal


def _sentence(problem: Problem, person: Person, hard: bool) -> str:
    most = person.contract.min_minutes
    if hard:
        return (
            f"{literal(person.name)}'s contract: at least {most} minutes "
            f"over the {problem.days} days"
        )
    return (
        literal(f"{person.name}: ") + "{hours} h below the "
        f"{most / 60:g} h the contract asks for in these {problem.days} days"
    )


class ContractHoursFamily(ContractFamily):
    """Minutes below each person's contracted minimum (level 2, or hard for the benchmark)."""

    name = "contract_hours"
    title = "Hours below contract"

    def build(self, ctx: ModelContext) -> None:
        """Price (or forbid) each person's minutes short of their contract's minimum."""
        p, model = ctx.problem, ctx.model
        hard = self.is_hard(p)
        slots_of: dict[str, list] = {}
        for (pid, d, s), x in ctx.vars.shifts():
            slots_of.setdefault(pid, []).append(p.slot_minutes(d, s) * x)
        for person in p.people:
            most = person.contract.min_minutes
            if most <= 0:
                continue
            minutes = sum(slots_of.get(person.id, []))
            sentence = _sentence(p, person, hard)
            if hard:
                lits = ctx.guard(self.name, f"{person.id}:min_minutes", sentence)
                model.add(minutes >= most).only_enforce_if(lits)
                continue
            key = f"contract_hours:{person.id}"
            short = ctx.positive_part(most - minutes, most, key)
            ctx.penalise(
                self.name,
                Rule.CONTRACT_HOURS,
                key,
                p.weights.minute_short,
                short,
                sentence,
                Subject(person=person.id),
            )

    def check(self, problem: Problem, rota: Rota) -> list[Violation | Cost]:
        """Each person's minutes short of the contract, from the rota's real shift lengths."""
        slots = {
            (a.person, a.day, a.shift)
            for a in rota.assignments
            if a.shift in problem.shift and 0 <= a.day < problem.days
        }
        worked: dict[str, int] = {}
        for pid, day, shift in slots:
            worked[pid] = worked.get(pid, 0) + problem.slot_minutes(day, shift)
        hard = self.is_hard(problem)
        out: list[Violation | Cost] = []
        for person in problem.people:
            most, got = person.contract.min_minutes, worked.get(person.id, 0)
            if got >= most:
                continue
            subject = Subject(person=person.id)
            if hard:
                sentence = _sentence(problem, person, True).format()  # braces as written
                out.append(Violation(self.name, subject, f"{sentence}, but works {got}"))
            else:
                out.append(
                    self.cost(
                        problem,
                        Rule.CONTRACT_HOURS,
                        f"contract_hours:{person.id}",
                        problem.weights.minute_short,
                        most - got,
                        _sentence(problem, person, False),
                        subject,
                    )
                )
        return out
