"""The levels grid: each person of a site against the competencies it needs, a level each."""

from __future__ import annotations

from wtforms import SelectField, SubmitField

from ..models import Competency, SkillLevel, Staff
from .base import AppForm
from .staff import labelled, options

NOT_HELD = "Not held"


def levels_form(
    people: list[Staff],
    competencies: list[Competency],
    held: dict[tuple[int, int], SkillLevel],
) -> AppForm:
    """A form with a level choice per person and competency, named ``level_<staff>_<comp>``.

    A level already held can be changed but not cleared here (a level recorded by
    mistake is removed on the person's page, where its sign-off is shown).
    """

    class LevelsForm(AppForm):
        """Levels of many people in many competencies, saved at once."""

        submit = SubmitField("Save levels")

        def cell(self, person: Staff, competency: Competency):
            """The level field of a person in a competency."""
            return self[f"level_{person.id}_{competency.id}"]

        def values(self) -> dict[tuple[int, int], SkillLevel | None]:
            """(staff id, competency id) -> the level chosen, or None for "Not held"."""
            return {
                (p.id, c.id): SkillLevel(value) if (value := self.cell(p, c).data) else None
                for p in people
                for c in competencies
            }

    levels = labelled(SkillLevel)
    for person in people:
        for competency in competencies:
            level = held.get((person.id, competency.id))
            setattr(
                LevelsForm,
                f"level_{person.id}_{competency.id}",
                SelectField(
                    f"{person.name}: {competency.name}",
                    choices=options(levels, blank=None if level else NOT_HELD),
                    default=level.value if level else "",
                ),
            )
    return LevelsForm()
