"""How each value is written in the site file and read back, checked against its column.

Enums by value, dates ISO, times HH:MM, timestamps ISO in UTC with a Z. A score
breakdown names rows by the solver's ids ('st11'); the file writes them as tokens
that name the row by natural key ({"station": "Fill"}), and a token for a row the
importing database lacks is kept as an inert marker that matches nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from datetime import UTC, date, datetime, time
from enum import Enum
from typing import Any

import sqlalchemy as sa

from ... import dates
from ...models import Competency, Duty, ShiftType, Site, Staff, Station
from ..solver_terms import PREFIX

INT_RANGE = (-(2**31), 2**31 - 1)  # the whole numbers every supported database stores

SOLVER_ID = re.compile(
    "(" + "|".join(sorted(PREFIX.values(), key=len, reverse=True)) + r")(\d+)"
)  # a solver id such as "st11": the prefix of a kind of row, then its database id
TOKEN_PART = re.compile(r"[^:>]+")  # a part of a score-breakdown key, between ':' and '>'
PLACEHOLDER = re.compile(r"\{(\d+)\}")  # '{0}', '{1}': where a key's tokens go back in
KIND_BY_PREFIX = {prefix: kind for kind, prefix in PREFIX.items()}
# A token's kind -> the table it names a row of, and that table's model.
TOKEN_TARGET = {
    "site": ("sites", Site),
    "staff": ("staff", Staff),
    "station": ("stations", Station),
    "shift": ("shift_types", ShiftType),
    "duty": ("duties", Duty),
    "competency": ("competencies", Competency),
}


def iso_utc(moment: datetime) -> str:
    """A timestamp as ISO 8601 in UTC with a Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def write_value(value: Any) -> Any:
    """A column value as JSON: enums by value, dates ISO, times HH:MM, timestamps UTC."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return (
            value.strftime("%H:%M")
            if not (value.second or value.microsecond)
            else (value.isoformat())
        )
    return value


class ValueRefused(ValueError):
    """A value that does not fit its column; the message completes 'field: ...'."""


def read_value(column: sa.Column, raw: Any) -> Any:
    """A JSON value read for a column, checked against the column's type."""
    if raw is None:
        if column.nullable:
            return None
        raise ValueRefused("may not be empty")
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):
        kind = kind.impl if isinstance(kind.impl, sa.types.TypeEngine) else kind.impl()
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        try:
            return kind.enum_class(raw)
        except ValueError:
            allowed = ", ".join(m.value for m in kind.enum_class)
            raise ValueRefused(f"{raw!r} is not one of {allowed}") from None
    if isinstance(kind, sa.Boolean):
        if not isinstance(raw, bool):
            raise ValueRefused(f"should be true or false, not {raw!r}")
        return raw
    if isinstance(kind, sa.Integer):
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ValueRefused(f"should be a whole number, not {raw!r}")
        if not INT_RANGE[0] <= raw <= INT_RANGE[1]:
            raise ValueRefused(f"{raw} is out of range")
        return raw
    if isinstance(kind, sa.Float):
        if not isinstance(raw, int | float) or isinstance(raw, bool) or not math.isfinite(raw):
            raise ValueRefused(f"should be a number, not {raw!r}")
        return float(raw)
    if isinstance(kind, sa.DateTime):
        return _supported(raw, _parse(raw, _timestamp, "a timestamp such as 2026-03-02T09:00:00Z"))
    if isinstance(kind, sa.Date):
        return _supported(raw, _parse(raw, date.fromisoformat, "a date such as 2026-03-02"))
    if isinstance(kind, sa.Time):
        return _parse(raw, _clock, "a time such as 07:30")
    if isinstance(kind, sa.JSON):
        return raw
    if not isinstance(raw, str):
        raise ValueRefused(f"should be text, not {raw!r}")
    return raw


def _parse(raw: Any, parser: Any, wanted: str) -> Any:
    """Parse a text value, or explain what was wanted."""
    if not isinstance(raw, str):
        raise ValueRefused(f"should be {wanted}, not {raw!r}")
    try:
        return parser(raw)
    except (ValueError, OverflowError):  # overflow: a zone moving year 9999 past the last day
        raise ValueRefused(f"{raw!r} is not {wanted}") from None


def _supported(raw: str, value: date) -> date:
    """A parsed date or timestamp, refused outside the dates the app works with."""
    if not dates.in_range(value):
        raise ValueRefused(
            f"{raw!r} is outside the dates the app works with. {dates.RANGE_MESSAGE}"
        )
    return value


def _timestamp(text: str) -> datetime:
    """An ISO timestamp with a time zone, as UTC."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("no time zone")
    return moment.astimezone(UTC)


def _clock(text: str) -> time:
    """A time of day written HH:MM (or HH:MM:SS), without a zone."""
    if len(text) < 5 or text[2] != ":":
        raise ValueError("not HH:MM")
    moment = time.fromisoformat(text)
    if moment.tzinfo is not None:
        raise ValueError("has a zone")
    return moment


def inert_token(token: dict) -> str:
    """A score-breakdown token for a row this database does not have: kept, never matching."""
    text = json.dumps(token, sort_keys=True, separators=(",", ":"))
    return "?" + base64.urlsafe_b64encode(text.encode()).decode()


def token_of_inert(text: str) -> dict | None:
    """The token an inert marker stands for, or None when the text is no such marker."""
    if not text.startswith("?"):
        return None
    try:
        token = json.loads(base64.urlsafe_b64decode(text[1:].encode()))
    except (binascii.Error, ValueError):
        return None
    return token if isinstance(token, dict) else None
