"""The staff file: one row per person with their contract, and two columns per competency.

The export writes it and the import reads it, so a supervisor can download it, edit it
in a spreadsheet and upload it again. One row per person, like the skills matrix, is
the layout a supervisor edits most easily: each person's whole record is on one line,
and each cell holds one plain value (a word from a short list, a number or a date)
that can be checked on its own. The columns:

``Name``, ``Role`` (pharmacist, technician, trainee), ``Certified`` (yes/no),
``Home site`` (a site's name), ``Active`` (yes/no), the contract (hours as numbers,
e.g. 37.5; a blank maximum means no limit), then for each competency ``<code> level``
(observe, supervised, independent, trainer; blank = not held) and
``<code> valid until`` (YYYY-MM-DD, the last day the level counts; blank = no end date).

Name, Role and Home site must be there; any other column may be left out, and a
person's value for a missing column stays as it is. People are matched by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils import get_column_letter

from ... import dates
from ...extensions import db
from ...models import Competency, Site, SkillLevel, Staff, StaffRole
from ..staff import ROLE_ORDER
from .tables import Sheet

LEVEL_SUFFIX = " level"
UNTIL_SUFFIX = " valid until"
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
NAME_LENGTH = 120
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # a database or spreadsheet drops them


@dataclass(frozen=True)
class Column:
    """One column of the staff file about the person and their contract."""

    header: str
    attr: str  # the Staff attribute it holds
    kind: str  # text | role | yes_no | site | hours | count
    default: Any = None  # a new person's value when the file leaves the column out
    low: int = 0
    high: int = 0
    blank_is_none: bool = False  # a blank cell means "no limit" (else the default, or a problem)


STAFF_COLUMNS = (
    Column("Name", "name", "text"),
    Column("Role", "role", "role"),
    Column("Certified", "certified", "yes_no", default=False),
    Column("Home site", "home_site_id", "site"),
    Column("Active", "active", "yes_no", default=True),
    Column("Min hours a week", "min_minutes_per_week", "hours", 0, 0, 168),
    Column("Max hours a week", "max_minutes_per_week", "hours", 2400, 0, 168, True),
    Column("Max days in a row", "max_consecutive_days", "count", 5, 1, 14, True),
    Column("Min days in a row", "min_consecutive_days", "count", 1, 1, 7),
    Column("Min days off in a row", "min_consecutive_days_off", "count", 1, 1, 7),
    Column("Max weekends in 4 weeks", "max_weekends_per_4_weeks", "count", 2, 0, 4, True),
    Column("Rest hours between shifts", "min_rest_minutes", "hours", 600, 0, 48),
    Column("Max trainees at once", "max_trainees", "count", 1, 0, 5),
)
REQUIRED = ("Name", "Role", "Home site")
BY_HEADER = {c.header.casefold(): c for c in STAFF_COLUMNS}
ROLE_WORDS = {r.value: r for r in StaffRole} | {role.label.casefold(): role for role in StaffRole}
LEVEL_WORDS = {lv.value: lv for lv in SkillLevel} | {lv.label.casefold(): lv for lv in SkillLevel}


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file: where (row, and column when known) and what."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


# ----- export --------------------------------------------------------------------------


def competencies(archived: bool = False) -> list[Competency]:
    """Every competency in use, by code: the file's competency columns, in order (with
    ``archived``, the archived ones instead)."""
    state = Competency.archived_at.is_not(None) if archived else Competency.archived_at.is_(None)
    return list(db.session.scalars(db.select(Competency).where(state).order_by(Competency.code)))


def hours_value(minutes: int | None) -> int | float | None:
    """Minutes as hours to two places, which turn back into the same whole minutes."""
    if minutes is None:
        return None
    if minutes % 60 == 0:
        return minutes // 60
    return float(round(Decimal(minutes) / 60, 2))


def _export_value(person: Staff, column: Column):
    """A person's value for one column, as the file writes it."""
    value = getattr(person, column.attr)
    if column.kind == "role":
        return value.value
    if column.kind == "site":
        return person.home_site.name
    if column.kind == "yes_no":
        return "yes" if value else "no"
    if column.kind == "hours":
        return hours_value(value)
    return value


def staff_sheet(people: list[Staff]) -> Sheet:
    """The staff file for these people: contract columns, then level and valid until per skill."""
    comps = competencies()
    header = [c.header for c in STAFF_COLUMNS]
    for comp in comps:
        header += [comp.code + LEVEL_SUFFIX, comp.code + UNTIL_SUFFIX]
    yes_no = ("yes", "no")
    choices = {i: yes_no for i, c in enumerate(STAFF_COLUMNS) if c.kind == "yes_no"}
    choices[1] = tuple(r.value for r in ROLE_ORDER)
    levels = tuple(lv.value for lv in SkillLevel)
    for i in range(len(comps)):
        choices[len(STAFF_COLUMNS) + 2 * i] = levels
    sheet = Sheet("Staff", header, frozen="B2", choices=choices)
    for person in people:
        held = {s.competency_id: s for s in person.skills}
        row = [_export_value(person, c) for c in STAFF_COLUMNS]
        for comp in comps:
            skill = held.get(comp.id)
            row += [skill.level.value, skill.valid_until] if skill else [None, None]
        sheet.rows.append(row)
    return sheet


def legend_sheet() -> Sheet:
    """The competencies behind the column codes, for the Excel file's second sheet."""
    sheet = Sheet("Competencies", ["Code", "Competency", "Requalify every (days)"])
    sheet.rows = [[c.code, c.name, c.requalify_days] for c in competencies()]
    return sheet


# ----- reading the headings -------------------------------------------------------------


def column_name(index: int, header: str) -> str:
    """A column as a spreadsheet shows it, e.g. 'C (Role)'."""
    letter = get_column_letter(index + 1)
    return f"{letter} ({header})" if header else letter


def _clean(text: str) -> str:
    """Text with its spaces trimmed and runs of spaces made one."""
    return " ".join(text.split())


@dataclass
class Layout:
    """What each column of an uploaded file holds, and what is wrong with the headings."""

    headers: list[str]
    staff: dict[int, Column] = field(default_factory=dict)
    levels: dict[int, Competency] = field(default_factory=dict)
    untils: dict[int, Competency] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def name(self, index: int) -> str:
        """The column at ``index`` as a spreadsheet shows it."""
        return column_name(index, self.headers[index])


def read_layout(header: list[str], rows: list[list[str]]) -> Layout:
    """Match the heading row to the staff file's columns, naming unknown or missing ones."""
    width = max([len(header), *(len(r) for r in rows)])
    layout = Layout([_clean(h) for h in header] + [""] * (width - len(header)))
    comps = competencies()
    by_word = {c.code.casefold(): c for c in comps} | {c.name.casefold(): c for c in comps}
    gone = competencies(archived=True)
    archived = {c.code.casefold(): c for c in gone} | {c.name.casefold(): c for c in gone}
    seen: dict[str, int] = {}
    for i, text in enumerate(layout.headers):
        key = text.casefold()
        if not key:
            if any(i < len(r) and r[i].strip() for r in rows):
                layout.problems.append(Problem(1, layout.name(i), "has data but no heading."))
            continue
        if key in seen:
            layout.problems.append(
                Problem(
                    1, layout.name(i), f"repeats column {layout.name(seen[key])}; keep one of them."
                )
            )
            continue
        seen[key] = i
        if key in BY_HEADER:
            layout.staff[i] = BY_HEADER[key]
            continue
        match = re.fullmatch(r"(.+?) (level|valid until)", text, flags=re.IGNORECASE)
        if match is None:
            layout.problems.append(Problem(1, layout.name(i), _unknown_heading(text)))
            continue
        word, what = match.groups()
        comp = by_word.get(word.casefold())
        if comp is None and word.casefold() in archived:
            layout.problems.append(
                Problem(
                    1,
                    layout.name(i),
                    f"the competency \u201c{archived[word.casefold()].name}\u201d is archived. "
                    "Restore it under Skills first, or delete its columns.",
                )
            )
            continue
        if comp is None:
            layout.problems.append(
                Problem(
                    1,
                    layout.name(i),
                    f"no competency has the code or name \u201c{word}\u201d. "
                    "Add it under Skills first, or correct the heading.",
                )
            )
            continue
        (layout.levels if what.casefold() == "level" else layout.untils)[i] = comp
    present = {c.header for c in layout.staff.values()}
    for header_text in REQUIRED:
        if header_text not in present:
            layout.problems.append(
                Problem(
                    1,
                    None,
                    f"the column \u201c{header_text}\u201d is "
                    "missing; it must be in the heading row.",
                )
            )
    with_level = set(layout.levels.values())
    for i, comp in layout.untils.items():
        if comp not in with_level:
            layout.problems.append(
                Problem(
                    1,
                    layout.name(i),
                    f"needs the column \u201c{comp.code}{LEVEL_SUFFIX}\u201d beside it.",
                )
            )
    duplicates = _same_competency_twice(layout)
    layout.problems.extend(duplicates)
    return layout


def _same_competency_twice(layout: Layout) -> list[Problem]:
    """Headings that name one competency twice (by its code and by its name)."""
    out = []
    for columns in (layout.levels, layout.untils):
        first: dict[int, int] = {}
        for i, comp in columns.items():
            if comp.id in first:
                out.append(
                    Problem(
                        1,
                        layout.name(i),
                        f"is about {comp.name} again, like column {layout.name(first[comp.id])}.",
                    )
                )
            else:
                first[comp.id] = i
    return out


def _unknown_heading(text: str) -> str:
    """The problem with a heading the file format does not have."""
    known = ", ".join(c.header for c in STAFF_COLUMNS)
    return (
        f"\u201c{text}\u201d is not a column of the staff file. The columns are {known}, "
        "then \u201c<code> level\u201d and \u201c<code> valid until\u201d for each "
        "competency (download an export to start from)."
    )


# ----- reading one row ------------------------------------------------------------------


@dataclass
class SkillCell:
    """A person's level and last valid day in one competency as the file gives them."""

    level: SkillLevel | None
    valid_until: date | None
    until_given: bool  # False when the file has no valid-until column for the competency


@dataclass
class ParsedRow:
    """One person's row turned into Staff values, with the problems found in it."""

    number: int
    name: str
    values: dict[str, Any] = field(default_factory=dict)
    skills: dict[int, SkillCell] = field(default_factory=dict)  # competency id -> cell
    problems: list[Problem] = field(default_factory=list)


class _Bad(ValueError):
    """A cell that cannot be read; the message says what to write instead."""


def read_row(layout: Layout, number: int, cells: list[str], sites: dict[str, Site]) -> ParsedRow:
    """A data row as Staff values and competency levels, with a problem for each bad cell."""
    cells = [c.strip() for c in cells] + [""] * (len(layout.headers) - len(cells))
    name_index = next((i for i, c in layout.staff.items() if c.attr == "name"), None)
    row = ParsedRow(number, _clean(cells[name_index]) if name_index is not None else "")
    for i, column in layout.staff.items():
        try:
            row.values[column.attr] = _read_value(column, cells[i], sites)
        except _Bad as bad:
            row.problems.append(Problem(number, layout.name(i), str(bad)))
    for i, comp in layout.levels.items():
        try:
            level = _read_level(cells[i])
        except _Bad as bad:
            row.problems.append(Problem(number, layout.name(i), str(bad)))
            continue
        row.skills[comp.id] = SkillCell(level, None, False)
    for i, comp in layout.untils.items():
        try:
            until = _read_date(cells[i])
        except _Bad as bad:
            row.problems.append(Problem(number, layout.name(i), str(bad)))
            row.skills.pop(comp.id, None)
            continue
        cell = row.skills.get(comp.id)
        if cell is None:
            continue
        if until is not None and cell.level is None:
            row.problems.append(
                Problem(
                    number,
                    layout.name(i),
                    "has a date but the level is blank; enter the level or clear the date.",
                )
            )
        cell.valid_until, cell.until_given = until, True
    return row


def _read_value(column: Column, text: str, sites: dict[str, Site]):
    """One contract or personal cell as the Staff attribute's value."""
    if not text:
        if column.kind == "yes_no":
            return column.default
        if column.blank_is_none:
            return None
        raise _Bad(f"is blank; {_expected(column)}")
    if column.kind == "text":
        text = _clean(text)
        if len(text) > NAME_LENGTH:
            raise _Bad(f"is longer than {NAME_LENGTH} characters.")
        if CONTROL_CHARACTERS.search(text):
            raise _Bad("has a control character in it (such as NUL); type the name again.")
        return text
    if column.kind == "role":
        role = ROLE_WORDS.get(text.casefold())
        if role is None:
            raise _Bad(f"\u201c{text}\u201d is not a role; {_expected(column)}")
        return role
    if column.kind == "yes_no":
        if text.casefold() in YES:
            return True
        if text.casefold() in NO:
            return False
        raise _Bad(f"\u201c{text}\u201d is not yes or no.")
    if column.kind == "site":
        site = sites.get(_clean(text).casefold())
        if site is None:
            raise _Bad(f"there is no site called \u201c{text}\u201d; {_expected(column, sites)}")
        return site.id
    number = _read_number(text, column)
    if column.kind == "hours":
        return round(number * 60)
    return int(number)


def _read_number(text: str, column: Column) -> Decimal:
    """A number within the column's range (whole for counts; a decimal comma is fine)."""
    try:
        number = Decimal(text.replace(",", ".") if "." not in text else text)
    except InvalidOperation:
        number = None
    whole = column.kind == "count"
    if number is None or not number.is_finite() or (whole and number != number.to_integral()):
        raise _Bad(
            f"\u201c{text}\u201d is not {'a whole number' if whole else 'a number'}; "
            f"{_expected(column)}"
        )
    if not column.low <= number <= column.high:
        raise _Bad(f"{text} is out of range; {_expected(column)}")
    return number


def _expected(column: Column, sites: dict[str, Site] | None = None) -> str:
    """What to write in a column, in words."""
    if column.kind == "role":
        return "use pharmacist, technician or trainee."
    if column.kind == "site":
        names = ", ".join(sorted(s.name for s in (sites or {}).values()))
        return f"use one of: {names}." if names else "add the site under Set-up first."
    if column.kind == "text":
        return "enter the person's name."
    unit = "a number of hours" if column.kind == "hours" else "a whole number"
    blank = " (or leave it blank for no limit)" if column.blank_is_none else ""
    return f"enter {unit} from {column.low} to {column.high}{blank}."


def _read_level(text: str) -> SkillLevel | None:
    """A competency level from its word (blank: not held)."""
    if not text:
        return None
    level = LEVEL_WORDS.get(text.casefold())
    if level is None:
        raise _Bad(
            f"\u201c{text}\u201d is not a level; use observe, supervised, independent "
            "or trainer (or leave it blank when the competency is not held)."
        )
    return level


def _read_date(text: str) -> date | None:
    """A last valid day written YYYY-MM-DD (or like '1 Mar 2027'); blank for no end date."""
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d %b %Y", "%d %B %Y"):
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if not dates.in_range(day):
            raise _Bad(
                f"\u201c{text}\u201d is outside the dates the app works with. {dates.RANGE_MESSAGE}"
            )
        return day
    raise _Bad(
        f"\u201c{text}\u201d is not a date; write it as YYYY-MM-DD, e.g. 2027-03-01, or leave "
        "it blank for no end date. (Excel rewrites dates when it saves a CSV file: format the "
        "column as yyyy-mm-dd, or upload the Excel workbook instead.)"
    )


def site_names() -> dict[str, Site]:
    """Every site by its name in lower case, as the Home site column is matched."""
    return {_clean(s.name).casefold(): s for s in db.session.scalars(db.select(Site))}
