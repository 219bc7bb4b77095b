"""The base of every form: each value is checked before any other rule reads it.

Whatever a browser (or anyone else) posts, every form of the app first checks that
the values are ones the database can keep and the pages can show:

* no control characters: PostgreSQL refuses NUL in text, spreadsheets drop the
  others, and nobody types them; line breaks and tabs are allowed only where the
  field has several lines;
* numbers are ordinary numbers (not NaN or infinity) and whole numbers fit the
  database's integer column;
* a date falls in the app's supported range, 2000 to 2100 (:mod:`scheduler.dates`),
  and a date picker offers only those days (its ``min`` and ``max``);
* a text field that was not sent at all reads as empty text, as a browser sends it,
  so no view meets None where it expects text.

The check comes first in each field's chain and stops it, so rules that look the
value up in the database never see such a value. Hidden fields are left to their
views: nobody types them, they hold ids and numbers the views parse strictly (a
tampered one is refused there), and a message beside a hidden field could not be seen.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeField,
    DecimalField,
    Field,
    FloatField,
    HiddenField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.validators import StopValidation

from .. import dates
from ..database import INTEGER_MAX, INTEGER_MIN, database_int

ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
SEVERAL_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ONE_LINE_MESSAGE = (
    "Use plain text on one line: line breaks, tabs and other control characters are not allowed."
)
SEVERAL_LINES_MESSAGE = "Remove the control characters; line breaks and tabs are fine."


def choice_id(value) -> int:
    """A chosen row's id: a whole number the database can hold, else ValueError.

    A select field's ``coerce``: a value that is no such number is refused as an invalid choice.
    """
    return database_int(value)


def choice_id_or_none(value) -> int | None:
    """A chosen row's id, as :func:`choice_id`, with '' (the blank choice) as None."""
    if value in (None, "", "None"):
        return None
    return choice_id(value)


def refuse_unstorable_values(_form, field: Field) -> None:
    """Stop a field whose posted text holds control characters or whose number is not usable."""
    if isinstance(field, HiddenField):
        return
    several_lines = isinstance(field, TextAreaField)
    pattern = SEVERAL_LINES if several_lines else ONE_LINE
    for raw in field.raw_data or ():
        if isinstance(raw, str) and pattern.search(raw):
            field.errors[:] = []
            raise StopValidation(SEVERAL_LINES_MESSAGE if several_lines else ONE_LINE_MESSAGE)
    data = field.data
    if isinstance(field, DecimalField | FloatField) and data is not None:
        finite = data.is_finite() if isinstance(data, Decimal) else abs(data) != float("inf")
        if not finite or data != data:
            _refuse(field, "Enter a number, such as 8 or 7.5.")
    if (
        isinstance(field, IntegerField)
        and data is not None
        and not (INTEGER_MIN <= data <= INTEGER_MAX)
    ):
        _refuse(field, "That number is out of range.")
    if isinstance(field, DateTimeField) and isinstance(data, date) and not dates.in_range(data):
        _refuse(field, dates.RANGE_MESSAGE)


def _refuse(field: Field, message: str) -> None:
    """Stop a field's checks with one message; its value reads as none, as an unreadable one.

    Rules of the whole form that compare fields (the least hours against the most)
    then skip it, as they skip a number that could not be read at all.
    """
    field.errors[:] = []
    field.data = None
    raise StopValidation(message)


class AppForm(FlaskForm):
    """A Flask-WTF form whose every field is checked by :func:`refuse_unstorable_values` first.

    Its date fields' pickers offer the supported range (a form may narrow it further).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self:
            field.validators = [refuse_unstorable_values, *field.validators]
            if isinstance(field, DateField):
                field.render_kw = {**dates.input_limits(), **(field.render_kw or {})}

    def process(self, *args, **kwargs) -> None:
        """Fill the fields, then read text that was not sent as empty text."""
        super().process(*args, **kwargs)
        for field in self:
            if isinstance(field, StringField) and field.data is None:
                field.data = ""
