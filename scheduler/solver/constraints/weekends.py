"""Weekends: a person works at most their contract's number of weekends in the horizon.

A contract rule on level 2 (rule ``work_pattern``): each weekend worked beyond the
contract's number costs ``weights.pattern``. A benchmark problem keeps it hard.
"""

from __future__ import annotations

from ..penalties import Cost, Subject, Violation
from ..priorities import Rule
from ..problem import Person, Problem, Rota
from .base import ContractFamily, ModelContext, literal


def _sentence(person: Person) -> str:
    return f"{person.name}'s contract: at most {person.contract.max_weekends} weekend(s) worked"


def _soft_sentence(person: Person) -> str:
    return (
        literal(f"{person.name}: ") + "{amount} weekend(s) beyond the "
        f"{person.contract.max_weekends} the contract allows"
    )


class WeekendsFamily(ContractFamily):
    """A weekend counts as worked when any of its days has a shift."""

    name = "weekends"
    title = "Weekends worked"

    def build(self, ctx: ModelContext) -> None:
        """Define one 'works that weekend' bool per person and weekend, and bound their sum."""
        p, model = ctx.problem, ctx.model
        for person in p.people:
            most = person.contract.max_weekends
            if most is None:
                continue
            worked = []
            for days in p.weekends:
                on = [x for d in days if (x := ctx.vars.on_day(person.id, d)) is not None]
                if not on:
                    continue
                w = model.new_bool_var(f"weekend[{person.id},{days[0]}]")
                model.add_max_equality(w, on)
                worked.append(w)
            if len(worked) <= most:
                continue
            if not self.is_hard(p):
                key = f"weekends:{person.id}"
                over = ctx.positive_part(sum(worked) - most, len(worked) - most, key)
                ctx.penalise(
                    self.name,
                    Rule.WORK_PATTERN,
                    key,
                    p.weights.pattern,
                    over,
                    _soft_sentence(person),
                    Subject(person=person.id),
                )
                continue
            lits = ctx.guard(self.name, person.id, _sentence(person))
            model.add(sum(worked) <= most).only_enforce_if(lits)

    def check(self, problem: Problem, rota: Rota) -> list[Violation | Cost]:
        """Every person who works more weekends than their contract allows."""
        out: list[Violation | Cost] = []
        worked_days = {(a.person, a.day) for a in rota.assignments}
        for person in problem.people:
            most = person.contract.max_weekends
            if most is None:
                continue
            worked = [
                days
                for days in problem.weekends
                if any((person.id, d) in worked_days for d in days)
            ]
            if len(worked) > most and not self.is_hard(problem):
                out.append(
                    self.cost(
                        problem,
                        Rule.WORK_PATTERN,
                        f"weekends:{person.id}",
                        problem.weights.pattern,
                        len(worked) - most,
                        _soft_sentence(person),
                        Subject(person=person.id),
                    )
                )
            elif len(worked) > most:
                dates = ", ".join(problem.day_label(days[0]) for days in worked)
                out.append(
                    Violation(
                        self.name,
                        Subject(person.id),
                        f"{_sentence(person)}, but works {len(worked)} (from {dates})",
                    )
                )
        return out
