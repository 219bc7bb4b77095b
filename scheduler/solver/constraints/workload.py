"""PLACEHOLDER: Contract hours and shifts of each type (to be written)."""

from __future__ import annotations

from ..penalties import Violation
from ..problem import Problem, Rota
from .base import HardFamily, ModelContext


class WorkloadFamily(HardFamily):
    """Contract hours and shifts of each type."""

    name = "workload"
    title = "Contract hours and shifts of each type"

    def build(self, ctx: ModelContext) -> None:
        """Post nothing yet."""

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Find nothing yet."""
        return []
