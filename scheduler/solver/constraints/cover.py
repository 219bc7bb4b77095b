"""Station cover: head counts below the minimum, below the ideal and above the ideal cost points.

Only people standing at a station in WORKS mode count; trainees are supernumerary.
For a line (day, shift, station, minimum, ideal) with x people counted, the costs
are ``under_weight * max(0, minimum - x)``, ``ideal_weight * max(0, ideal - x)``
and ``over_weight * max(0, x - ideal)``. With minimum == ideal, ideal_weight 0,
under_weight 100 and over_weight 1 this is exactly the Curtois & Qu cover term.
Why nobody else filled a gap is ``solver/gaps.py``'s to say, on the finished rota.
"""

from __future__ import annotations

from collections import Counter

from ..penalties import Cost, Subject
from ..priorities import Rule
from ..problem import Cover, Mode, Problem, Rota
from .base import ModelContext, SoftFamily, literal


def _terms(problem: Problem, line: Cover) -> list[tuple[str, int, str, str]]:
    """The (key, weight, side, sentence) of each weighted term of a cover line.

    Heads below the minimum are the rule of level 1 (cover); below and above the
    ideal, the site-ranked rule of ideal cover.
    """
    station = problem.station[line.station]
    where = literal(f"{problem.slot_label(line.day, line.shift)}, {station.name}")
    base = f"cover:{line.day}:{line.shift}:{line.station}"
    terms = [
        (
            f"{base}:under",
            line.under_weight,
            "under",
            f"{where}: {{amount}} short of the minimum {line.minimum}",
        ),
        (
            f"{base}:ideal",
            line.ideal_weight,
            "ideal",
            f"{where}: {{amount}} below the ideal {line.ideal}",
        ),
        (
            f"{base}:over",
            line.over_weight,
            "over",
            f"{where}: {{amount}} above the ideal {line.ideal}",
        ),
    ]
    return [t for t in terms if t[1]]


def _rule(side: str) -> Rule:
    """The soft rule one side of a cover line belongs to."""
    return Rule.COVER if side == "under" else Rule.IDEAL_COVER


def _gap(line: Cover, side: str, x: int) -> int:
    """The amount of one side of a cover line for a head count of x."""
    if side == "under":
        return max(0, line.minimum - x)
    if side == "ideal":
        return max(0, line.ideal - x)
    return max(0, x - line.ideal)


class CoverFamily(SoftFamily):
    """Penalise heads short of the minimum, short of the ideal and above the ideal at a station."""

    name = "cover"
    title = "Station cover"

    def build(self, ctx: ModelContext) -> None:
        """Count the WORKS assignments on each cover line and price its gaps exactly."""
        for line in ctx.problem.cover:
            terms = _terms(ctx.problem, line)
            if not terms:
                continue
            heads = ctx.vars.select(
                day=line.day, shift=line.shift, activity=line.station, mode=Mode.WORKS
            )
            x = sum(heads)
            n = len(heads)
            for key, weight, side, sentence in terms:
                if not heads:
                    amount = _gap(line, side, 0)
                elif side == "under":
                    amount = ctx.positive_part(line.minimum - x, line.minimum, key)
                elif side == "ideal":
                    amount = ctx.positive_part(line.ideal - x, line.ideal, key)
                else:
                    amount = ctx.positive_part(x - line.ideal, n - line.ideal, key)
                subject = Subject(day=line.day, shift=line.shift, activity=line.station)
                ctx.penalise(self.name, _rule(side), key, weight, amount, sentence, subject)

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Price every cover line's gaps from the rota's head counts."""
        heads = Counter(
            (a.day, a.shift, a.activity) for a in rota.assignments if a.mode is Mode.WORKS
        )
        out = []
        for line in problem.cover:
            x = heads[(line.day, line.shift, line.station)]
            for key, weight, side, sentence in _terms(problem, line):
                amount = _gap(line, side, x)
                if amount:
                    subject = Subject(day=line.day, shift=line.shift, activity=line.station)
                    out.append(
                        self.cost(problem, _rule(side), key, weight, amount, sentence, subject)
                    )
        return out
