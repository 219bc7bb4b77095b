"""Named, weighted soft terms and the hard-rule findings the validator reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .priorities import Rule


@dataclass(frozen=True)
class Subject:
    """Who, when and where a penalty or violation is about (any part may be absent)."""

    person: str | None = None
    day: int | None = None
    shift: str | None = None
    activity: str | None = None


@dataclass(frozen=True)
class Penalty:
    """A soft term in the model: ``weight * amount`` is added to the objective.

    ``amount`` is a CP-SAT expression defined exactly (never just bounded), so its
    value in any solution equals what the validator computes from the rota.
    ``sentence`` is a format string that may use ``{amount}`` (and ``{hours}``, the
    amount of minutes in hours). ``rule`` is the soft rule it belongs to and
    ``level`` that rule's priority level (1 first).
    """

    family: str
    key: str
    weight: int
    amount: Any
    subject: Subject
    sentence: str
    rule: Rule
    level: int


@dataclass(frozen=True)
class Cost:
    """A soft term evaluated on a rota: its amount, its level and the plain-words sentence."""

    family: str
    key: str
    weight: int
    amount: int
    subject: Subject
    sentence: str
    rule: Rule
    level: int

    @property
    def total(self) -> int:
        """Weight times amount: what this term adds to the score."""
        return self.weight * self.amount


@dataclass(frozen=True)
class Violation:
    """A hard rule a rota breaks, in plain words."""

    family: str
    subject: Subject
    sentence: str


def evaluated(penalty: Penalty, amount: int) -> Cost:
    """Turn a model penalty and its solved amount into a cost with its sentence filled in."""
    return Cost(
        family=penalty.family,
        key=penalty.key,
        weight=penalty.weight,
        amount=amount,
        subject=penalty.subject,
        sentence=penalty.sentence.format(amount=amount, hours=f"{amount / 60:g}"),
        rule=penalty.rule,
        level=penalty.level,
    )


def level_totals(costs: list[Cost], levels: int = 4) -> tuple[int, ...]:
    """The score of each level 1..levels (more when a cost sits deeper): what solves compare."""
    deepest = max([levels, *(c.level for c in costs)])
    totals = [0] * deepest
    for cost in costs:
        totals[cost.level - 1] += cost.total
    return tuple(totals)
