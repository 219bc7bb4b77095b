"""PLACEHOLDER: Pharmacist-to-technician ratio (to be written)."""

from __future__ import annotations

from ..penalties import Violation
from ..problem import Problem, Rota
from .base import HardFamily, ModelContext


class RatioFamily(HardFamily):
    """Pharmacist-to-technician ratio."""

    name = "ratio"
    title = "Pharmacist-to-technician ratio"

    def build(self, ctx: ModelContext) -> None:
        """Post nothing yet."""

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Find nothing yet."""
        return []
