"""Forms a technician fills in about themselves: CE hours, leave, shift requests, offers.

Each form takes the person's site "today" (``today=``) so dates are judged in
the site's time zone; forms that check for clashes take the staff id too.
"""

from __future__ import annotations

from datetime import date, timedelta

from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)

from ..models import CECategory, LeaveKind, OfferKind
from ..services.me import duplicate_request, overlapping_leave
from .base import AppForm, choice_id_or_none

# the kinds a person asks for on their own page (sick leave is not among them); being
# unavailable is said to be no leave, here and on the person's list of their wishes
OWN_LEAVE_KINDS = (LeaveKind.ANNUAL, LeaveKind.TRAINING, LeaveKind.UNAVAILABLE)
NOT_LEAVE = " (not leave)"
WEEKS_AHEAD = 8
MAX_CE_HOURS = 40


def choices_with_blank(blank: str, items) -> list[SelectChoice]:
    """Select choices from (id, label) pairs, after a blank first choice."""
    return [SelectChoice("", blank)] + [SelectChoice(str(key), label) for key, label in items]


def _fmt(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


class _PersonalForm(AppForm):
    """A form about the signed-in person, judged against the site's today."""

    def __init__(self, *args, today: date, staff_id: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.staff_id = staff_id


class CEEntryForm(_PersonalForm):
    """Hours of continuing education to log."""

    on_date = DateField("Date completed", validators=[DataRequired("Enter the date.")])
    hours = DecimalField(
        "Hours",
        places=2,
        validators=[
            InputRequired("Enter the hours, for example 1 or 1.5."),
            NumberRange(
                min=0.25,
                max=MAX_CE_HOURS,
                message=f"Hours must be between 0.25 and {MAX_CE_HOURS}.",
            ),
        ],
    )
    topic = StringField(
        "Topic",
        validators=[DataRequired("Enter the course or topic."), Length(max=200)],
    )
    category = SelectField(
        "Category",
        choices=[SelectChoice(c.value, c.label) for c in CECategory],
        validators=[DataRequired("Choose a category.")],
        description="PTCB counts pharmacy law, patient safety and technician-specific hours.",
    )
    submit = SubmitField("Log hours")

    def __init__(self, *args, **kwargs) -> None:
        """The form, its date picker offering no day after the site's today."""
        super().__init__(*args, **kwargs)
        self.on_date.render_kw = {**(self.on_date.render_kw or {}), "max": self.today.isoformat()}

    def validate_on_date(self, field) -> None:
        """CE is logged once done, so the date cannot be in the future."""
        if field.data is not None and field.data > self.today:
            raise ValidationError("The date cannot be in the future; log hours once completed.")


class LeaveForm(_PersonalForm):
    """A request for days away (a whole day or one shift type)."""

    start_date = DateField("First day", validators=[DataRequired("Enter the first day.")])
    end_date = DateField("Last day", validators=[DataRequired("Enter the last day.")])
    kind = SelectField(
        "Kind",
        choices=[
            SelectChoice(k.value, k.label + (NOT_LEAVE if k is LeaveKind.UNAVAILABLE else ""))
            for k in OWN_LEAVE_KINDS
        ],
    )
    shift_type_id = SelectField(
        "Only this shift",
        coerce=choice_id_or_none,
        description="Leave blank for whole days.",
    )
    note = TextAreaField("Note", validators=[Length(max=500)])
    confirm = HiddenField()  # "yes" once the person saw which of their shifts it covers
    submit = SubmitField("Request leave")

    def validate_start_date(self, field) -> None:
        """Leave is asked for ahead, not for days already gone."""
        if field.data is not None and field.data < self.today:
            raise ValidationError("The first day cannot be in the past.")

    def validate_end_date(self, field) -> None:
        """The last day comes on or after the first, and does not overlap other leave."""
        start, end = self.start_date.data, field.data
        if start is None or end is None:
            return
        if end < start:
            raise ValidationError("The last day must be on or after the first day.")
        clash = overlapping_leave(self.staff_id, start, end)
        if clash is not None:
            raise ValidationError(
                f"You already have leave from {_fmt(clash.start_date)} to "
                f"{_fmt(clash.end_date)} ({clash.status}); choose other days."
            )


class ShiftRequestForm(_PersonalForm):
    """A wish to work, or not to work, a shift or a whole day."""

    on_date = DateField("Date", validators=[DataRequired("Enter the date.")])
    shift_type_id = SelectField("Shift", coerce=choice_id_or_none)
    want = RadioField(
        "I would like",
        choices=[SelectChoice("yes", "to work it"), SelectChoice("no", "not to work it")],
        validators=[DataRequired("Choose whether you want it or not.")],
    )
    submit = SubmitField("Send request")

    def validate_on_date(self, field) -> None:
        """Requests are for days ahead, and only one per date and shift."""
        if field.data is None:
            return
        if field.data < self.today:
            raise ValidationError("The date cannot be in the past.")
        if duplicate_request(self.staff_id, field.data, self.shift_type_id.data):
            raise ValidationError("You already have a request for that date and shift.")


class VolunteerForm(_PersonalForm):
    """An offer for a week: a duty, training others, extra shifts, or cross-training."""

    kind = RadioField(
        "I offer to",
        choices=[SelectChoice(k.value, k.label) for k in OfferKind],
        validators=[DataRequired("Choose what you offer.")],
    )
    week_start = SelectField("Week starting", validators=[DataRequired("Choose a week.")])
    duty_id = SelectField(
        "Duty",
        coerce=choice_id_or_none,
        description="Only when you take on a duty.",
    )
    station_id = SelectField(
        "Station",
        coerce=choice_id_or_none,
        description="Only when you cross-train at a station.",
    )
    count = IntegerField(
        "How many",
        default=1,
        validators=[
            InputRequired("Enter how many (1 to 7)."),
            NumberRange(min=1, max=7, message="Enter a number from 1 to 7."),
        ],
        description="Extra shifts, trainees, or times the duty or station.",
    )
    note = StringField("Note", validators=[Length(max=200)])
    submit = SubmitField("Send offer")

    def __init__(self, *args, duties=(), stations=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        first = self.today - timedelta(days=self.today.weekday())
        weeks = [first + timedelta(weeks=n) for n in range(WEEKS_AHEAD)]
        self.week_start.choices = [
            SelectChoice(w.isoformat(), f"Mon {w.day} {w:%b %Y}") for w in weeks
        ]
        self.duty_id.choices = choices_with_blank("—", ((d.id, label) for d, label in duties))
        self.station_id.choices = choices_with_blank("—", ((s.id, label) for s, label in stations))

    @property
    def week(self) -> date:
        """The chosen week's Monday."""
        return date.fromisoformat(self.week_start.data)

    def validate_duty_id(self, field) -> None:
        """A duty offer names the duty."""
        if self.kind.data == OfferKind.DUTY and field.data is None:
            raise ValidationError("Choose the duty you offer to take on.")

    def validate_station_id(self, field) -> None:
        """A cross-training offer names the station."""
        if self.kind.data == OfferKind.STATION and field.data is None:
            raise ValidationError("Choose the station you would like to cross-train at.")


class SeenChangesForm(AppForm):
    """The "I have seen this" button under the notice of my changed shifts.

    It carries when the newest change it showed was published, so a change
    published while the page was open is still shown afterwards.
    """

    shown = HiddenField()
