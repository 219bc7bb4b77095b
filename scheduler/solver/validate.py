"""Check any rota against every rule of the registry without the solver: the executable spec."""

from __future__ import annotations

from dataclasses import dataclass, field

from .constraints import REGISTRY
from .constraints.base import HardFamily, SoftFamily
from .penalties import Cost, Violation
from .problem import Problem, Rota


@dataclass
class Report:
    """Hard-rule violations and soft-rule costs of one rota."""

    violations: list[Violation] = field(default_factory=list)
    costs: list[Cost] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the rota keeps every hard rule."""
        return not self.violations

    @property
    def objective(self) -> int:
        """The rota's score: the sum of every soft cost (lower is better)."""
        return sum(c.total for c in self.costs)


def validate(problem: Problem, rota: Rota) -> Report:
    """Check a rota against every hard rule and price every soft one, as the model would."""
    report = Report()
    for family in REGISTRY:
        if isinstance(family, HardFamily):
            report.violations.extend(family.check(problem, rota))
        elif isinstance(family, SoftFamily):
            report.costs.extend(c for c in family.check(problem, rota) if c.amount)
    return report
