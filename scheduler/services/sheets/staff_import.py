"""A staff import planned row by row (new person, update, unchanged), then applied at once.

Nothing is written while planning. ``apply_import`` writes every row of a plan without
problems in one transaction, so a confirmed import lands whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import null

from ...clock import site_today
from ...extensions import db
from ...filters import at_site, day
from ...models import Competency, Site, Staff, StaffCompetency
from .staff_file import (
    STAFF_COLUMNS,
    Layout,
    ParsedRow,
    Problem,
    SkillCell,
    competencies,
    hours_value,
    read_layout,
    read_row,
    site_names,
)
from .tables import read_table

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
ACTION_LABELS = {
    NEW: "New person",
    UPDATE: "Update",
    UNCHANGED: "Unchanged",
    ERROR: "Not imported",
}
DEFAULTS = {c.attr: c.default for c in STAFF_COLUMNS if c.default is not None}


@dataclass
class RowPlan:
    """What importing one row will do, in words, and the values it will write."""

    number: int
    name: str
    action: str
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    staff_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    skills: dict[int, SkillCell] = field(default_factory=dict)  # only the ones that change

    @property
    def label(self) -> str:
        """The action in words, e.g. 'New person'."""
        return ACTION_LABELS[self.action]


@dataclass
class ImportPlan:
    """An uploaded staff file read against the database: every row's plan and every problem."""

    filename: str
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # about the file or its headings

    @property
    def all_problems(self) -> list[Problem]:
        """The file's problems, then each row's, in row order."""
        return self.problems + [p for row in self.rows for p in row.problems]

    @property
    def can_apply(self) -> bool:
        """Whether the import may be confirmed: no problem anywhere, and something to do."""
        return not self.all_problems and any(r.action in (NEW, UPDATE) for r in self.rows)

    def count(self, action: str) -> int:
        """How many rows will have this action."""
        return sum(1 for r in self.rows if r.action == action)

    @property
    def fingerprint(self) -> str:
        """A digest of what the import would do, to tell whether it changed since a preview."""
        summary = [
            [
                r.number,
                r.action,
                r.staff_id,
                r.changes,
                sorted((k, str(v)) for k, v in r.values.items()),
                sorted((k, str(c.level), str(c.valid_until)) for k, c in r.skills.items()),
            ]
            for r in self.rows
        ]
        summary.append([str(p) for p in self.all_problems])
        return hashlib.sha256(json.dumps(summary).encode()).hexdigest()


# ----- planning ---------------------------------------------------------------------------


def plan_import(data: bytes, filename: str) -> ImportPlan:
    """Read an uploaded staff file and say what each row would do (SheetError if unreadable)."""
    table = read_table(data, filename, prefer_sheet="Staff")
    header, body = table[0], table[1:]
    layout = read_layout(header, body)
    plan = ImportPlan(filename, problems=list(layout.problems))
    if layout.problems:
        return plan
    sites = site_names()
    context = _Context(
        layout,
        _people_by_name(),
        {c.id: c for c in competencies()},
        {s.id: s for s in sites.values()},
    )
    for offset, cells in enumerate(body):
        if any(cell.strip() for cell in cells):
            parsed = read_row(layout, offset + 2, cells, sites)
            plan.rows.append(context.plan(parsed))
    if not plan.rows:
        plan.problems.append(Problem(2, None, "the file has a heading row but nobody under it."))
    return plan


def _people_by_name() -> dict[str, list[Staff]]:
    """Everyone on record, by name in lower case (names are how the file finds people)."""
    out: dict[str, list[Staff]] = {}
    for person in db.session.scalars(db.select(Staff).order_by(Staff.id)):
        out.setdefault(" ".join(person.name.split()).casefold(), []).append(person)
    return out


@dataclass
class _Context:
    """What planning a row needs to know: the columns, people on record and rows seen so far."""

    layout: Layout
    people: dict[str, list[Staff]]
    comps: dict[int, Competency]
    sites: dict[int, Site]
    seen: dict[str, int] = field(default_factory=dict)  # name -> first row it appeared in

    def column(self, attr: str) -> str | None:
        """The file's column holding a Staff attribute, as the spreadsheet names it."""
        index = next((i for i, c in self.layout.staff.items() if c.attr == attr), None)
        return None if index is None else self.layout.name(index)

    def plan(self, parsed: ParsedRow) -> RowPlan:
        """What one row will do: add a person, update one, change nothing, or fail."""
        row = RowPlan(parsed.number, parsed.name, ERROR, problems=list(parsed.problems))
        key = parsed.name.casefold()
        person = None
        if key in self.seen:
            row.problems.append(
                Problem(
                    row.number,
                    self.column("name"),
                    f"{parsed.name} is already in row {self.seen[key]}; each person may appear "
                    "only once.",
                )
            )
        elif key:
            self.seen[key] = row.number
            matches = self.people.get(key, [])
            if len(matches) > 1:
                row.problems.append(
                    Problem(
                        row.number,
                        self.column("name"),
                        f"{len(matches)} people called {parsed.name} are on record; give them "
                        "different names in the app before importing.",
                    )
                )
            elif matches:
                person = matches[0]
        current = _current_values(person) if person is not None else dict(DEFAULTS)
        values = current | parsed.values
        row.problems += self._order_problems(parsed, values)
        row.problems += self._until_problems(parsed, person, values)
        if row.problems:
            return row
        row.values = values
        if person is None:
            row.action = NEW
            row.skills = {cid: c for cid, c in parsed.skills.items() if c.level is not None}
            row.changes = [self._words_new(values)] + [
                f"{self.comps[cid].code}: {_skill_words(c.level, c.valid_until)}"
                for cid, c in sorted(row.skills.items(), key=lambda kv: self.comps[kv[0]].code)
            ]
            return row
        row.staff_id = person.id
        row.changes = [
            f"{c.header}: {self._words(c.attr, current[c.attr])} \u2192 "
            f"{self._words(c.attr, values[c.attr])}"
            for c in STAFF_COLUMNS
            if c.attr in parsed.values and current[c.attr] != values[c.attr]
        ]
        row.skills, skill_changes = self._skill_changes(person, parsed.skills)
        row.changes += skill_changes
        row.action = UPDATE if row.changes else UNCHANGED
        return row

    def _order_problems(self, parsed: ParsedRow, values: dict[str, Any]) -> list[Problem]:
        """Pairs that must be in order: the least hours and days in a row below the most."""
        out = []
        pairs = (
            ("min_minutes_per_week", "max_minutes_per_week", "hours a week"),
            ("min_consecutive_days", "max_consecutive_days", "working days in a row"),
        )
        for low, high, what in pairs:
            bad = {p.column for p in parsed.problems}
            if self.column(low) in bad or self.column(high) in bad:
                continue
            least, most = values.get(low), values.get(high)
            if least is not None and most is not None and most < least:
                if "minutes" in low:
                    least, most = hours_value(least), hours_value(most)
                out.append(
                    Problem(
                        parsed.number,
                        self.column(high) or self.column(low),
                        f"the most {what} ({most}) is fewer than the least ({least}).",
                    )
                )
        return out

    def _until_problems(
        self, parsed: ParsedRow, person: Staff | None, values: dict[str, Any]
    ) -> list[Problem]:
        """A "valid until" the file gives may not come before the level's sign-off date.

        The sign-off date is the trainer's, for a level kept as it is on record; else
        the import records the level, today at the person's home site. A person new to
        the database (a first load, or an export restored into an empty database) is
        taken as the file's record of history: the file has no sign-off column.
        """
        if person is None:
            return []
        held = {s.competency_id: s for s in person.skills}
        site = self.sites.get(values.get("home_site_id"))
        out = []
        for i, comp in self.layout.untils.items():
            cell = parsed.skills.get(comp.id)
            if cell is None or cell.level is None or cell.valid_until is None:
                continue
            old = held.get(comp.id)
            if old is not None and (old.level, old.valid_until) == (cell.level, cell.valid_until):
                continue  # as on record: nothing is written
            if old is not None and old.level == cell.level and old.signed_off_at is not None:
                signed = at_site(old.signed_off_at, old.staff.home_site).date()
                when = f"it was signed off on {day(signed)}"
            elif site is not None:  # without a home site the row has a problem already
                signed = site_today(site)
                when = f"the import records the level today, {day(signed)} ({site.timezone})"
            else:
                continue
            if cell.valid_until < signed:
                out.append(
                    Problem(
                        parsed.number,
                        self.layout.name(i),
                        f"valid until {day(cell.valid_until)} is before the sign-off date: "
                        f"{when}. Enter that day or a later one.",
                    )
                )
        return out

    def _skill_changes(
        self, person: Staff, cells: dict[int, SkillCell]
    ) -> tuple[dict[int, SkillCell], list[str]]:
        """The competency levels of a person on record that the row changes, and in words."""
        held = {s.competency_id: s for s in person.skills}
        changed: dict[int, SkillCell] = {}
        words = []
        for cid, cell in sorted(cells.items(), key=lambda kv: self.comps[kv[0]].code):
            old = held.get(cid)
            code = self.comps[cid].code
            until = cell.valid_until if cell.until_given else (old.valid_until if old else None)
            if cell.level is None:
                if old is not None:
                    changed[cid] = SkillCell(None, None, True)
                    words.append(f"{code}: removes {_skill_words(old.level, old.valid_until)}")
                continue
            if old is None:
                words.append(f"{code}: adds {_skill_words(cell.level, until)}")
            elif (old.level, old.valid_until) != (cell.level, until):
                words.append(
                    f"{code}: {_skill_words(old.level, old.valid_until)} \u2192 "
                    f"{_skill_words(cell.level, until)}"
                )
            else:
                continue
            changed[cid] = SkillCell(cell.level, until, True)
        return changed, words

    def _words(self, attr: str, value) -> str:
        """A Staff value as the preview shows it."""
        if value is None:
            return "no limit"
        if attr == "home_site_id":
            return self.sites[value].name
        if attr == "role":
            return value.value
        if isinstance(value, bool):
            return "yes" if value else "no"
        if attr.endswith("minutes_per_week") or attr == "min_rest_minutes":
            return f"{hours_value(value)} h"
        return str(value)

    def _words_new(self, values: dict[str, Any]) -> str:
        """A new person in a few words, e.g. 'technician at Riverside Hospital, 32-40 h a week'."""
        most = values["max_minutes_per_week"]
        hours = f"{hours_value(values['min_minutes_per_week'])}"
        hours += f"\u2013{hours_value(most)} h a week" if most is not None else "+ h a week"
        archived = "" if values["active"] else " (archived: Active is no)"
        return (
            f"{values['role'].value} at {self.sites[values['home_site_id']].name}, "
            f"{hours}{archived}"
        )


def _current_values(person: Staff) -> dict[str, Any]:
    """A person's record as the file's columns hold it."""
    return {c.attr: getattr(person, c.attr) for c in STAFF_COLUMNS}


def _skill_words(level, until) -> str:
    """A level and its last valid day, e.g. 'independent, valid until Mon 1 Mar 2027'."""
    return f"{level.value}, valid until {day(until)}" if until else f"{level.value}, no end date"


# ----- applying ---------------------------------------------------------------------------


def apply_import(plan: ImportPlan) -> dict[str, int]:
    """Write a plan without problems in one transaction and say how many rows did what."""
    if not plan.can_apply:
        raise ValueError("Only an import without problems can be applied.")
    try:
        for row in plan.rows:
            if row.action == NEW:
                # null(): a blank "no limit" must be stored as NULL, not the column's default
                person = Staff(**{k: null() if v is None else v for k, v in row.values.items()})
                db.session.add(person)
            elif row.action == UPDATE:
                person = db.session.get(Staff, row.staff_id)
                for attr, value in row.values.items():
                    setattr(person, attr, value)
            else:
                continue
            _apply_skills(person, row.skills)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return {action: plan.count(action) for action in (NEW, UPDATE, UNCHANGED)}


def _apply_skills(person: Staff, cells: dict[int, SkillCell]) -> None:
    """Add, change or remove a person's competency levels (a changed level loses its sign-off)."""
    held = {s.competency_id: s for s in person.skills}
    for cid, cell in cells.items():
        old = held.get(cid)
        if cell.level is None:
            if old is not None:
                person.skills.remove(old)
            continue
        if old is None:
            person.skills.append(
                StaffCompetency(competency_id=cid, level=cell.level, valid_until=cell.valid_until)
            )
            continue
        if old.level != cell.level:
            old.signed_off_by_id = None
            old.signed_off_at = None
        old.level, old.valid_until = cell.level, cell.valid_until
