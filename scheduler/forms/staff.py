"""Forms a supervisor fills in about staff: the person and contract, skills, certifications, leave.

Hours are what people think in, so contracts are entered in hours and stored in
minutes. Forms that check the database for clashes take the ids they need as
keyword arguments.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..filters import day
from ..models import LeaveKind, SkillLevel, Staff, StaffRole
from ..services.me import overlapping_leave
from ..services.staff import certification_taken
from .base import AppForm, choice_id, choice_id_or_none

MAX_LEAVE_DAYS = 366


def options(pairs, blank: str | None = None) -> list[SelectChoice]:
    """Select choices from (value, label) pairs, after a blank first choice when ``blank``."""
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(str(value), label) for value, label in pairs]


def labelled(kinds) -> list[tuple]:
    """An enum's members with their labels, in the enum's order, as (value, label) pairs."""
    return [(member, member.label) for member in kinds]


def strip(value):
    """Trim the spaces around typed text."""
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    """A set of choices shown as checkboxes, each with its own label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SiteChoiceForm(AppForm):
    """Which site (and week) a list shows: a GET filter, so without a CSRF token."""

    class Meta:
        csrf = False

    site = SelectField("Site", coerce=choice_id)


class WeekChoiceForm(SiteChoiceForm):
    """A site and a week (any day of it; the list starts on its Monday)."""

    week = DateField("Week of", validators=[Optional()])


def _hours_field(label: str, required: bool, top: int, description: str) -> DecimalField:
    """A field for hours, to two decimal places, between 0 and ``top``."""
    first = InputRequired(f"Enter the {label.lower()}.") if required else Optional()
    return DecimalField(
        label,
        places=2,
        description=description,
        validators=[
            first,
            NumberRange(min=0, max=top, message=f"Enter a number of hours from 0 to {top}."),
        ],
    )


def _count_field(
    label: str, low: int, high: int, description: str, required: bool = True
) -> IntegerField:
    """A whole-number field between ``low`` and ``high``; blank allowed unless ``required``."""
    first = InputRequired(f"Enter a whole number from {low} to {high}.") if required else Optional()
    return IntegerField(
        label,
        description=description,
        validators=[
            first,
            NumberRange(min=low, max=high, message=f"Enter a whole number from {low} to {high}."),
        ],
    )


class PersonForm(AppForm):
    """A member of staff and the contract rules the solver keeps for them."""

    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired("Enter the person's name."), Length(max=120)],
    )
    role = SelectField("Role", choices=options(labelled(StaffRole)))
    certified = BooleanField(
        "Certified technician (e.g. CPhT)",
        description="Some ratio laws allow more technicians when they are certified.",
    )
    home_site_id = SelectField("Home site", coerce=choice_id)
    active = BooleanField(
        "On the staff list and planned in new rotas",
        default=True,
        description="Untick to archive the person: their record and rota history are kept, "
        "and they can be restored any time.",
    )

    min_hours = _hours_field(
        "Hours per week, at least", True, 168, "Contracted minimum, e.g. 32 or 37.5."
    )
    max_hours = _hours_field("Hours per week, at most", False, 168, "Leave blank for no maximum.")
    max_consecutive_days = _count_field(
        "Most working days in a row", 1, 14, "Leave blank for no limit.", required=False
    )
    min_consecutive_days = _count_field(
        "Fewest working days in a row", 1, 7, "Use 1 when single working days are fine."
    )
    min_consecutive_days_off = _count_field(
        "Fewest days off in a row", 1, 7, "Use 1 when single days off are fine."
    )
    max_weekends_per_4_weeks = _count_field(
        "Most weekends worked in 4 weeks", 0, 4, "Leave blank for no limit.", required=False
    )
    min_rest_hours = _hours_field(
        "Rest between shifts, hours",
        True,
        48,
        "Time off between the end of one shift and the start of the next, e.g. 10 or 11.",
    )
    max_trainees = _count_field(
        "Most trainees supervised at once", 0, 5, "0 for someone who does not train."
    )
    submit = SubmitField("Save")

    def validate(self, extra_validators=None) -> bool:
        """Check each field, then the pairs that must be in order (at least <= at most)."""
        ok = super().validate(extra_validators)
        low, high = self.min_hours.data, self.max_hours.data
        compared = not (self.min_hours.errors or self.max_hours.errors)
        if compared and low is not None and high is not None and high < low:
            self.max_hours.errors.append(
                f"The most hours ({high:g}) cannot be fewer than the least ({low:g})."
            )
            ok = False
        fewest, most = self.min_consecutive_days.data, self.max_consecutive_days.data
        if (
            fewest is not None
            and most is not None
            and not self.min_consecutive_days.errors
            and fewest > most
        ):
            self.min_consecutive_days.errors.append(
                f"Cannot be more than the most working days in a row ({most})."
            )
            ok = False
        return ok

    def values(self) -> dict:
        """The form's values as Staff columns (hours turned into minutes)."""
        return {
            "name": self.name.data,
            "role": StaffRole(self.role.data),
            "certified": self.certified.data,
            "home_site_id": self.home_site_id.data,
            "active": self.active.data,
            "min_minutes_per_week": _minutes(self.min_hours.data),
            "max_minutes_per_week": _minutes(self.max_hours.data),
            "max_consecutive_days": self.max_consecutive_days.data,
            "min_consecutive_days": self.min_consecutive_days.data,
            "min_consecutive_days_off": self.min_consecutive_days_off.data,
            "max_weekends_per_4_weeks": self.max_weekends_per_4_weeks.data,
            "min_rest_minutes": _minutes(self.min_rest_hours.data),
            "max_trainees": self.max_trainees.data,
        }


def _minutes(hours: Decimal | None) -> int | None:
    """Hours (possibly fractional) as whole minutes."""
    return None if hours is None else round(hours * 60)


def _hours(minutes: int | None) -> Decimal | None:
    """Whole minutes as hours for a form field."""
    return None if minutes is None else (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def person_form_data(person: Staff) -> dict:
    """A person's record as PersonForm data (minutes turned into hours)."""
    return {
        "name": person.name,
        "role": person.role.value,
        "certified": person.certified,
        "home_site_id": person.home_site_id,
        "active": person.active,
        "min_hours": _hours(person.min_minutes_per_week),
        "max_hours": _hours(person.max_minutes_per_week),
        "max_consecutive_days": person.max_consecutive_days,
        "min_consecutive_days": person.min_consecutive_days,
        "min_consecutive_days_off": person.min_consecutive_days_off,
        "max_weekends_per_4_weeks": person.max_weekends_per_4_weeks,
        "min_rest_hours": _hours(person.min_rest_minutes),
        "max_trainees": person.max_trainees,
    }


class SkillForm(AppForm):
    """A person's level in one competency and until when it is valid."""

    competency_id = SelectField(
        "Competency",
        coerce=choice_id_or_none,
        validators=[InputRequired("Choose a competency.")],
    )
    level = SelectField(  # no default: an unchosen level would quietly be "Observe"
        "Level",
        choices=options(labelled(SkillLevel), blank="Choose a level"),
        validators=[InputRequired("Choose a level.")],
    )
    valid_until = DateField(
        "Valid until",
        validators=[Optional()],
        description="The last day the level counts. Leave blank for no end date, or, when adding, "
        "for the competency's requalification interval from today.",
    )
    submit = SubmitField("Save")

    def __init__(self, *args, signed_off: date, signed_off_words: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.signed_off = signed_off  # the sign-off's date, or today when this save records it
        self.signed_off_words = signed_off_words  # e.g. "signed off on Tue 3 Mar 2026"

    def validate_valid_until(self, field) -> None:
        """A level counts from its sign-off: its last valid day cannot come before it."""
        if field.data is not None and field.data < self.signed_off:
            raise ValidationError(
                f"Valid until {day(field.data)} is before the sign-off date: it was "
                f"{self.signed_off_words}. Enter that day or a later one."
            )


class CertificationForm(AppForm):
    """A professional certification such as CPhT or CSPT."""

    name = StringField(
        "Certification",
        filters=[strip],
        description="For example CPhT or CSPT.",
        validators=[DataRequired("Enter the certification's name."), Length(max=40)],
    )
    number = StringField("Certificate number", filters=[strip], validators=[Length(max=60)])
    issued = DateField("Issued", validators=[Optional()])
    expires = DateField(
        "Expires", validators=[Optional()], description="Leave blank if it never expires."
    )
    submit = SubmitField("Save")

    def __init__(self, *args, staff_id: int, cert_id: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.staff_id = staff_id
        self.cert_id = cert_id

    def validate_name(self, field) -> None:
        """A person holds each certification once."""
        if field.data and certification_taken(self.staff_id, field.data, self.cert_id):
            raise ValidationError(
                f"This person already has a {field.data} certification; edit that one instead."
            )

    def validate_expires(self, field) -> None:
        """A certification expires after it was issued."""
        if field.data and self.issued.data and field.data < self.issued.data:
            raise ValidationError("The expiry date cannot be before the date issued.")


class LeaveRecordForm(AppForm):
    """Leave a supervisor records for someone: annual leave unless they choose another kind."""

    staff_id = SelectField(
        "Person", coerce=choice_id_or_none, validators=[InputRequired("Choose the person.")]
    )
    start_date = DateField("First day", validators=[DataRequired("Enter the first day.")])
    end_date = DateField("Last day", validators=[DataRequired("Enter the last day.")])
    kind = SelectField(
        "Kind",
        choices=options(labelled(LeaveKind)),
        default=LeaveKind.ANNUAL.value,
    )
    shift_type_id = SelectField(
        "Only this shift", coerce=choice_id_or_none, description="Leave blank for whole days."
    )
    approved = BooleanField(
        "Approved",
        default=True,
        description="Approved leave keeps the person off the rota; unticked, it is planned "
        "as their wish not to work.",
    )
    note = TextAreaField("Note", filters=[strip], validators=[Length(max=500)])
    confirm = HiddenField()  # "yes" once the supervisor saw which shifts it uncovers
    submit = SubmitField("Record leave")

    def validate_end_date(self, field) -> None:
        """The last day is on or after the first, within a year, and clashes with no other leave."""
        first, last = self.start_date.data, field.data
        if first is None or last is None:
            return
        if last < first:
            raise ValidationError("The last day cannot be before the first day.")
        if last - first >= timedelta(days=MAX_LEAVE_DAYS):
            raise ValidationError(f"Record at most {MAX_LEAVE_DAYS} days at a time.")
        if self.staff_id.data is not None:
            clash = overlapping_leave(self.staff_id.data, first, last)
            if clash is not None:
                raise ValidationError(
                    "This person already has leave from "
                    f"{day(clash.start_date)} to {day(clash.end_date)}."
                )
