"""PLACEHOLDER: Duties assigned (to be written)."""

from __future__ import annotations

from ..penalties import Cost
from ..problem import Problem, Rota
from .base import SoftFamily, ModelContext


class DutiesFamily(SoftFamily):
    """Duties assigned."""

    name = "duties"
    title = "Duties assigned"

    def build(self, ctx: ModelContext) -> None:
        """Post nothing yet."""

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Find nothing yet."""
        return []
