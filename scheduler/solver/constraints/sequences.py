"""PLACEHOLDER: Consecutive working days and days off (to be written)."""

from __future__ import annotations

from ..penalties import Violation
from ..problem import Problem, Rota
from .base import HardFamily, ModelContext


class SequencesFamily(HardFamily):
    """Consecutive working days and days off."""

    name = "sequences"
    title = "Consecutive working days and days off"

    def build(self, ctx: ModelContext) -> None:
        """Post nothing yet."""

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Find nothing yet."""
        return []
