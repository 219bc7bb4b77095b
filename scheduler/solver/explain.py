"""Explanations: the score broken down per rule, and why no rota exists, in plain words."""

from __future__ import annotations

import time
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

    Each group of hard constraints is guarded by a literal passed to CP-SAT as an
    assumption. A first solve without presolve (presolve can remove assumptions
    from the core, google/or-tools#5141) asks CP-SAT for a subset that already
    conflicts; when it cannot say in time, every rule is the starting set. The
    set is then shrunk by dropping chunks of rules, halving the chunk size, while
    what is left stays infeasible; those checks only need a verdict, so they run
    with presolve and the full portfolio. Everything stops at ``time_limit``.
    """
    from .solve import build_model, default_workers  # local import: solve imports this lazily

    ctx = build_model(problem, diagnose=True)
    if not ctx.guards:
        return ["The rota's structure itself is impossible (no rule could be named)."]
    finish = time.monotonic() + time_limit

    def solve_with(enabled: list[int], presolve: bool) -> cp_model.CpSolver | None:
        left = finish - time.monotonic()
        if left <= 0.2:
            return None
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = min(left, max(1.0, time_limit / 4))
        if presolve:
            # A verdict only: switch the enabled rules on as plain constraints, so presolve
            # can use them fully (assumptions would hold it back).
            model = ctx.model.clone()
            model.clear_assumptions()
            for i in enabled:
                model.add(model.get_bool_var_from_proto_index(ctx.guards[i].literal.index) == 1)
            solver.parameters.num_workers = default_workers()
        else:
            model = ctx.model
            model.clear_assumptions()
            model.add_assumptions([ctx.guards[i].literal for i in enabled])
            solver.parameters.num_workers = 1
            solver.parameters.cp_model_presolve = False
        return solver if solver.solve(model) == cp_model.INFEASIBLE else None

    everything = list(range(len(ctx.guards)))
    found = solve_with(everything, presolve=False)
    if found is not None:
        index = {ctx.guards[i].literal.index: i for i in everything}
        core = [index[v] for v in found.sufficient_assumptions_for_infeasibility()
                if v in index] or everything
    elif solve_with(everything, presolve=True) is not None:
        core = everything
    else:
        return ["No rota was found in the time allowed, but no conflicting rule could be proven."]
    chunk = max(1, len(core) // 2)
    while chunk >= 1 and len(core) > 1 and time.monotonic() < finish:
        i = 0
        while i < len(core) and len(core) > 1 and time.monotonic() < finish:
            trial = core[:i] + core[i + chunk:]
            if trial and solve_with(trial, presolve=True) is not None:
                core = trial  # the dropped rules were not needed for the conflict
            else:
                i += chunk
        chunk //= 2
    return summarise([ctx.guards[i] for i in sorted(core)])


def summarise(guards: list, most: int = 8) -> list[str]:
    """Sentences of conflicting rules; a long list keeps two of each family and counts the rest."""
    if len(guards) <= most:
        return [g.sentence for g in guards]
    by_family: dict[str, list] = {}
    for g in guards:
        by_family.setdefault(g.family, []).append(g)
    out = []
    for group in by_family.values():
        out.extend(g.sentence for g in group[:2])
        if len(group) > 2:
            out.append(f"... and {len(group) - 2} more rule(s) like these")
    return out
