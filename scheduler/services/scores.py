"""A rota's score told level by level, in the words the pages, the CLI and print all show.

A rota keeps the priorities its solve used (``Rota.priorities``, None for the
defaults) and the proven bound of each level (``Rota.level_bounds``); a rota
stored before priority levels existed has costs without a level, and reads as one
weighted sum. A running solve only knows each level's points, so its line names
points, except where none means no gap at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Rota, Site
from ..solver.explain import (
    PROVEN,
    UNPROVEN,
    FamilyScore,
    LevelScore,
    bound_line,
    bound_words,
    breakdown_by_level,
    format_breakdown_by_level,
    level_scores,
    score_line,
)
from ..solver.penalties import Cost
from ..solver.priorities import Priorities, level_title
from .score_data import stored_costs

ONE_LEVEL = Priorities(single_level=True)


@dataclass(frozen=True)
class RotaScore:
    """A rota's score for display: one line of levels, one line of bounds, the levels themselves."""

    levels: list[LevelScore]

    @property
    def line(self) -> str:
        """'0 cover gaps · 2 h below contract · goals & more 340 · fairness & more 45'."""
        return score_line(self.levels)

    @property
    def bounds(self) -> str:
        """'cover: best possible (proven) · ...', or '' when no bound is known."""
        return bound_line(self.levels)


def rota_priorities(rota: Rota) -> Priorities:
    """The priorities a rota was made under: its stored ones, else the defaults.

    A rota whose costs carry no level (stored before levels) or with a single
    level bound reads as one weighted sum.
    """
    if any("level" not in c for c in rota.costs or []):
        return ONE_LEVEL
    if rota.level_bounds is not None and len(rota.level_bounds) == 1:
        return ONE_LEVEL
    return Priorities.from_settings(rota.priorities)


def rota_bounds(rota: Rota, priorities: Priorities) -> list[float | None] | None:
    """The proven bound of each level of a rota, or None when nothing is known (edited by hand)."""
    if rota.level_bounds is not None:
        return list(rota.level_bounds)
    if priorities.single_level and rota.bound is not None:
        return [rota.bound]  # a rota of one weighted sum, stored before levels
    return None


def rota_score(rota: Rota, costs: list[Cost] | None = None, with_bounds: bool = True) -> RotaScore:
    """A rota's score level by level, from its stored costs (or the ``costs`` given).

    A rota without a score (none was found, or it was made by other means) has no levels.
    """
    if not scored(rota):
        return RotaScore([])
    priorities = rota_priorities(rota)
    costs = stored_costs(rota) if costs is None else costs
    bounds = rota_bounds(rota, priorities) if with_bounds else None
    return RotaScore(level_scores(costs, priorities, bounds))


def scored(rota: Rota) -> bool:
    """Whether a rota has a score: a solve found it, or a change by hand re-scored it."""
    return rota.objective is not None or bool(rota.costs)


def rota_score_line(rota: Rota) -> str:
    """A rota's score level by level on one line, '–' when it has no score (no rota found)."""
    return rota_score(rota, with_bounds=False).line or "\u2013"


@dataclass(frozen=True)
class LevelGroup:
    """One priority level of the explanation: its score and its rules' itemised costs."""

    level: LevelScore
    rules: list[FamilyScore]


def rota_breakdown(rota: Rota, costs: list[Cost], with_bounds: bool = True) -> list[LevelGroup]:
    """The breakdown of ``costs`` (a rota's, or its site's part) grouped by priority level."""
    priorities = rota_priorities(rota)
    bounds = rota_bounds(rota, priorities) if with_bounds else None
    groups = breakdown_by_level(costs, priorities, bounds)
    return [LevelGroup(level, rules) for level, rules in groups]


def breakdown_lines(rota: Rota, limit: int = 5) -> list[str]:
    """The rota's breakdown as text, a heading per level, for the command line."""
    priorities = rota_priorities(rota)
    return format_breakdown_by_level(
        stored_costs(rota), priorities, rota_bounds(rota, priorities), limit
    )


def progress_score(
    site: Site, levels: list[int] | None, bounds: list[float | None] | None
) -> RotaScore:
    """A running solve's best score level by level, from its points per level.

    Points cannot be turned back into gaps or hours, so a level is named with its
    points, except that no points on cover or contracts reads as no gap at all, and
    no points on level 2 (changes) leave it out.
    """
    priorities = Priorities.from_settings(site.priorities)
    if levels is not None and len(levels) == 1:
        priorities = ONE_LEVEL
    out = []
    for number, points in enumerate(levels or [], start=1):
        title = level_title(number, priorities)
        if priorities.single_level:
            phrase = f"score {points}"
        elif number == 1 and not points:
            phrase = "0 cover gaps"
        elif number == 2 and not points:
            continue  # nothing re-planned, or nothing changed
        elif number == 3 and not points:
            phrase = "0 h below contract"
        else:
            phrase = f"{title} {points}"
        words = ""
        if bounds is not None:
            words = bound_words(points, bounds[number - 1] if number <= len(bounds) else None)
        out.append(LevelScore(number, title, points, phrase, words))
    return RotaScore(out)


def quality_words(
    site: Site, gaps: int | None, levels: list[int] | None, bounds: list[float | None] | None
) -> str:
    """A running solve's best rota in a few words: '3 gaps; within 4 % of the best possible'.

    ``gaps`` counts the people missing on the site's cover (None when not known).
    The bound part speaks of the first level not yet proven ('best possible proven'
    once every level is), naming the level when cover itself is proven: never a
    raw bound.
    """
    parts = []
    if gaps is not None:
        parts.append("no gaps" if not gaps else f"{gaps} gap" + ("" if gaps == 1 else "s"))
    scored_levels = progress_score(site, levels, bounds).levels if levels else []
    if bounds and scored_levels:
        open_levels = [lv for lv in scored_levels if lv.bound != PROVEN]
        if not open_levels:
            parts.append("best possible proven")
        else:
            first = open_levels[0]
            words = "best possible not yet proven" if first.bound == UNPROVEN else first.bound
            if first.number > 1:  # cover is proven: say which level is still open
                words = f"{first.title}: {words}"
            parts.append(words)
    return "; ".join(parts)
