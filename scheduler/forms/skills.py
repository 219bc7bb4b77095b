"""The competency form: name, code, requalification interval and prerequisite."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..services.setup import clash_message
from ..services.skills import clash, prerequisite_loops
from .base import AppForm, choice_id_or_none
from .staff import strip


class CompetencyForm(AppForm):
    """A skill a station or duty needs."""

    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired("Enter the competency's name."), Length(max=120)],
    )
    code = StringField(
        "Code",
        filters=[strip, lambda v: v.upper() if isinstance(v, str) else v],
        description="A short code shown in the skills matrix, e.g. IV or CHEMO.",
        validators=[
            DataRequired("Enter a short code."),
            Length(max=12, message="Use at most 12 characters."),
            Regexp(r"^[A-Z0-9_-]+$", message="Use letters, digits, - or _ only, no spaces."),
        ],
    )
    requalify_days = IntegerField(
        "Requalify every (days)",
        description="E.g. 365 for yearly sterile compounding competency, 182 for garbing. "
        "Leave blank for no end date.",
        validators=[
            Optional(),
            NumberRange(min=1, max=3650, message="Enter a number of days from 1 to 3650."),
        ],
    )
    prerequisite_id = SelectField(
        "Prerequisite",
        coerce=choice_id_or_none,
        description="A competency that must come first (e.g. sterile before hazardous).",
    )
    submit = SubmitField("Save")

    def __init__(self, *args, competency_id: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.competency_id = competency_id

    def validate_name(self, field) -> None:
        """Names are unique, archived competencies included."""
        self._unique("name", field.data)

    def validate_code(self, field) -> None:
        """Codes are unique, archived competencies included."""
        self._unique("code", field.data)

    def _unique(self, column: str, value: str | None) -> None:
        """Refuse a name or code another competency has, saying when that one is archived."""
        if not value:
            return
        message = clash_message(
            clash(column, value, self.competency_id),
            f"Another competency already has this {column}.",
            f"competency has this {column}",
            "Archived competencies, below the list of competencies",
        )
        if message:
            raise ValidationError(message)

    def validate_prerequisite_id(self, field) -> None:
        """A competency is not its own prerequisite, directly or through others."""
        if field.data is not None and field.data == self.competency_id:
            raise ValidationError("A competency cannot be its own prerequisite.")
        if prerequisite_loops(self.competency_id, field.data):
            raise ValidationError(
                "That would make a loop: the chosen competency already needs this one first."
            )
