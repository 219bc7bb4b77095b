"""A site's priorities: read them, save them from the set-up page, reset them, compare them.

The defaults are documented in ``solver/priorities.py`` and on the set-up page:
cover and required duties on level 1, changes to the rota people were given on
level 2 (re-plans), contracts on level 3, then the site-ranked rules on level 4 or 5
(``RANKED_DEFAULTS``), each at medium strength, and a
fairness window of ``DEFAULT_FAIRNESS_WEEKS`` published weeks. A site stores only
what differs from the defaults (``Site.priorities``, None when nothing does); a
rota stores the priorities its solve used (``Rota.priorities``), so a draft made
under other priorities can say so.
"""

from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import Rota, RotaStatus, Site
from ..solver.priorities import (
    FIXED_LEVELS,
    RANKED_DEFAULTS,
    RANKED_LEVELS,
    Priorities,
    Rule,
    Strength,
)

DEFAULT_FAIRNESS_WEEKS = 8
FAIRNESS_WEEKS_RANGE = (1, 52)
# the ranked rules in the order the page lists them: level 4's defaults first
RANKED_RULES: tuple[Rule, ...] = tuple(sorted(RANKED_DEFAULTS, key=lambda r: RANKED_DEFAULTS[r]))

# the three levels no site reorders, and why they come first
FIXED_LEVEL_WORDS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "Cover first, never traded",
        "A station short of its minimum, or a required duty left undone, is never accepted to "
        "gain anything below it: the solver makes these gaps as few as it can before anything "
        "else.",
    ),
    (
        2,
        "Few changes to a rota people were given",
        "When a week is re-planned (a sick call, completing the rest, solving again), the "
        "fewest changes to the shifts people were given: fewest people affected, a change "
        "today or tomorrow counted three times. Days before the re-plan starts are never "
        "changed. Nothing counts here when a week is planned afresh.",
    ),
    (
        3,
        "Contracts next",
        "Then the hours people's contracts ask for, and their days in a row, days off and "
        "weekends, before any preference of levels 4 and 5.",
    ),
)


def fixed_levels() -> list[tuple[int, str, str, list[str]]]:
    """Levels 1 to 3 as the page shows them: (level, title, why, the rules on it in words)."""
    return [
        (level, title, why, [r.label for r, at in FIXED_LEVELS.items() if at == level])
        for level, title, why in FIXED_LEVEL_WORDS
    ]


def default_rows() -> list[tuple[str, int, str]]:
    """The documented defaults of the ranked rules: (rule in words, level, strength)."""
    return [(rule.label, RANKED_DEFAULTS[rule], Strength.MEDIUM.label) for rule in RANKED_RULES]


def site_priorities(site: Site) -> Priorities:
    """The priorities a site's solves use now."""
    return Priorities.from_settings(site.priorities)


def rota_priorities(rota: Rota) -> Priorities:
    """The priorities a rota was made under (the defaults for a rota that stored none)."""
    return Priorities.from_settings(rota.priorities)


def settings_of(priorities: Priorities) -> dict[str, Any] | None:
    """The stored form of priorities: only the parts that differ from the defaults, or None."""
    settings = {part: values for part, values in priorities.to_settings().items() if values}
    return settings or None


def chosen(levels: dict[Rule, int], strengths: dict[Rule, Strength]) -> Priorities:
    """Priorities from a level and a strength per ranked rule (defaults left out)."""
    return Priorities(
        levels=tuple(
            (r, levels[r]) for r in RANKED_RULES if r in levels and levels[r] != RANKED_DEFAULTS[r]
        ),
        strengths=tuple(
            (r, strengths[r])
            for r in RANKED_RULES
            if r in strengths and strengths[r] is not Strength.MEDIUM
        ),
    )


def save(site: Site, priorities: Priorities, fairness_weeks: int) -> list[str]:
    """Store a site's priorities and fairness window, and commit; the changes in words."""
    changes = changes_between(site_priorities(site), priorities)
    if fairness_weeks != site.fairness_weeks:
        changes.append(window_change(site.fairness_weeks, fairness_weeks))
    site.priorities = settings_of(priorities)
    site.fairness_weeks = fairness_weeks
    db.session.commit()
    return changes


def reset(site: Site) -> list[str]:
    """Put a site back on the documented defaults, and commit; the changes in words."""
    return save(site, Priorities(), DEFAULT_FAIRNESS_WEEKS)


def window_change(before: int | None, after: int) -> str:
    """'Fairness window: 8 -> 4 weeks'."""
    return (
        f"Fairness window: {before if before is not None else DEFAULT_FAIRNESS_WEEKS} "
        f"\u2192 {after} weeks"
    )


def changes_between(before: Priorities, after: Priorities) -> list[str]:
    """What differs from one set of priorities to another, rule by rule, in words.

    E.g. ['Training goals moved from level 4 to level 5', 'Spread nights evenly:
    medium -> strong'].
    """
    out = []
    for rule in RANKED_RULES:
        if before.level(rule) != after.level(rule):
            out.append(
                f"{rule.label} moved from level {before.level(rule)} to level {after.level(rule)}"
            )
        if before.strength(rule) is not after.strength(rule):
            out.append(
                f"{rule.label}: {before.strength(rule).label} \u2192 {after.strength(rule).label}"
            )
    return out


def settings_changes(before: dict | None, after: dict | None) -> list[str]:
    """What differs between two stored forms of priorities, in words."""
    return changes_between(Priorities.from_settings(before), Priorities.from_settings(after))


def draft_made_under_other(rota: Rota) -> list[str]:
    """How a draft's priorities differ from its site's current ones (empty when they agree).

    Only drafts are compared: a published rota is history, made under the
    priorities of its time.
    """
    if rota.status is not RotaStatus.DRAFT:
        return []
    return changes_between(rota_priorities(rota), site_priorities(rota.site))


def settings_problems(settings: Any) -> list[str]:
    """What is wrong with a stored form of priorities read from a file (empty when usable)."""
    if settings is None:
        return []
    if not isinstance(settings, dict):
        return [f"should be an object or null, not {settings!r}"]
    out = [f"unknown part {key!r}" for key in sorted(set(settings) - {"levels", "strengths"})]
    allowed = {"levels": {str(n) for n in RANKED_LEVELS}, "strengths": {s.label for s in Strength}}
    for part, values in allowed.items():
        given = settings.get(part) or {}
        if not isinstance(given, dict):
            out.append(f"{part} should be an object, not {given!r}")
            continue
        for rule, value in sorted(given.items()):
            if rule not in {r.value for r in RANKED_RULES}:
                out.append(f"{part}: {rule!r} is not a rule a site ranks")
            elif str(value) not in values:
                out.append(f"{part}.{rule}: {value!r} is not one of {', '.join(sorted(values))}")
    return out
