"""Explanations: the score broken down per rule, and why no rota exists, in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from .constraints import REGISTRY
from .penalties import Cost
from .problem import Problem


@dataclass(frozen=True)
class FamilyScore:
    """One soft rule's share of the score, with its itemised costs (largest first)."""

    family: str
    title: str
    total: int
    items: tuple[Cost, ...]


def breakdown(costs: list[Cost]) -> list[FamilyScore]:
    """Group costs by rule family in registry order, largest items first."""
    titles = {f.name: f.title for f in REGISTRY}
    order = {f.name: i for i, f in enumerate(REGISTRY)}
    groups: dict[str, list[Cost]] = {}
    for cost in costs:
        if cost.amount:
            groups.setdefault(cost.family, []).append(cost)
    out = [
        FamilyScore(
            family=name,
            title=titles.get(name, name),
            total=sum(c.total for c in items),
            items=tuple(sorted(items, key=lambda c: (-c.total, c.key))),
        )
        for name, items in groups.items()
    ]
    out.sort(key=lambda s: order.get(s.family, len(order)))
    return out


def format_breakdown(costs: list[Cost], limit: int = 5) -> list[str]:
    """Lines of text: each rule's total, then its largest items."""
    lines = []
    for score in breakdown(costs):
        lines.append(f"{score.title}: {score.total} ({len(score.items)} item(s))")
        for cost in score.items[:limit]:
            lines.append(f"  - {cost.sentence} [{cost.weight} x {cost.amount} = {cost.total}]")
        if len(score.items) > limit:
            lines.append(f"  ... and {len(score.items) - limit} more")
    return lines


def diagnose(problem: Problem, time_limit: float = 10.0) -> list[str]:
    """Name a small set of hard rules (and pins) that cannot all hold, in plain words.

    Each group of hard constraints is guarded by a literal; the guards are passed
    to CP-SAT as assumptions and, on infeasibility, it returns a subset that
    already conflicts. Presolve is switched off for this solve because it can
    remove the assumptions from the core. The subset is then shrunk by dropping
    one guard at a time while the rest stay infeasible.
    """
    from .solve import build_model  # local import: solve imports this module lazily

    ctx = build_model(problem, diagnose=True)
    if not ctx.guards:
        return ["The rota's structure itself is impossible (no rule could be named)."]
    deadline = time_limit

    def infeasible_core(enabled: list[int]) -> list[int] | None:
        ctx.model.clear_assumptions()
        ctx.model.add_assumptions([ctx.guards[i].literal for i in enabled])
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.5, deadline / 4)
        solver.parameters.num_workers = 1
        solver.parameters.cp_model_presolve = False
        status = solver.solve(ctx.model)
        if status != cp_model.INFEASIBLE:
            return None
        index = {ctx.guards[i].literal.index: i for i in enabled}
        core = [index[v] for v in solver.sufficient_assumptions_for_infeasibility() if v in index]
        return core or enabled

    core = infeasible_core(list(range(len(ctx.guards))))
    if core is None:
        return ["No rota was found in the time allowed, but no conflicting rule could be proven."]
    # Shrink: drop guards one at a time while what is left still conflicts.
    for i in list(core):
        if len(core) <= 1:
            break
        if i not in core:
            continue
        trial = [j for j in core if j != i]
        smaller = infeasible_core(trial)
        if smaller is not None:
            core = smaller if len(smaller) < len(trial) else trial
    return [ctx.guards[i].sentence for i in sorted(core)]
