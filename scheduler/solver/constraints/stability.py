"""PLACEHOLDER: Changes against the reference rota (to be written)."""

from __future__ import annotations

from ..penalties import Cost
from ..problem import Problem, Rota
from .base import SoftFamily, ModelContext


class StabilityFamily(SoftFamily):
    """Changes against the reference rota."""

    name = "stability"
    title = "Changes against the reference rota"

    def build(self, ctx: ModelContext) -> None:
        """Post nothing yet."""

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Find nothing yet."""
        return []
