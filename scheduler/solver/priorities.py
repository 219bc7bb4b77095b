"""Priority levels: every soft rule belongs to a level, and a lower level never buys from a higher.

The engine minimises the levels one after the other (``solve.py``): first the
cover gaps (level 1), then the changes a re-plan makes to the rota people were
given (level 2; nothing there when the week is planned afresh), then what people's
contracts ask (level 3), then the two levels a site orders itself (4 and 5 by
default: development goals, duties and volunteering; then fairness, wishes and
trainer variety). Inside a
level the rules are weighed by their own weights times a strength the site
chooses: off (0), medium (1, the default) or strong (3).

A problem made for the published benchmark puts every rule on one level and keeps
the contract rules hard, as the benchmark's definition says.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Rule(StrEnum):
    """A soft rule as a site ranks it; several constraint families may share one."""

    COVER = "cover"  # heads below a station's minimum
    REQUIRED_DUTIES = "required_duties"  # occurrences of a required duty not rostered
    CONTRACT_HOURS = "contract_hours"  # minutes below the contract's minimum
    WORK_PATTERN = "work_pattern"  # days in a row, days off in a row, weekends worked
    GOALS = "goals"  # development goals' supervised shifts
    DUTIES = "duties"  # occurrences of other duties not rostered
    VOLUNTEERING = "volunteering"  # offers the rota does not honour
    IDEAL_COVER = "ideal_cover"  # heads below the ideal (or above it)
    FAIR_NIGHTS = "fair_nights"
    FAIR_WEEKENDS = "fair_weekends"
    FAIR_DUTIES = "fair_duties"
    FAIR_TRAINING = "fair_training"
    WISHES = "wishes"  # shift and day requests, unapproved leave
    STABILITY = "stability"  # changes against the rota people were given (re-plans)
    VARIETY = "variety"  # the same trainer shift after shift

    @property
    def label(self) -> str:
        """The rule in a supervisor's words."""
        return RULE_LABELS[self]


RULE_LABELS: dict[Rule, str] = {
    Rule.COVER: "Minimum cover of every station",
    Rule.REQUIRED_DUTIES: "Required duties",
    Rule.CONTRACT_HOURS: "Hours people's contracts ask for",
    Rule.WORK_PATTERN: "Days in a row, days off and weekends in contracts",
    Rule.GOALS: "Training goals",
    Rule.DUTIES: "Other duties",
    Rule.VOLUNTEERING: "Honour what people volunteer for",
    Rule.IDEAL_COVER: "Ideal cover beyond the minimum",
    Rule.FAIR_NIGHTS: "Spread nights evenly",
    Rule.FAIR_WEEKENDS: "Spread weekends evenly",
    Rule.FAIR_DUTIES: "Share each duty among those able to do it",
    Rule.FAIR_TRAINING: "Share training opportunities",
    Rule.WISHES: "Wishes: shift requests and days off",
    Rule.STABILITY: "Few changes when re-planning",
    Rule.VARIETY: "Different trainers for a trainee",
}

FIXED_LEVELS: dict[Rule, int] = {
    Rule.COVER: 1,
    Rule.REQUIRED_DUTIES: 1,
    Rule.STABILITY: 2,
    Rule.CONTRACT_HOURS: 3,
    Rule.WORK_PATTERN: 3,
}

# The rules a site ranks, with their default level.
RANKED_DEFAULTS: dict[Rule, int] = {
    Rule.GOALS: 4,
    Rule.DUTIES: 4,
    Rule.VOLUNTEERING: 4,
    Rule.IDEAL_COVER: 4,
    Rule.FAIR_NIGHTS: 5,
    Rule.FAIR_WEEKENDS: 5,
    Rule.FAIR_DUTIES: 5,
    Rule.FAIR_TRAINING: 5,
    Rule.WISHES: 5,
    Rule.VARIETY: 5,
}
RANKED_LEVELS = (4, 5)


class Strength(IntEnum):
    """How much a rule weighs inside its level: a multiplier of its own weights."""

    OFF = 0
    MEDIUM = 1
    STRONG = 3

    @property
    def label(self) -> str:
        """The strength in plain words."""
        return self.name.lower()


LEVEL_NAMES = {1: "cover", 2: "changes", 3: "contracts"}


@dataclass(frozen=True)
class Priorities:
    """Which level each soft rule sits on and how strongly it weighs there.

    ``levels`` and ``strengths`` list only what differs from the defaults, as
    (rule, value) pairs. ``single_level`` puts every rule on level 1 (one weighted
    sum); ``contracts_hard`` makes the contract rules (hours, days in a row, days
    off, weekends) hard instead of level-2 penalties.
    """

    levels: tuple[tuple[Rule, int], ...] = ()
    strengths: tuple[tuple[Rule, Strength], ...] = ()
    single_level: bool = False
    contracts_hard: bool = False

    @classmethod
    def from_settings(cls, settings: dict | None) -> Priorities:
        """Priorities from their stored form ({"levels": {rule: 4|5}, "strengths": {rule: name}}).

        None or {} means the defaults; unknown rules and values are left out (the
        set-up form refuses them before they are stored).
        """
        settings = settings or {}
        levels = tuple(
            (Rule(rule), int(level))
            for rule, level in sorted((settings.get("levels") or {}).items())
            if rule in RANKED_DEFAULTS
            and int(level) in RANKED_LEVELS
            and int(level) != RANKED_DEFAULTS[Rule(rule)]
        )
        strengths = tuple(
            (Rule(rule), Strength[str(name).upper()])
            for rule, name in sorted((settings.get("strengths") or {}).items())
            if rule in RANKED_DEFAULTS
            and str(name).upper() in Strength.__members__
            and Strength[str(name).upper()] is not Strength.MEDIUM
        )
        return cls(levels=levels, strengths=strengths)

    def to_settings(self) -> dict:
        """The stored form of these priorities: only what differs from the defaults."""
        return {
            "levels": {rule.value: level for rule, level in self.levels},
            "strengths": {rule.value: Strength(s).label for rule, s in self.strengths},
        }

    @classmethod
    def benchmark(cls) -> Priorities:
        """One weighted sum with hard contracts: the published benchmark's definition."""
        return cls(single_level=True, contracts_hard=True)

    @property
    def level_count(self) -> int:
        """How many levels a score has: 1 for one weighted sum, else 5."""
        return 1 if self.single_level else len(LEVEL_NAMES) + len(RANKED_LEVELS)

    def level(self, rule: Rule) -> int:
        """The level a rule's penalties belong to (1 is the most important)."""
        if self.single_level:
            return 1
        if rule in FIXED_LEVELS:
            return FIXED_LEVELS[rule]
        return dict(self.levels).get(rule, RANKED_DEFAULTS[rule])

    def strength(self, rule: Rule) -> Strength:
        """How strongly a rule weighs inside its level."""
        return Strength(dict(self.strengths).get(rule, Strength.MEDIUM))

    def multiplier(self, rule: Rule) -> int:
        """The factor a rule's own weights are multiplied by."""
        return int(self.strength(rule))

    def faults(self) -> list[str]:
        """What is wrong with these priorities, in words (empty when they can be used)."""
        out = []
        for rule, level in self.levels:
            if rule in FIXED_LEVELS:
                out.append(f"'{Rule(rule).label}' always sits on level {FIXED_LEVELS[rule]}")
            elif level not in RANKED_LEVELS:
                out.append(
                    f"'{Rule(rule).label}' is put on level {level}; "
                    f"only {' or '.join(map(str, RANKED_LEVELS))} are possible"
                )
        for rule, strength in self.strengths:
            if strength not in tuple(Strength):
                out.append(f"'{Rule(rule).label}' has an unknown strength {strength}")
        return out

    def in_force(self) -> list[str]:
        """The priorities as sentences, level by level: what the explanation shows."""
        out = []
        for level in (*LEVEL_NAMES, *RANKED_LEVELS):
            rules = [r for r in Rule if self.level(r) == level]
            if not rules:
                continue
            parts = []
            for rule in rules:
                strength = self.strength(rule)
                text = rule.label
                if strength is not Strength.MEDIUM:
                    text += f" ({strength.label})"
                parts.append(text)
            out.append(f"Level {level}: " + "; ".join(parts))
        return out


def level_title(level: int, priorities: Priorities) -> str:
    """A short name for a level in a score line: 'cover', 'contracts', or its rules' names."""
    if priorities.single_level:
        return "score"
    if level in LEVEL_NAMES:
        return LEVEL_NAMES[level]
    rules = [r for r in Rule if priorities.level(r) == level and priorities.multiplier(r)]
    names = [SHORT_NAMES[r] for r in rules]
    if not names:
        return f"level {level}"
    return names[0] if len(names) == 1 else f"{names[0]} & more"


SHORT_NAMES: dict[Rule, str] = {
    Rule.COVER: "cover",
    Rule.REQUIRED_DUTIES: "required duties",
    Rule.CONTRACT_HOURS: "contract hours",
    Rule.WORK_PATTERN: "work pattern",
    Rule.GOALS: "goals",
    Rule.DUTIES: "duties",
    Rule.VOLUNTEERING: "volunteering",
    Rule.IDEAL_COVER: "ideal cover",
    Rule.FAIR_NIGHTS: "fairness",
    Rule.FAIR_WEEKENDS: "fairness",
    Rule.FAIR_DUTIES: "fairness",
    Rule.FAIR_TRAINING: "fairness",
    Rule.WISHES: "wishes",
    Rule.STABILITY: "stability",
    Rule.VARIETY: "variety",
}
