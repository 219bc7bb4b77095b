"""PLACEHOLDER: Trainer variety (to be written)."""

from __future__ import annotations

from ..penalties import Cost
from ..problem import Problem, Rota
from .base import SoftFamily, ModelContext


class VarietyFamily(SoftFamily):
    """Trainer variety."""

    name = "variety"
    title = "Trainer variety"

    def build(self, ctx: ModelContext) -> None:
        """Post nothing yet."""

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Find nothing yet."""
        return []
