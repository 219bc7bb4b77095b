"""The sign-off form a trainer or pharmacist-in-charge fills in for a trainee's competency."""

from __future__ import annotations

from datetime import date

from wtforms import DateField, SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..filters import day
from ..models import SkillLevel
from .base import AppForm

# what signing off a level lets the person do, said after the level's label
LETS_THEM = {
    SkillLevel.INDEPENDENT: "may work there alone",
    SkillLevel.TRAINER: "may train and sign off others",
}


class SignOffForm(AppForm):
    """A new level for one person's competency, how long it is valid, and a note."""

    level = SelectField("New level", validators=[DataRequired("Choose the new level.")])
    valid_until = DateField(
        "Valid until",
        validators=[Optional()],
        description="Filled in from the competency's requalification interval; "
        "the last day the level counts; leave blank for no end date.",
    )
    note = TextAreaField(
        "Note",
        validators=[Length(max=500)],
        description="What was observed, for the inspection record.",
    )
    submit = SubmitField("Sign off")

    def __init__(self, *args, levels: list[SkillLevel], today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.level.choices = [
            SelectChoice(lv.value, f"{lv.label} ({LETS_THEM[lv]})" if lv in LETS_THEM else lv.label)
            for lv in levels
        ]

    def validate_valid_until(self, field) -> None:
        """A sign-off, recorded today at the site, must be valid beyond today."""
        if field.data is not None and field.data <= self.today:
            raise ValidationError(
                f"Valid until {day(field.data)} is not after the sign-off date: it is "
                f"recorded today, {day(self.today)} (site time). Enter a later day."
            )
