"""The audit log's filters: site, person, action and a date range (a GET form)."""

from __future__ import annotations

from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from .base import AppForm


class AuditFilterForm(AppForm):
    """Which events the audit page lists; every field may be left at 'any'."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    site = SelectField("Site", default="")
    person = SelectField("Who", default="")
    action = SelectField("Action", default="")
    start = DateField(
        "From (UTC date)", validators=[Optional()], description="Events on or after this day."
    )
    end = DateField(
        "To (UTC date)", validators=[Optional()], description="Events on or before this day."
    )

    def validate_end(self, field) -> None:
        """The range must not end before it starts."""
        if field.data is not None and self.start.data is not None and field.data < self.start.data:
            raise ValidationError("The end date is before the start date.")
