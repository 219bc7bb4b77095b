"""Sequences: most working days in a row, fewest working days in a row, fewest days off in a row.

Days before the known history are taken as days off for the maximum. A run of work
(or of days off) that touches the first known day or the last day of the horizon is
exempt from the minimums, since it may continue beyond what the rota can see. A short
run that ends the day before day 0 is still a breach when day 0 is what closes it.

These are contract rules, so they sit on level 2 (rule ``work_pattern``): each day
of a run beyond the most days in a row (every window of ``max + 1`` worked days
that reaches day 0 or later), and each run of work or of days off shorter than its
minimum, costs ``weights.pattern``. A benchmark problem keeps them hard.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..penalties import Cost, Subject, Violation
from ..priorities import Rule
from ..problem import Person, Problem, Rota
from .base import ContractFamily, ModelContext, literal


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


def _pattern_sentence(problem: Problem, person: Person, rule: str, start: int, end: int) -> str:
    """A soft breach in words, dated: the run it is about and what the contract asks."""
    c, name = person.contract, literal(person.name)
    if rule == "max_consecutive":
        return (
            f"{name} works {problem.day_label(end)} as day {c.max_consecutive_days + 1} "
            f"or more in a row; the contract allows {c.max_consecutive_days}"
        )
    length = end - start + 1
    span = f"{problem.day_label(start)} to {problem.day_label(end)} ({length} day(s))"
    if rule == "min_consecutive":
        return (
            f"{name} works only {span} in a row; the contract asks for at least "
            f"{c.min_consecutive_days}"
        )
    return (
        f"{name} is off only {span} in a row; the contract asks for at least "
        f"{c.min_consecutive_days_off}"
    )


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


class SequencesFamily(ContractFamily):
    """Bounds on runs of working days and of days off, with the history before day 0."""

    name = "sequences"
    title = "Working days in a row and days off"

    def build(self, ctx: ModelContext) -> None:
        """Forbid (hard) or count (level 2) too long runs of work and too short runs."""
        p = ctx.problem
        first, last = -p.history_days, p.days - 1
        for person in p.people:
            c = person.contract
            cells = dict(_history(p, person))
            for d in range(p.days):
                on = ctx.vars.on_day(person.id, d)
                cells[d] = False if on is None else on
            patterns: dict[str, list[tuple[int, int, list]]] = {}
            if c.max_consecutive_days is not None:
                size = c.max_consecutive_days + 1
                patterns["max_consecutive"] = [
                    (start, start + size - 1, [cells[d] for d in range(start, start + size)])
                    for start in range(max(first, -size + 1), last - size + 2)
                ]
            for rule, length, worked in (
                ("min_consecutive", c.min_consecutive_days, True),
                ("min_off", c.min_consecutive_days_off, False),
            ):
                if length <= 1:
                    continue
                on = cells if worked else {d: _neg(x) for d, x in cells.items()}
                patterns[rule] = [
                    (
                        start,
                        end,
                        [
                            _neg(on[start - 1]),
                            *(on[d] for d in range(start, end + 1)),
                            _neg(on[end + 1]),
                        ],
                    )
                    for size in range(1, length)
                    for start in range(first + 1, last - size + 1)
                    if (end := start + size - 1) >= -1  # else decided by the history alone
                ]
            for rule, found in patterns.items():
                if self.is_hard(p):
                    self._forbid(ctx, person, rule, found)
                else:
                    self._count(ctx, person, rule, found)

    def _forbid(self, ctx: ModelContext, person: Person, rule: str, patterns: list) -> None:
        """Forbid every pattern: at least one of its literals is false."""
        lits = ctx.guard(self.name, f"{person.id}:{rule}", _sentences(person)[rule])
        for _start, _end, pattern in patterns:
            negated = [_neg(x) for x in pattern]
            if any(x is True for x in negated):
                continue
            ctx.model.add_bool_or([x for x in negated if x is not False]).only_enforce_if(lits)

    def _count(self, ctx: ModelContext, person: Person, rule: str, patterns: list) -> None:
        """Price each pattern that occurs, with one exact 'it occurs' literal per pattern."""
        model, p = ctx.model, ctx.problem
        for start, end, pattern in patterns:
            if any(x is False for x in pattern):
                continue
            parts = [x for x in pattern if x is not True]
            key = f"sequences:{person.id}:{rule}:{start}:{end}"
            if parts:
                hit = model.new_bool_var(key)
                model.add_bool_and(parts).only_enforce_if(hit)
                model.add_bool_or([*(_neg(x) for x in parts), hit])
                model.add(sum(parts) - (len(parts) - 1) <= hit)  # the same, for the LP
            else:
                hit = 1
            ctx.penalise(
                self.name,
                Rule.WORK_PATTERN,
                key,
                p.weights.pattern,
                hit,
                _pattern_sentence(p, person, rule, start, end),
                Subject(person=person.id, day=max(0, end)),
            )

    def check(self, problem: Problem, rota: Rota) -> list[Violation | Cost]:
        """Every run of work or rest that breaks a person's contract (violations or costs)."""
        if not self.is_hard(problem):
            return self._costs(problem, rota)
        out: list[Violation | Cost] = []
        first, last = -problem.history_days, problem.days - 1
        for person, flags in _worked_flags(problem, rota):
            c = person.contract
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
                    out.append(
                        Violation(
                            self.name,
                            Subject(person.id, max(start, 0)),
                            f"{sentences[broken]}: {span}",
                        )
                    )
        return out

    def _costs(self, problem: Problem, rota: Rota) -> list[Violation | Cost]:
        """Level-2 costs: days beyond the most in a row, short runs of work and of days off."""
        out: list[Violation | Cost] = []
        first, last = -problem.history_days, problem.days - 1
        for person, flags in _worked_flags(problem, rota):
            c = person.contract
            found: list[tuple[str, int, int]] = []
            most = c.max_consecutive_days
            for worked, start, end in runs(flags, first, last):
                length = end - start + 1
                if worked and most is not None:
                    # each day of the run that is day most + 1 or later in it, from day 0 on
                    found.extend(
                        ("max_consecutive", d - most, d)
                        for d in range(max(start + most, 0), end + 1)
                    )
                if start <= first or end >= last or end < -1:
                    continue
                if worked and length < c.min_consecutive_days:
                    found.append(("min_consecutive", start, end))
                elif not worked and length < c.min_consecutive_days_off:
                    found.append(("min_off", start, end))
            for rule, start, end in found:
                out.append(
                    self.cost(
                        problem,
                        Rule.WORK_PATTERN,
                        f"sequences:{person.id}:{rule}:{start}:{end}",
                        problem.weights.pattern,
                        1,
                        _pattern_sentence(problem, person, rule, start, end),
                        Subject(person=person.id, day=max(0, end)),
                    )
                )
        return out


def _worked_flags(problem: Problem, rota: Rota) -> Iterator[tuple[Person, dict[int, bool]]]:
    """Each person with their worked flags: the known history, then the rota's days."""
    worked_days = {(a.person, a.day) for a in rota.assignments}
    for person in problem.people:
        flags = _history(problem, person)
        flags.update({d: (person.id, d) in worked_days for d in range(problem.days)})
        yield person, flags


def _neg(x):
    """Negate a literal or a constant."""
    if isinstance(x, bool):
        return not x
    return ~x
