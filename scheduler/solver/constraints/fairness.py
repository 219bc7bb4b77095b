"""PLACEHOLDER: Nights and weekends shared fairly (to be written)."""

from __future__ import annotations

from ..penalties import Cost
from ..problem import Problem, Rota
from .base import SoftFamily, ModelContext


class FairnessFamily(SoftFamily):
    """Nights and weekends shared fairly."""

    name = "fairness"
    title = "Nights and weekends shared fairly"

    def build(self, ctx: ModelContext) -> None:
        """Post nothing yet."""

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Find nothing yet."""
        return []
