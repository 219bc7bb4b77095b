"""The interface every constraint family implements, and the context it builds into."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ortools.sat.python import cp_model

from ..penalties import Cost, Penalty, Subject, Violation, evaluated
from ..problem import Problem, Rota
from ..variables import RotaVars


def literal(text: str) -> str:
    """Escape braces so a name or label prints as written inside a penalty sentence."""
    return text.replace("{", "{{").replace("}", "}}")


@dataclass
class Guard:
    """A group of hard constraints that can be switched off in a diagnostic solve."""

    family: str
    key: str
    sentence: str
    literal: cp_model.IntVar


@dataclass
class ModelContext:
    """What a family builds into: the model, its variables, and where penalties are collected.

    In a normal solve hard constraints are posted unconditionally. When
    ``diagnose`` is set, each group of hard constraints is enforced only if its
    guard literal holds, and the guards become assumptions, so CP-SAT can name a
    small set of rules that cannot all hold together.
    """

    model: cp_model.CpModel
    vars: RotaVars
    problem: Problem
    diagnose: bool = False
    penalties: list[Penalty] = field(default_factory=list)
    guards: list[Guard] = field(default_factory=list)
    _guard_index: dict[tuple[str, str], Guard] = field(default_factory=dict)

    def guard(self, family: str, key: str, sentence: str) -> list[cp_model.IntVar]:
        """Enforcement literals for a group of hard constraints: [] unless diagnosing."""
        if not self.diagnose:
            return []
        found = self._guard_index.get((family, key))
        if found is None:
            lit = self.model.new_bool_var(f"guard[{family}:{key}]")
            found = Guard(family, key, sentence, lit)
            self._guard_index[(family, key)] = found
            self.guards.append(found)
        return [found.literal]

    def positive_part(self, expr: Any, high: int, name: str) -> Any:
        """An integer variable equal to max(0, expr) exactly, for an expression at most ``high``."""
        if high <= 0:
            return 0
        part = self.model.new_int_var(0, high, name)
        self.model.add_max_equality(part, [0, expr])
        return part

    def penalise(
        self,
        family: str,
        key: str,
        weight: int,
        amount: Any,
        sentence: str,
        subject: Subject | None = None,
    ) -> None:
        """Add a named soft term ``weight * amount``; zero-weight terms are dropped."""
        if weight == 0 or (isinstance(amount, int) and amount == 0):
            return
        self.penalties.append(Penalty(family, key, weight, amount, subject or Subject(), sentence))


class ConstraintFamily(ABC):
    """One family of rules: how it is posted to CP-SAT and how it is checked on a rota."""

    name: ClassVar[str]
    title: ClassVar[str]
    hard: ClassVar[bool]

    @abstractmethod
    def build(self, ctx: ModelContext) -> None:
        """Post this family's constraints (hard) or penalties (soft) into the model."""


class HardFamily(ConstraintFamily):
    """A rule no rota may break."""

    hard = True

    @abstractmethod
    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Every breach of this rule in a rota, without the solver."""


class SoftFamily(ConstraintFamily):
    """A preference: breaking it costs weighted points."""

    hard = False

    @abstractmethod
    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Every cost this rule charges a rota, without the solver; sums match the model."""

    def cost(
        self, key: str, weight: int, amount: int, sentence: str, subject: Subject | None = None
    ) -> Cost:
        """A cost of this family as the model would report it, with its sentence filled in."""
        penalty = Penalty(self.name, key, weight, amount, subject or Subject(), sentence)
        return evaluated(penalty, amount)
