"""PLACEHOLDER: Weekends worked (to be written)."""

from __future__ import annotations

from ..penalties import Violation
from ..problem import Problem, Rota
from .base import HardFamily, ModelContext


class WeekendsFamily(HardFamily):
    """Weekends worked."""

    name = "weekends"
    title = "Weekends worked"

    def build(self, ctx: ModelContext) -> None:
        """Post nothing yet."""

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Find nothing yet."""
        return []
