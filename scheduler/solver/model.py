"""The CP-SAT model of a rota problem: its variables and every family's constraints, and the
number of search workers a solve uses. The solve (``solve.py``) and the diagnosis of a
problem without a rota (``explain.py``) both build on it."""

from __future__ import annotations

import os

from ortools.sat.python import cp_model

from .constraints import REGISTRY
from .constraints.base import ModelContext
from .problem import Problem
from .variables import RotaVars


def default_workers() -> int:
    """Search workers: CP-SAT's full 8-worker portfolio even on 2 cores (measured, see README).

    Fewer workers drop the LP-based workers that prove bounds: on 2 cores the demo
    week proved optimal in 3.5 s with 8 workers, 4-6 s with 4, and not in 30 s with 2.
    """
    return max(8, min(16, os.cpu_count() or 1))


def build_model(problem: Problem, diagnose: bool = False) -> ModelContext:
    """Create variables and post every family of the registry (hard only when diagnosing).

    The objective is left to the solve, which minimises the priority levels in turn.
    """
    model = cp_model.CpModel()
    ctx = ModelContext(
        model=model,
        vars=RotaVars(model, problem, prune=not diagnose),
        problem=problem,
        diagnose=diagnose,
    )
    for family in REGISTRY:
        if diagnose and not family.posts_hard(problem):
            continue
        family.build(ctx)
    return ctx
