"""Sequences: most working days in a row, fewest working days in a row, fewest days off in a row.

Days before the known history are taken as days off for the maximum. A run of work
(or of days off) that touches the first known day or the last day of the horizon is
exempt from the minimums, since it may continue beyond what the rota can see. A short
run that ends the day before day 0 is still a breach when day 0 is what closes it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..penalties import Subject, Violation
from ..problem import Person, Problem, Rota
from .base import HardFamily, ModelContext


def runs(flags: dict[int, bool], first: int, last: int) -> Iterator[tuple[bool, int, int]]:
    """Maximal runs (worked, start, end) of equal flags over days first..last."""
    start = first
    for d in range(first + 1, last + 2):
        if d > last or flags[d] != flags[start]:
            yield flags[start], start, d - 1
            start = d


def _history(problem: Problem, person: Person) -> dict[int, bool]:
    """Worked flags of the known days before day 0."""
    past = {h.day for h in person.history}
    return {d: d in past for d in range(-problem.history_days, 0)}


def _sentences(person: Person) -> dict[str, str]:
    c = person.contract
    return {
        "max_consecutive": f"{person.name}'s contract: at most {c.max_consecutive_days} "
        "working days in a row",
        "min_consecutive": f"{person.name}'s contract: at least {c.min_consecutive_days} "
        "working days in a row",
        "min_off": f"{person.name}'s contract: at least {c.min_consecutive_days_off} "
        "days off in a row",
    }


class SequencesFamily(HardFamily):
    """Bounds on runs of working days and of days off, with the history before day 0."""

    name = "sequences"
    title = "Working days in a row and days off"

    def build(self, ctx: ModelContext) -> None:
        """Post window clauses for the maximum and forbidden short runs for the minimums."""
        p = ctx.problem
        first, last = -p.history_days, p.days - 1
        for person in p.people:
            c = person.contract
            cells = dict(_history(p, person))
            cells.update({d: ctx.vars.on.get((person.id, d), False) for d in range(p.days)})
            sentences = _sentences(person)
            if c.max_consecutive_days is not None:
                key = f"{person.id}:max_consecutive"
                lits = ctx.guard(self.name, key, sentences["max_consecutive"])
                size = c.max_consecutive_days + 1
                for start in range(max(first, -size + 1), last - size + 2):
                    self._clause(ctx, [_neg(cells[d]) for d in range(start, start + size)], lits)
            for rule, length, worked in (
                ("min_consecutive", c.min_consecutive_days, True),
                ("min_off", c.min_consecutive_days_off, False),
            ):
                if length <= 1:
                    continue
                lits = ctx.guard(self.name, f"{person.id}:{rule}", sentences[rule])
                on = cells if worked else {d: _neg(x) for d, x in cells.items()}
                for size in range(1, length):
                    for start in range(first + 1, last - size + 1):
                        end = start + size - 1
                        if end < -1:
                            continue  # decided by the history alone
                        span = [on[start - 1], *(_neg(on[d]) for d in range(start, end + 1))]
                        self._clause(ctx, [*span, on[end + 1]], lits)

    @staticmethod
    def _clause(ctx: ModelContext, literals: list, lits: list) -> None:
        """Post an OR of literals where some are constants (True satisfies, False drops out)."""
        if any(x is True for x in literals):
            return
        ctx.model.add_bool_or([x for x in literals if x is not False]).only_enforce_if(lits)

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Every run of work or rest that breaks a person's contract."""
        out = []
        worked_days = {(a.person, a.day) for a in rota.assignments}
        first, last = -problem.history_days, problem.days - 1
        for person in problem.people:
            c = person.contract
            flags = _history(problem, person)
            flags.update({d: (person.id, d) in worked_days for d in range(problem.days)})
            sentences = _sentences(person)
            for worked, start, end in runs(flags, first, last):
                if end < -1:
                    continue  # decided by the history alone
                length = end - start + 1
                inside = start > first and end < last
                days = f"{length} day{'s' if length != 1 else ''}"
                span = f"{problem.day_label(start)} to {problem.day_label(end)} ({days})"
                broken = None
                most = c.max_consecutive_days
                if worked and most is not None and length > most and end >= 0:
                    broken = "max_consecutive"
                elif worked and inside and length < c.min_consecutive_days:
                    broken = "min_consecutive"
                elif not worked and inside and length < c.min_consecutive_days_off:
                    broken = "min_off"
                if broken:
                    out.append(Violation(
                        self.name, Subject(person.id, max(start, 0)), f"{sentences[broken]}: {span}"
                    ))
        return out


def _neg(x):
    """Negate a literal or a constant."""
    if isinstance(x, bool):
        return not x
    return ~x
