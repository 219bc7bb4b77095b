"""Rota forms: start a solve, move an assignment, a sick call, a replacement, approval rule.

Every form that changes a rota carries, hidden, the rota it was shown with and that
rota's lock number (:class:`RotaStateForm`), so an edit made on an out-of-date page is
refused instead of overwriting someone else's change.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from ..models import SolveKind
from .base import AppForm, choice_id

if TYPE_CHECKING:
    from ..models import Rota

MIN_SECONDS = 1
MAX_SECONDS = 300


def _number_or_none(text: str | None) -> int | None:
    """A hidden field's value as a whole number, or None when missing or not a number.

    Unlike :func:`.base.choice_id`, which raises for what is not a number, a missing or
    tampered hidden value reads as None, for the view to handle.
    """
    text = (text or "").strip()
    return int(text) if text.isdecimal() and len(text) <= 9 else None


class RotaStateForm(AppForm):
    """The rota a page showed and its lock number, sent back with every change of it."""

    rota = HiddenField()
    lock = HiddenField()

    def show(self, rota: Rota) -> None:
        """Fill the hidden fields from the rota as it is now (the page is about to show it)."""
        self.rota.data = str(rota.id)
        self.lock.data = str(rota.lock_version)

    @property
    def seen_rota_id(self) -> int | None:
        """The id of the rota the page showed, or None when the form did not say."""
        return _number_or_none(self.rota.data)

    @property
    def seen_lock(self) -> int | None:
        """The rota's lock number when the page showed it, or None when the form did not say."""
        return _number_or_none(self.lock.data)


class NewDraftForm(RotaStateForm):
    """Copy a version as a new draft; also carries the newest version the page knew of."""

    latest = HiddenField()

    @property
    def seen_latest(self) -> int | None:
        """The newest version number of the week when the page was shown, or None."""
        return _number_or_none(self.latest.data)


def _time_limit(default: float) -> FloatField:
    return FloatField(
        "Time limit (seconds)",
        default=default,
        validators=[
            InputRequired(message="Give a time limit in seconds."),
            NumberRange(
                MIN_SECONDS,
                MAX_SECONDS,
                message=f"Use between {MIN_SECONDS} and {MAX_SECONDS} seconds.",
            ),
        ],
        description="The solver keeps improving the rota until then; you can stop it sooner.",
    )


class SolveForm(AppForm):
    """How long to let the solver search, and whether to keep the pins or start afresh."""

    time_limit = _time_limit(20)
    from_day = HiddenField()  # re-plan from this day (YYYY-MM-DD): the days before are kept
    complete = SubmitField("Complete the rest around the pins")
    generate = SubmitField("Generate a new rota")

    @property
    def kind(self) -> SolveKind:
        """A completion around the pins when that button was pressed, else a whole new rota."""
        return SolveKind.COMPLETE if self.complete.data else SolveKind.FULL

    @property
    def first_day(self) -> date | None:
        """The day a re-plan starts from, or None (a bad value is ignored: the whole week)."""
        try:
            return date.fromisoformat(self.from_day.data or "")
        except ValueError:
            return None


class MoveForm(RotaStateForm):
    """Where to move one assignment: day, shift and station or duty (choices set by the view)."""

    on_date = SelectField("Day", validators=[DataRequired(message="Choose a day.")])
    shift = SelectField(
        "Shift", coerce=choice_id, validators=[DataRequired(message="Choose a shift.")]
    )
    place = SelectField(
        "Station or duty", validators=[DataRequired(message="Choose a station or duty.")]
    )
    submit = SubmitField("Move")

    def chosen_date(self) -> date:
        """The chosen day as a date."""
        return date.fromisoformat(self.on_date.data)

    def validate_on_date(self, field) -> None:
        """Reject a day that is not a date."""
        try:
            date.fromisoformat(field.data or "")
        except ValueError as exc:
            raise ValidationError("Choose a day of this week.") from exc


class AbsenceForm(RotaStateForm):
    """A sick call: who is away, from when to when, and how long to re-plan."""

    staff = SelectField(
        "Who is absent",
        coerce=choice_id,
        validators=[DataRequired(message="Choose the person who is absent.")],
    )
    start = DateField("First day away", validators=[InputRequired(message="Give a date.")])
    end = DateField("Last day away", validators=[InputRequired(message="Give a date.")])
    note = StringField(
        "Note", validators=[Length(max=200)], description="Optional, e.g. 'called in at 06:10'."
    )
    time_limit = _time_limit(10)
    confirm = HiddenField()  # "yes" once the supervisor saw which shifts it uncovers
    submit = SubmitField("Mark absent and re-plan")

    def __init__(
        self, *args, week: tuple[date, date] | None = None, today: date | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.week = week
        self.today = today

    def validate_start(self, field) -> None:
        """The first day must fall in the rota's week, today or later (the past is kept)."""
        if self.week and field.data and not self.week[0] <= field.data <= self.week[1]:
            raise ValidationError(
                f"Choose a day from {self.week[0]:%d %b} to {self.week[1]:%d %b %Y}."
            )
        if self.today and field.data and field.data < self.today:
            raise ValidationError(
                f"A sick call starts today ({self.today:%a} {self.today.day} {self.today:%b}) "
                "or later: the days before today are kept as worked. Record a past absence "
                "on the person's leave page."
            )

    def validate_end(self, field) -> None:
        """The last day must not come before the first and must fall in the week."""
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The last day cannot be before the first day.")
        if self.week and field.data and not self.week[0] <= field.data <= self.week[1]:
            raise ValidationError(
                f"Choose a day from {self.week[0]:%d %b} to {self.week[1]:%d %b %Y}."
            )


class AssignForm(RotaStateForm):
    """Put a suggested person on an open shift (hidden fields filled by the suggestion list)."""

    staff = HiddenField(validators=[DataRequired()])
    on_date = HiddenField(validators=[DataRequired()])
    shift = HiddenField(validators=[DataRequired()])
    station = HiddenField(validators=[DataRequired()])


class ApprovalPolicyForm(AppForm):
    """Whether a site's rotas need the pharmacist-in-charge's approval before publishing."""

    requires_approval = BooleanField(
        "The pharmacist-in-charge must approve a rota before it is published"
    )
    submit = SubmitField("Save")
