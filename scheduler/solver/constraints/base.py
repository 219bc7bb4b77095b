"""The interface every constraint family implements, and the context it builds into."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ortools.sat.python import cp_model

from ..penalties import Cost, Penalty, Subject, Violation, evaluated
from ..priorities import Rule
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
        rule: Rule,
        key: str,
        weight: int,
        amount: Any,
        sentence: str,
        subject: Subject | None = None,
    ) -> None:
        """Add a named soft term ``weight * amount`` at its rule's level, weighed as the site says.

        Zero-weight terms (a rule switched off included) are dropped; so is every soft
        term of a diagnostic solve, which looks at the hard rules alone.
        """
        level, weight = priced(self.problem, rule, weight)
        if self.diagnose or weight == 0 or (isinstance(amount, int) and amount == 0):
            return
        self.penalties.append(
            Penalty(family, key, weight, amount, subject or Subject(), sentence, rule, level)
        )


def priced(problem: Problem, rule: Rule, weight: int) -> tuple[int, int]:
    """A soft term's (level, weight) once the problem's priorities are applied."""
    priorities = problem.priorities
    return priorities.level(rule), weight * priorities.multiplier(rule)


class ConstraintFamily(ABC):
    """One family of rules: how it is posted to CP-SAT and how it is checked on a rota."""

    name: ClassVar[str]
    title: ClassVar[str]
    hard: ClassVar[bool]

    @abstractmethod
    def build(self, ctx: ModelContext) -> None:
        """Post this family's constraints (hard) or penalties (soft) into the model."""

    def posts_hard(self, problem: Problem) -> bool:
        """Whether this family posts hard rules for this problem (what a diagnosis needs)."""
        return self.hard


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
    def check(self, problem: Problem, rota: Rota) -> list[Cost] | list[Violation | Cost]:
        """Every cost this rule charges a rota, without the solver; sums match the model."""

    def cost(
        self,
        problem: Problem,
        rule: Rule,
        key: str,
        weight: int,
        amount: int,
        sentence: str,
        subject: Subject | None = None,
    ) -> Cost:
        """A cost of this family as the model would report it, with its sentence filled in."""
        level, weight = priced(problem, rule, weight)
        penalty = Penalty(
            self.name, key, weight, amount, subject or Subject(), sentence, rule, level
        )
        return evaluated(penalty, amount)


class ContractFamily(SoftFamily):
    """A contract rule: a level-2 penalty, or hard when the problem keeps contracts hard.

    The published benchmark counts contracts as hard (``Priorities.contracts_hard``);
    a pharmacy's week always comes back with a rota, its shortfalls named instead.
    ``check`` returns violations when hard and costs when soft.
    """

    hard = False

    @staticmethod
    def is_hard(problem: Problem) -> bool:
        """Whether this problem keeps the contract rules hard."""
        return problem.priorities.contracts_hard

    def posts_hard(self, problem: Problem) -> bool:
        """Hard exactly when the problem keeps contracts hard."""
        return self.is_hard(problem)
