"""Set-up forms: site details, stations, shift types, cover grid and dates, duties, ratio rules.

Forms that check names for clashes take the site id and the row's own id as
keyword arguments; choices that depend on the site are filled in by the view.
"""

from __future__ import annotations

from datetime import time

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ..filters import DAY_NAMES, DAY_SHORT
from ..models import Duty, DutyKind, ShiftType, Site, SiteGroup, SiteKind, SkillLevel, Station
from ..models.sites import in_use
from ..services.setup import (
    clash,
    clash_message,
    is_timezone,
    ratio_rule_taken,
    taken,
)
from .base import AppForm, choice_id, choice_id_or_none
from .staff import MultiCheckboxField, labelled, options, strip

MAX_HEADS = 50
HEADS_RANGE = NumberRange(min=0, max=MAX_HEADS, message=f"Enter 0 to {MAX_HEADS}.")
WEEKDAY_CHOICES = options(enumerate(DAY_NAMES))
ON_SITE_PAGE = "Archived {}, on the site's set-up page"


def _upper(value):
    """Codes are kept in capitals."""
    return value.upper() if isinstance(value, str) else value


class _ScopedForm(AppForm):
    """A form about one row, with the site it belongs to for uniqueness checks."""

    def __init__(self, *args, site_id: int | None = None, row_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_id = site_id
        self.row_id = row_id

    def _unique_on_site(self, model, column: str, value: str | None, noun: str, listed: str):
        """Refuse a name or code another row of the site has (archived rows included),
        saying when that one is archived that it can be restored instead."""
        if not value:
            return
        message = clash_message(
            clash(model, column, value, self.row_id, site_id=self.site_id),
            f"This site already has a {noun} with this {column}.",
            f"{noun} has this {column}",
            ON_SITE_PAGE.format(listed),
        )
        if message:
            raise ValidationError(message)


# ----- sites -------------------------------------------------------------------------


class SiteForm(_ScopedForm):
    """A site's details, group, ratio rule and opening hours (fields opens_0 ... closes_6)."""

    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired("Enter the site's name."), Length(max=120)],
    )
    kind = SelectField("Kind", choices=options(labelled(SiteKind)))
    timezone = StringField(
        "Time zone",
        filters=[strip],
        description="An IANA name such as America/Chicago: shift times are wall-clock times here.",
        validators=[DataRequired("Enter the site's time zone.")],
        render_kw={"list": "timezones", "autocomplete": "off", "spellcheck": "false"},
    )
    open_24_7 = BooleanField("Open 24 hours, 7 days", description="Untick to enter opening hours.")
    group_id = SelectField(
        "Site group",
        coerce=choice_id_or_none,
        description="Sites in one group are planned together, so staff can train across them.",
    )
    new_group = StringField(
        "Or a new group",
        filters=[strip],
        validators=[Length(max=120)],
        description="Type a name to create a group and put this site in it.",
    )
    ratio_rule_id = SelectField(
        "Pharmacist-to-technician ratio rule",
        coerce=choice_id_or_none,
        description="The law that applies here; add rule sets under Ratio rules.",
    )
    submit = SubmitField("Save site")

    def validate_name(self, field) -> None:
        """Site names are unique."""
        if field.data and taken(Site, "name", field.data, self.row_id):
            raise ValidationError("Another site already has this name.")

    def validate_timezone(self, field) -> None:
        """The time zone must be one the server knows."""
        if field.data and not is_timezone(field.data):
            raise ValidationError(
                f"'{field.data}' is not a known time zone; pick one such as America/Chicago "
                "from the list (capitals and underscores matter)."
            )

    def validate_new_group(self, field) -> None:
        """Either an existing group or a new one, and a new one must not exist yet."""
        if not field.data:
            return
        if self.group_id.data is not None:
            raise ValidationError("Choose an existing group or type a new one, not both.")
        if taken(SiteGroup, "name", field.data):
            raise ValidationError("A group with this name exists; choose it from the list.")

    def opening_fields(self):
        """(weekday name, opens field, closes field) for Monday to Sunday."""
        return [(DAY_NAMES[d], self[f"opens_{d}"], self[f"closes_{d}"]) for d in range(7)]

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then the opening hours (both times, closing after opening)."""
        ok = super().validate(extra_validators)
        if self.open_24_7.data:
            return ok
        any_day = False
        for day, opens, closes in self.opening_fields():
            if opens.errors or closes.errors:
                continue
            if (opens.data is None) != (closes.data is None):
                missing = closes if closes.data is None else opens
                missing.errors.append(f"Enter both times for {day}, or neither if closed.")
                ok = False
            elif opens.data is not None:
                any_day = True
                if closes.data <= opens.data:
                    closes.errors.append(f"{day}: closing must be after opening.")
                    ok = False
        if not any_day and ok:
            self.open_24_7.errors.append(
                "Tick this, or enter the opening hours of at least one day."
            )
            ok = False
        return ok

    def hours(self) -> dict:
        """The opening hours entered, as weekday -> (opens, closes)."""
        return {
            d: (opens.data, closes.data)
            for d, (_day, opens, closes) in enumerate(self.opening_fields())
            if opens.data is not None and closes.data is not None
        }


for _day in range(7):
    setattr(
        SiteForm, f"opens_{_day}", TimeField(f"{DAY_NAMES[_day]} opens", validators=[Optional()])
    )
    setattr(
        SiteForm, f"closes_{_day}", TimeField(f"{DAY_NAMES[_day]} closes", validators=[Optional()])
    )


# ----- stations and shift types ------------------------------------------------------


class StationForm(_ScopedForm):
    """A station and the competencies a person needs to stand there."""

    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired("Enter the station's name."), Length(max=120)],
    )
    competency_ids = MultiCheckboxField(
        "Competencies needed",
        coerce=choice_id,
        description="People count toward this station's cover only when independent (or a "
        "trainer) in every competency ticked.",
    )
    submit = SubmitField("Save station")

    def validate_name(self, field) -> None:
        """Station names are unique within a site, archived stations included."""
        self._unique_on_site(Station, "name", field.data, "station", "stations")


MIDNIGHT = time(0, 0)


class ShiftTypeForm(_ScopedForm):
    """A shift pattern: times (it may end the next day), days it runs, successors it forbids."""

    code = StringField(
        "Code",
        filters=[strip, _upper],
        description="A short code for the rota, e.g. D, E, N.",
        validators=[
            DataRequired("Enter a short code."),
            Length(max=8, message="Use at most 8 characters."),
            Regexp(r"^[A-Z0-9_-]+$", message="Use letters, digits, - or _ only, no spaces."),
        ],
    )
    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired("Enter the shift's name."), Length(max=60)],
    )
    start = TimeField("Starts", validators=[InputRequired("Enter the start time, e.g. 07:00.")])
    end = TimeField(
        "Ends",
        validators=[InputRequired("Enter the end time, e.g. 15:00.")],
        description="An end before the start means the shift ends the next day (e.g. 23:00 to "
        "07:00): tick “Night shift” for it. An end at 00:00 is midnight, the end of "
        "the day.",
    )
    night = BooleanField(
        "Night shift",
        description="Crosses midnight, and counted for the fair share of nights.",
    )
    weekdays = MultiCheckboxField(
        "Runs on", choices=WEEKDAY_CHOICES, validators=[DataRequired("Tick at least one day.")]
    )
    forbidden_next_ids = MultiCheckboxField(
        "May not be followed the next day by",
        coerce=choice_id,
        description="E.g. a night may not be followed by a day or evening shift.",
    )
    max_per_week = IntegerField(
        "Most per person per week",
        description="Leave blank for no limit.",
        validators=[Optional(), NumberRange(min=0, max=7, message="Enter 0 to 7.")],
    )
    submit = SubmitField("Save shift type")

    def validate_code(self, field) -> None:
        """Codes are unique within a site, archived shift types included."""
        self._unique_on_site(ShiftType, "code", field.data, "shift type", "shift types")

    def validate_end(self, field) -> None:
        """A shift has a length, and only a night shift ends after midnight, the next day.

        An end at 00:00 is midnight: the shift ends with its own day, night or not.
        """
        if field.data is None or self.start.data is None:
            return
        if field.data == self.start.data:
            raise ValidationError("The shift cannot end at the time it starts.")
        if field.data < self.start.data and field.data != MIDNIGHT and not self.night.data:
            raise ValidationError(
                "Ends before it starts: tick “Night shift” for a shift that crosses "
                "midnight, or correct the times."
            )


# ----- cover --------------------------------------------------------------------------


def cover_grid_form(shift_types: list[ShiftType], data: dict | None = None) -> AppForm:
    """A form with a minimum and an ideal head count per shift type and weekday it runs on.

    Field names are ``min_<shift id>_<weekday>`` and ``ideal_<shift id>_<weekday>``;
    a blank pair means no cover is needed then. Archived shift types get no fields:
    their lines are left as they are, for a restore.
    """
    shift_types = in_use(shift_types)

    class CoverGridForm(AppForm):
        """Weekday cover for one station: minimum and ideal heads per shift and day."""

        submit = SubmitField("Save cover")

        def cells(self, shift: ShiftType, weekday: int):
            """The (minimum, ideal) fields of a shift on a weekday, or None if it does not run."""
            name = f"{shift.id}_{weekday}"
            if f"min_{name}" not in self:
                return None
            return self[f"min_{name}"], self[f"ideal_{name}"]

        def validate(self, extra_validators=None) -> bool:
            """Check each number, then that a minimum is given and the ideal is not below it."""
            ok = super().validate(extra_validators)
            for shift in shift_types:
                for weekday in range(7):
                    pair = self.cells(shift, weekday)
                    if pair is None or pair[0].errors or pair[1].errors:
                        continue
                    low, high = pair
                    if low.data is None and high.data is not None:
                        low.errors.append("Enter a minimum too (0 if none is needed).")
                        ok = False
                    elif low.data is not None and high.data is not None and high.data < low.data:
                        high.errors.append(f"The ideal cannot be below the minimum ({low.data}).")
                        ok = False
            return ok

        def values(self) -> dict:
            """(shift id, weekday) -> (minimum, ideal), or None where both are blank."""
            out = {}
            for shift in shift_types:
                for weekday in range(7):
                    pair = self.cells(shift, weekday)
                    if pair is None:
                        continue
                    low, high = pair[0].data, pair[1].data
                    out[(shift.id, weekday)] = (
                        None if low is None else (low, low if high is None else high)
                    )
            return out

    heads = [Optional(), HEADS_RANGE]
    for shift in shift_types:
        for weekday in range(7):
            if not shift.runs_on(weekday):
                continue
            day = DAY_SHORT[weekday]
            setattr(
                CoverGridForm,
                f"min_{shift.id}_{weekday}",
                IntegerField(f"{shift.name} {day} minimum", validators=heads),
            )
            setattr(
                CoverGridForm,
                f"ideal_{shift.id}_{weekday}",
                IntegerField(f"{shift.name} {day} ideal", validators=heads),
            )
    return CoverGridForm(data=data)


class DateCoverForm(AppForm):
    """Cover on one date that overrides the weekday line (a clinic day, a holiday)."""

    shift_type_id = SelectField(
        "Shift", coerce=choice_id_or_none, validators=[InputRequired("Choose the shift.")]
    )
    on_date = DateField("Date", validators=[DataRequired("Enter the date.")])
    minimum = IntegerField(
        "Minimum", validators=[InputRequired("Enter the minimum (0 if none)."), HEADS_RANGE]
    )
    ideal = IntegerField(
        "Ideal", validators=[InputRequired("Enter the ideal head count."), HEADS_RANGE]
    )
    submit = SubmitField("Save date cover")

    def __init__(self, *args, shift_types: list[ShiftType] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        shift_types = in_use(shift_types)  # an archived shift type takes no new lines
        self.shift_types = {st.id: st for st in shift_types}
        self.shift_type_id.choices = options(
            ((st.id, st.name) for st in shift_types),
            blank="Choose the shift",
        )

    def validate_ideal(self, field) -> None:
        """The ideal is not below the minimum."""
        if (
            field.data is not None
            and self.minimum.data is not None
            and field.data < (self.minimum.data)
        ):
            raise ValidationError(f"The ideal cannot be below the minimum ({self.minimum.data}).")

    def validate_on_date(self, field) -> None:
        """The chosen shift runs on that date's weekday."""
        shift = self.shift_types.get(self.shift_type_id.data)
        if field.data is not None and shift is not None and not shift.runs_on(field.data.weekday()):
            raise ValidationError(
                f"The {shift.name} shift does not run on {DAY_NAMES[field.data.weekday()]}s."
            )


# ----- duties and ratio rules -----------------------------------------------------------


class DutyForm(_ScopedForm):
    """Work beyond station cover: how long, on which days and shifts, by whom, how often."""

    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired("Enter the duty's name."), Length(max=120)],
    )
    kind = SelectField("Kind", choices=options(labelled(DutyKind)))
    minutes = IntegerField(
        "Minutes each time",
        validators=[
            InputRequired("Enter how many minutes it takes."),
            NumberRange(min=1, max=1440, message="Enter 1 to 1440 minutes."),
        ],
    )
    weekdays = MultiCheckboxField(
        "On these days", choices=WEEKDAY_CHOICES, description="Tick none for any day."
    )
    shift_type_ids = MultiCheckboxField(
        "During these shifts", coerce=choice_id, description="Tick none for any shift."
    )
    competency_id = SelectField("Competency needed", coerce=choice_id_or_none)
    min_level = SelectField(
        "At least at level",
        choices=options(labelled(SkillLevel)),
        default=SkillLevel.INDEPENDENT.value,
        description="Used only when a competency is chosen.",
    )
    per_week = IntegerField(
        "Times per week",
        validators=[
            InputRequired("Enter how many times a week."),
            NumberRange(min=0, max=50, message="Enter 0 to 50."),
        ],
    )
    per_day = IntegerField(
        "Most times on one day",
        description="Leave blank for no cap (1 for a daily batch).",
        validators=[Optional(), NumberRange(min=1, max=20, message="Enter 1 to 20.")],
    )
    weight = IntegerField(
        "Priority (cost of each missed time)",
        description="Higher is more important; cover shortfalls cost about 1000.",
        validators=[
            InputRequired("Enter a priority."),
            NumberRange(min=1, max=10000, message="Enter 1 to 10000."),
        ],
    )
    people_ids = MultiCheckboxField(
        "Only these people",
        coerce=choice_id,
        description="Tick none to let anyone qualified do it.",
    )
    required = BooleanField(
        "Required: ranks with station cover",
        description="For a duty the law or the pharmacy's policy requires (e.g. a controlled-"
        "drug count): each time it is not rostered counts as a gap in cover (level 1). Other "
        "duties are weighed with the site's priorities.",
    )
    submit = SubmitField("Save duty")

    def validate_name(self, field) -> None:
        """Duty names are unique within a site, archived duties included."""
        self._unique_on_site(Duty, "name", field.data, "duty", "duties")

    def validate_per_day(self, field) -> None:
        """The daily cap on the days allowed leaves room for the weekly count."""
        if field.data is None or self.per_week.data is None:
            return
        days = len(self.weekdays.data or []) or 7
        if field.data * days < self.per_week.data:
            raise ValidationError(
                f"At most {field.data} a day on {days} day{'s' if days != 1 else ''} allows only "
                f"{field.data * days} a week, fewer than the {self.per_week.data} asked for."
            )


class RatioRuleForm(_ScopedForm):
    """A pharmacist-to-technician ratio law with where it comes from and since when."""

    jurisdiction = StringField(
        "Jurisdiction",
        filters=[strip],
        description="E.g. Florida, or California.",
        validators=[DataRequired("Enter the state or jurisdiction."), Length(max=80)],
    )
    setting = StringField(
        "Setting",
        filters=[strip],
        description="E.g. hospital, community, any.",
        validators=[DataRequired("Enter the setting it applies to."), Length(max=40)],
    )
    techs_per_pharmacist = IntegerField(
        "Technicians per pharmacist",
        validators=[
            InputRequired("Enter the technicians allowed per pharmacist."),
            NumberRange(min=0, max=20, message="Enter 0 to 20."),
        ],
    )
    offset = IntegerField(
        "Offset",
        default=0,
        description="Added to the limit: California's 'techs <= 2 x pharmacists - 1' is 2 and -1.",
        validators=[
            InputRequired("Enter 0 for none."),
            NumberRange(min=-10, max=10, message="Enter -10 to 10."),
        ],
    )
    certified_extra = IntegerField(
        "Extra technicians per pharmacist when certified",
        default=0,
        validators=[
            InputRequired("Enter 0 for none."),
            NumberRange(min=0, max=10, message="Enter 0 to 10."),
        ],
    )
    trainees_count = BooleanField("Trainees count toward the ratio", default=True)
    formula = TextAreaField("Formula in words", filters=[strip], validators=[Length(max=500)])
    source = StringField(
        "Source",
        filters=[strip],
        description="The law or board page, so the next person can check it.",
        validators=[DataRequired("Enter where this rule comes from."), Length(max=300)],
    )
    effective_date = DateField("In force from", validators=[Optional()])
    submit = SubmitField("Save ratio rule")

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then that no rule set has the same jurisdiction, setting and date."""
        ok = super().validate(extra_validators)
        if ok and ratio_rule_taken(
            self.jurisdiction.data, self.setting.data, self.effective_date.data, self.row_id
        ):
            self.effective_date.errors.append(
                "A rule set for this jurisdiction and setting from this date already exists."
            )
            ok = False
        return ok
