"""Rest: forbidden shift successions, minimum rest between shifts, and no overlapping shifts."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ..penalties import Subject, Violation
from ..problem import Person, Problem, Rota
from .base import HardFamily, ModelContext

Slot = tuple[int, str]  # day, shift type


def gap_minutes(problem: Problem, first: Slot, second: Slot) -> int:
    """Minutes from the end of the earlier slot to the start of the later (below 0: overlap)."""
    a1, b1 = problem.slot_window(*first)
    a2, b2 = problem.slot_window(*second)
    return max(a1, a2) - min(b1, b2)


def too_close(problem: Problem, person: Person, first: Slot, second: Slot) -> bool:
    """Whether two slots on different days overlap or leave less than the contract's rest."""
    return gap_minutes(problem, first, second) < person.contract.min_rest_minutes


def _reach(problem: Problem, rest: int) -> int:
    """How many days apart two slots can still be too close with this much rest."""
    longest = max((s.minutes for s in problem.shift_types), default=0)
    return 1 + math.ceil((longest + rest + _SLACK) / 1440)


_SLACK = 120  # minutes a clock change can move a gap away from its wall-clock value


def _followers(problem: Problem, rest: int) -> dict[str, list[tuple[int, str, str]]]:
    """Per shift type, the (days later, shift type, kind) that may clash with it.

    Wall-clock times decide which pairs are worth an exact check, with slack for clock
    changes; pairs at sites in different time zones are always checked exactly.
    """
    zone = {st.id: problem.site[st.site].timezone for st in problem.shift_types}
    out: dict[str, list[tuple[int, str, str]]] = {}
    for back in range(1, _reach(problem, rest) + 1):
        for a in problem.shift_types:
            a0 = a.start.hour * 60 + a.start.minute
            for b in problem.shift_types:
                b0 = back * 1440 + b.start.hour * 60 + b.start.minute
                gap = max(a0, b0) - min(a0 + a.minutes, b0 + b.minutes)
                if back == 1 and b.id in a.forbidden_next:
                    out.setdefault(a.id, []).append((back, b.id, "succession"))
                elif gap < rest + _SLACK or zone[a.id] != zone[b.id]:
                    out.setdefault(a.id, []).append((back, b.id, "rest"))
    return out


def succession_sentence(problem: Problem, person: Person, a: str, b: str) -> str:
    """'Cat may not work the Day shift the day after the Night shift'."""
    return (
        f"{person.name} may not work the {problem.shift[b].name} shift "
        f"the day after the {problem.shift[a].name} shift"
    )


def _rest_sentence(person: Person) -> str:
    rest = person.contract.min_rest_minutes
    if rest > 0:
        return f"{person.name}'s contract: at least {rest / 60:g} hours' rest between shifts"
    return f"{person.name} cannot work two shifts that overlap in time"


class RestFamily(HardFamily):
    """No forbidden succession, no overlap, and at least the contract's rest between shifts."""

    name = "rest"
    title = "Rest between shifts"

    def build(self, ctx: ModelContext) -> None:
        """Forbid each pair of slots a person may not both work, history included.

        In a normal solve the pairs that share an earlier slot and a later day become
        one at-most-one (the later day's shifts already exclude each other), which says
        the same in far fewer, stronger constraints; a diagnostic solve keeps one
        guarded clause per pair so each succession can be named.
        """
        p, v, model = ctx.problem, ctx.vars, ctx.model
        slots_of: dict[str, list[Slot]] = {}
        for (person, day, shift), _works in v.shifts():
            slots_of.setdefault(person, []).append((day, shift))
        follow: dict[int, dict] = {}
        for person in p.people:
            rest = person.contract.min_rest_minutes
            if rest not in follow:
                follow[rest] = _followers(p, rest)
            mine = slots_of.get(person.id, [])
            past = [(h.day, h.shift) for h in person.history if h.shift in p.shift and h.day < 0]
            conflicts = self._conflicts(p, person, past, mine, follow[rest])
            if not ctx.diagnose:
                self._post_grouped(ctx, person, conflicts)
                continue
            for first, second, kind in conflicts:
                a, b = first[1], second[1]
                if kind == "succession":
                    key, sentence = f"{person.id}:{a}>{b}", succession_sentence(p, person, a, b)
                else:
                    key, sentence = f"{person.id}:rest", _rest_sentence(person)
                lits = ctx.guard(self.name, key, sentence)
                model.add_bool_or(
                    [~v.on_shift(person.id, *s) for s in (first, second) if s[0] >= 0]
                ).only_enforce_if(lits)

    @staticmethod
    def _post_grouped(
        ctx: ModelContext, person: Person, conflicts: Iterator[tuple[Slot, Slot, str]]
    ) -> None:
        """Post the conflicts of one person as one at-most-one per earlier slot and later day."""
        on_shift = ctx.vars.on_shift
        groups: dict[tuple[Slot, int], list] = {}
        for first, second, _kind in conflicts:
            groups.setdefault((first, second[0]), []).append(on_shift(person.id, *second))
        for (first, _day), later in groups.items():
            if first[0] < 0:  # worked before the horizon: the later shifts are ruled out
                ctx.model.add(sum(later) == 0)
            else:
                ctx.model.add_at_most_one([on_shift(person.id, *first), *later])

    @staticmethod
    def _conflicts(
        problem: Problem, person: Person, past: list[Slot], slots: list[Slot], follow: dict
    ) -> Iterator[tuple[Slot, Slot, str]]:
        """Pairs (earlier, later, kind) that may not both be worked; the later is in the horizon."""
        mine = set(slots)
        for first in sorted(set(past) | mine):
            for back, later, kind in follow.get(first[1], ()):
                second = (first[0] + back, later)
                if second not in mine:
                    continue
                if kind == "succession" or too_close(problem, person, first, second):
                    yield first, second, kind

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Every forbidden succession and every pair of shifts too close together."""
        out = []
        worked: dict[str, list[Slot]] = {}
        for a in rota.assignments:
            known = a.person in problem.person and a.shift in problem.shift
            if known and 0 <= a.day < problem.days:
                worked.setdefault(a.person, []).append((a.day, a.shift))
        for pid, slots in worked.items():
            person = problem.person[pid]
            past = [
                (h.day, h.shift) for h in person.history if h.shift in problem.shift and h.day < 0
            ]
            follow = _followers(problem, person.contract.min_rest_minutes)
            for first, second, kind in self._conflicts(problem, person, past, slots, follow):
                if kind == "succession":
                    sentence = succession_sentence(problem, person, first[1], second[1])
                else:
                    gap = gap_minutes(problem, first, second)
                    sentence = (
                        f"{_rest_sentence(person)}, but only {gap} minutes"
                        if gap >= 0
                        else f"{_rest_sentence(person)}, but they overlap"
                    )
                out.append(
                    Violation(
                        self.name,
                        Subject(pid, second[0], second[1]),
                        f"{sentence}: {problem.slot_label(*first)} "
                        f"then {problem.slot_label(*second)}",
                    )
                )
        return out
