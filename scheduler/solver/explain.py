"""Explanations: the score broken down per rule, and why no rota exists, in plain words."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .constraints import REGISTRY
from .model import build_model, default_workers
from .penalties import Cost, level_totals
from .priorities import RANKED_LEVELS, Priorities, Rule, level_title
from .problem import Problem

SEPARATOR = " \u00b7 "
PROVEN = "best possible (proven)"
UNPROVEN = "not yet proven"


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


@dataclass(frozen=True)
class LevelScore:
    """One priority level of a rota's score: its points, a short phrase, and its bound in words.

    ``bound`` is "" when nothing is known about a bound (a rota edited by hand).
    """

    number: int
    title: str
    points: int
    phrase: str
    bound: str = ""

    @property
    def heading(self) -> str:
        """'Level 1 \u2013 cover', or 'All rules together' for a problem of one level."""
        if self.title == "score":
            return "All rules together"
        return f"Level {self.number} \u2013 {self.title}"

    @property
    def in_words(self) -> bool:
        """Whether the phrase counts gaps or hours rather than naming the points."""
        return self.title != "score" and self.number <= 3


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _amount(costs: list[Cost], rule: Rule) -> int:
    return sum(c.amount for c in costs if c.rule == rule)


def _phrase(number: int, title: str, points: int, costs: list[Cost], single: bool) -> str:
    """What a level's score means, in words: gaps, hours short, or the title and its points."""
    if single:
        return f"score {points}"
    if number == 1:
        text = _plural(_amount(costs, Rule.COVER), "cover gap", "cover gaps")
        missing = _amount(costs, Rule.REQUIRED_DUTIES)
        if missing:
            text += SEPARATOR + _plural(
                missing, "required duty occurrence missing", "required duty occurrences missing"
            )
        return text
    if number == 2:
        changes = [c for c in costs if c.rule == Rule.STABILITY]
        days = sum(c.amount for c in changes if c.subject.day is not None)
        people = len({c.subject.person for c in changes})
        return (
            _plural(days, "shift changed", "shifts changed")
            + " for "
            + _plural(people, "person", "people")
        )
    if number == 3:
        hours = round(_amount(costs, Rule.CONTRACT_HOURS) / 60, 1)
        text = f"{hours:g} h below contract"
        breaches = _amount(costs, Rule.WORK_PATTERN)
        if breaches:
            text += SEPARATOR + _plural(breaches, "work-pattern breach", "work-pattern breaches")
        return text
    return f"{title} {points}"


def bound_words(points: int, bound: float | None) -> str:
    """How far a level's points can be from the best possible, in words, given its proven bound."""
    if points <= 0:
        return PROVEN
    if bound is None:
        return UNPROVEN
    best = math.ceil(bound - 1e-6)  # scores are whole points
    if best >= points:
        return PROVEN
    if best <= 0:
        return UNPROVEN
    return f"within {math.ceil(100 * (points - best) / points)} % of the best possible"


def level_scores(
    costs: list[Cost],
    priorities: Priorities,
    level_bounds: list[float | None] | tuple[float | None, ...] | None = None,
) -> list[LevelScore]:
    """A rota's score level by level: number, title, points, phrase and bound in words.

    ``level_bounds`` are the proven bounds per level (level 1 first, None where
    unproven); without them the bound words are left empty. A ranked level with
    no rule in force and no points is left out, and so is level 2 (changes) when
    nothing changed. For a problem of one level every
    cost counts on it, whatever level it was stored with.
    """
    single = priorities.single_level
    count = priorities.level_count
    totals = (sum(c.total for c in costs),) if single else level_totals(costs, count)
    out = []
    for number, points in enumerate(totals, start=1):
        title = level_title(number, priorities)
        if not points and number in RANKED_LEVELS and title == f"level {number}":
            continue
        if not points and number == 2 and not single:  # no re-plan, or nothing changed
            continue
        mine = costs if single else [c for c in costs if c.level == number]
        words = ""
        if level_bounds is not None:
            bound = level_bounds[number - 1] if number <= len(level_bounds) else None
            words = bound_words(points, bound)
        phrase = _phrase(number, title, points, mine, single)
        out.append(LevelScore(number, title, points, phrase, words))
    return out


def score_line(levels: list[LevelScore]) -> str:
    """The score level by level on one line: '0 cover gaps \u00b7 2 h below contract \u00b7 ...'."""
    return SEPARATOR.join(level.phrase for level in levels)


def bound_line(levels: list[LevelScore]) -> str:
    """How far each level can be from the best possible: 'cover: best possible (proven) \u00b7 ...'.

    Empty when no bound is known.
    """
    return SEPARATOR.join(f"{level.title}: {level.bound}" for level in levels if level.bound)


def breakdown_by_level(
    costs: list[Cost], priorities: Priorities, level_bounds=None
) -> list[tuple[LevelScore, list[FamilyScore]]]:
    """The breakdown grouped by priority level: each level's score and its rules' itemised costs."""
    levels = level_scores(costs, priorities, level_bounds)
    if priorities.single_level:
        return [(level, breakdown(costs)) for level in levels]
    return [(level, breakdown([c for c in costs if c.level == level.number])) for level in levels]


def format_breakdown_by_level(
    costs: list[Cost], priorities: Priorities, level_bounds=None, limit: int = 5
) -> list[str]:
    """Lines of text: a heading per level with its score, then its rules and their largest items."""
    lines = []
    for level, scores in breakdown_by_level(costs, priorities, level_bounds):
        head = f"{level.heading}: {level.phrase}"
        if not level.in_words and level.title != "score":
            head = f"{level.heading}: {_plural(level.points, 'point', 'points')}"
        if level.bound:
            head += f"; {level.bound}"
        lines.append(head)
        for line in format_breakdown([c for s in scores for c in s.items], limit):
            lines.append(f"  {line}")
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
        core = [
            index[v] for v in found.sufficient_assumptions_for_infeasibility() if v in index
        ] or everything
    elif solve_with(everything, presolve=True) is not None:
        core = everything
    else:
        return ["No rota was found in the time allowed, but no conflicting rule could be proven."]
    chunk = max(1, len(core) // 2)
    while chunk >= 1 and len(core) > 1 and time.monotonic() < finish:
        i = 0
        while i < len(core) and len(core) > 1 and time.monotonic() < finish:
            trial = core[:i] + core[i + chunk :]
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
