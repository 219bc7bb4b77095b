"""PLACEHOLDER: Development goals (to be written)."""

from __future__ import annotations

from ..penalties import Cost
from ..problem import Problem, Rota
from .base import SoftFamily, ModelContext


class GoalsFamily(SoftFamily):
    """Development goals."""

    name = "goals"
    title = "Development goals"

    def build(self, ctx: ModelContext) -> None:
        """Post nothing yet."""

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Find nothing yet."""
        return []
