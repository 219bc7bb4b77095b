"""The priorities form: a level and a strength for each rule a site ranks, and the fairness window.

Fields are named ``level_<rule>`` and ``strength_<rule>`` after the rules of
``solver/priorities.py: RANKED_DEFAULTS`` (e.g. ``level_goals``, ``strength_wishes``).
"""

from __future__ import annotations

from wtforms import IntegerField, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from ..services.priorities import (
    DEFAULT_FAIRNESS_WEEKS,
    FAIRNESS_WEEKS_RANGE,
    RANKED_RULES,
    chosen,
    site_priorities,
)
from ..solver.priorities import RANKED_DEFAULTS, Priorities, Rule, Strength
from .base import AppForm
from .staff import options

LEVEL_CHOICES = options(
    [
        (4, "Level 4: settled first, after cover, changes and contracts"),
        (5, "Level 5: settled after level 4"),
    ]
)
STRENGTH_CHOICES = options(
    [
        (Strength.STRONG.label, "Strong: weighs three times as much"),
        (Strength.MEDIUM.label, "Medium: its usual weight"),
        (Strength.OFF.label, "Off: not weighed at all"),
    ]
)
LOW, HIGH = FAIRNESS_WEEKS_RANGE


class PrioritiesForm(AppForm):
    """A site's order of levels 4 and 5, each rule's strength, and its fairness window."""

    fairness_weeks = IntegerField(
        "Fairness window, in weeks",
        default=DEFAULT_FAIRNESS_WEEKS,
        description=f"Nights, weekends, duties and training are shared over the last N "
        f"published weeks ({LOW} to {HIGH}; {DEFAULT_FAIRNESS_WEEKS} unless changed).",
        validators=[
            InputRequired("Enter how many weeks, e.g. 8."),
            NumberRange(min=LOW, max=HIGH, message=f"Enter {LOW} to {HIGH} weeks."),
        ],
    )
    submit = SubmitField("Save priorities")

    def rules(self):
        """(rule, level field, strength field) for every rule a site ranks, in the page's order."""
        return [
            (rule, self[f"level_{rule.value}"], self[f"strength_{rule.value}"])
            for rule in RANKED_RULES
        ]

    def priorities(self) -> Priorities:
        """The priorities chosen."""
        levels = {rule: int(level.data) for rule, level, _s in self.rules()}
        strengths = {rule: Strength[strength.data.upper()] for rule, _l, strength in self.rules()}
        return chosen(levels, strengths)


def default_text(rule: Rule) -> str:
    """'Default: level 4, medium.'"""
    return f"Default: level {RANKED_DEFAULTS[rule]}, {Strength.MEDIUM.label}."


for _rule in RANKED_RULES:
    setattr(
        PrioritiesForm,
        f"level_{_rule.value}",
        SelectField(
            "Level",
            choices=LEVEL_CHOICES,
            default=str(RANKED_DEFAULTS[_rule]),
            description=default_text(_rule),
        ),
    )
    setattr(
        PrioritiesForm,
        f"strength_{_rule.value}",
        SelectField(
            "Strength",
            choices=STRENGTH_CHOICES,
            default=Strength.MEDIUM.label,
        ),
    )


def priorities_form_data(site) -> dict:
    """A site's current priorities and fairness window as the form's values."""
    current = site_priorities(site)
    data: dict = {"fairness_weeks": site.fairness_weeks}
    for rule in RANKED_RULES:
        data[f"level_{rule.value}"] = str(current.level(rule))
        data[f"strength_{rule.value}"] = current.strength(rule).label
    return data
