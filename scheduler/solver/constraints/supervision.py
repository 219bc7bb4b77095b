"""PLACEHOLDER: Trainees beside a trainer (to be written)."""

from __future__ import annotations

from ..penalties import Violation
from ..problem import Problem, Rota
from .base import HardFamily, ModelContext


class SupervisionFamily(HardFamily):
    """Trainees beside a trainer."""

    name = "supervision"
    title = "Trainees beside a trainer"

    def build(self, ctx: ModelContext) -> None:
        """Post nothing yet."""

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Find nothing yet."""
        return []
