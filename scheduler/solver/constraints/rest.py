"""PLACEHOLDER: Rest between shifts and forbidden successions (to be written)."""

from __future__ import annotations

from ..penalties import Violation
from ..problem import Problem, Rota
from .base import HardFamily, ModelContext


class RestFamily(HardFamily):
    """Rest between shifts and forbidden successions."""

    name = "rest"
    title = "Rest between shifts and forbidden successions"

    def build(self, ctx: ModelContext) -> None:
        """Post nothing yet."""

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Find nothing yet."""
        return []
