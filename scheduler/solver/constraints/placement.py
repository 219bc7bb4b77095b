"""PLACEHOLDER: Qualified, available, one shift a day (to be written)."""

from __future__ import annotations

from ..penalties import Violation
from ..problem import Problem, Rota
from .base import HardFamily, ModelContext


class PlacementFamily(HardFamily):
    """Qualified, available, one shift a day."""

    name = "placement"
    title = "Qualified, available, one shift a day"

    def build(self, ctx: ModelContext) -> None:
        """Post nothing yet."""

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Find nothing yet."""
        return []
