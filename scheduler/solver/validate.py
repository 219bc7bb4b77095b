"""Check any rota against every rule of the registry without the solver: the executable spec."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .constraints import REGISTRY
from .penalties import Cost, Violation, level_totals
from .problem import Problem, Rota


@dataclass
class Report:
    """Hard-rule violations and soft-rule costs of one rota."""

    violations: list[Violation] = field(default_factory=list)
    costs: list[Cost] = field(default_factory=list)
    level_count: int = 4

    @property
    def ok(self) -> bool:
        """Whether the rota keeps every hard rule."""
        return not self.violations

    @property
    def objective(self) -> int:
        """The rota's points: the sum of every soft cost (lower is better within a level)."""
        return sum(c.total for c in self.costs)

    @property
    def levels(self) -> tuple[int, ...]:
        """The score of each priority level, compared level by level (lower is better)."""
        return level_totals(self.costs, self.level_count)


def validate(problem: Problem, rota: Rota) -> Report:
    """Check a rota against every hard rule and price every soft one, as the model would."""
    report = Report(level_count=problem.priorities.level_count)
    for family in REGISTRY:
        for finding in family.check(problem, rota):
            if isinstance(finding, Violation):
                report.violations.append(finding)
            elif finding.amount:
                report.costs.append(finding)
    return report


def new_violations(before: list[Violation], after: list[Violation]) -> list[Violation]:
    """Breaches in ``after`` of a rule and subject that ``before`` did not already breach."""
    old = Counter((v.family, v.subject) for v in before)
    added = []
    for v in after:
        if old[(v.family, v.subject)]:
            old[(v.family, v.subject)] -= 1
        else:
            added.append(v)
    return added
