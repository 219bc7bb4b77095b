"""Hostile staff files at the import: never a 500, always a reason, nothing saved but a clean file.

Two kinds of upload are thrown at ``/sheets/staff/import``:

* staff files in the import's own format (CSV with commas or semicolons, with or without
  a byte-order mark, or Excel), most cells sensible and some hostile: control
  characters, markup, numbers out of range, impossible dates, unknown roles and sites;
* files that are not staff files at all: random bytes, empty, one huge line, another
  text encoding, a zip that is not a workbook, the wrong extension, too large.

For every upload: no 500; a refused file leaves a message beside the file field; a
preview saves nothing; confirming saves either every row (each reading back as the
file said, with no control character stored) or nothing at all, with the reason.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from werkzeug.datastructures import FileStorage

from scheduler.extensions import db
from scheduler.models import SkillLevel, Staff, StaffCompetency, StaffRole

from .fuzzing import (
    HOSTILE,
    Browser,
    FuzzWorld,
    Outcome,
    assert_safe_page,
    build_world,
    forms_posting_to,
    plain_text,
    run_examples,
    shows_a_message,
)

IMPORT = "/sheets/staff/import"
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
REQUIRED = ("Name", "Role", "Home site")
OPTIONAL = (
    "Certified",
    "Active",
    "Min hours a week",
    "Max hours a week",
    "CF level",
    "CF valid until",
)
YES = {"yes", "y", "true", "1"}


@pytest.fixture
def world(app, tiny_site, tmp_path) -> FuzzWorld:
    """The seeded pharmacy; uploads wait in the test's own folder."""
    app.config["SHEETS_IMPORT_FOLDER"] = str(tmp_path / "imports")
    return build_world(tiny_site)


@pytest.fixture
def browser(app, client, world) -> Browser:
    """The supervisor, signed in."""
    return Browser(app, client, world.users["supervisor"])


# ----- staff files --------------------------------------------------------------------------


@dataclass
class StaffFile:
    """A staff file as a table of text, and how it is written out."""

    header: list[str]
    rows: list[list[str]]
    form: str  # csv, csv-semicolon, csv-bom, xlsx

    @property
    def filename(self) -> str:
        """The name it is uploaded under."""
        return "staff.xlsx" if self.form == "xlsx" else "staff.csv"

    def data(self) -> bytes:
        """The file's bytes."""
        if self.form == "xlsx":
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = "Staff"
            for row in [self.header, *self.rows]:  # a spreadsheet cannot hold control characters
                sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
            out = io.BytesIO()
            book.save(out)
            return out.getvalue()
        separator = ";" if self.form == "csv-semicolon" else ","
        lines = [
            separator.join('"' + c.replace('"', '""') + '"' for c in row)
            for row in [self.header, *self.rows]
        ]
        text = "\r\n".join(lines) + "\r\n"
        return text.encode("utf-8-sig" if self.form == "csv-bom" else "utf-8")

    def cells(self) -> list[dict[str, str]]:
        """Each data row by heading, as the file means it.

        The export marks CSV text that a spreadsheet would run as a formula with an
        apostrophe, so a CSV cell such as ``'=1+1`` means ``=1+1``.
        """
        out = []
        for row in self.rows:
            if self.form == "xlsx":
                row = [ILLEGAL_CHARACTERS_RE.sub("", c) for c in row]
            else:
                row = [_unmarked(c) for c in row]
            out.append(dict(zip(self.header, row, strict=True)))
        return out


def _unmarked(cell: str) -> str:
    """A CSV cell without the apostrophe the export puts before formula-like text."""
    formula = cell[1:].lstrip("'").startswith(("=", "+", "-", "@", "\t", "\r"))
    return cell[1:] if cell.startswith("'") and formula else cell


def _cell_values(w: FuzzWorld) -> dict[str, st.SearchStrategy[str]]:
    """Sensible values for each column: what a supervisor would type."""
    hours = st.one_of(
        st.integers(0, 60).map(str),
        st.decimals(0, 60, places=2).map(str),
        st.sampled_from(["37,5", "7.25"]),
    )
    return {
        "Name": st.one_of(plain_text(60), st.sampled_from(["Ann", " ann ", "ANN", "Eve Stone"])),
        "Role": st.sampled_from(["pharmacist", "Technician", "TRAINEE", "Trainee technician"]),
        "Home site": st.sampled_from([w.site.name, w.site.name.upper(), w.other_site.name]),
        "Certified": st.sampled_from(["yes", "no", "Y", "false", ""]),
        "Active": st.sampled_from(["yes", "no", "1", ""]),
        "Min hours a week": hours,
        "Max hours a week": st.one_of(st.just(""), hours.map(lambda h: h)),
        "CF level": st.sampled_from(["", "observe", "Supervised", "INDEPENDENT", "trainer"]),
        "CF valid until": st.one_of(
            st.just(""), st.dates(date(2026, 1, 1), date(2030, 12, 31)).map(date.isoformat)
        ),
    }


@st.composite
def staff_files(draw, w: FuzzWorld) -> StaffFile:
    """A staff file: the required columns, some others, a few rows, now and then a bad cell."""
    optional = draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=len(OPTIONAL)))
    header = [*REQUIRED, *optional]
    if draw(st.integers(0, 9)) == 0:  # now and then a heading missing, unknown or repeated
        header[draw(st.integers(0, len(header) - 1))] = draw(
            st.one_of(HOSTILE, st.just("Name"), st.just("XX level"))
        )
    values = _cell_values(w)
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        row = [draw(values.get(h, HOSTILE)) for h in header]
        if draw(st.booleans()):  # one cell spoilt
            row[draw(st.integers(0, len(row) - 1))] = draw(HOSTILE)
        rows.append(row)
    form = draw(st.sampled_from(["csv", "csv-semicolon", "csv-bom", "xlsx"]))
    return StaffFile(header, rows, form)


def _upload(browser: Browser, data: bytes, filename: str) -> Outcome:
    """Post a file to the import page."""
    return browser.post(IMPORT, [("file", FileStorage(io.BytesIO(data), filename))], multipart=True)


def _named(name: str) -> list[Staff]:
    """The people whose name reads as this cell (spaces made one, any case)."""
    key = " ".join(name.split()).casefold()
    return [p for p in db.session.scalars(db.select(Staff)) if p.name.casefold() == key]


def _is_word_for(cell: str, value: str, label: str) -> bool:
    """Whether a cell names a stored choice, by its word or its label, in any case."""
    return cell.strip().casefold() in (value.casefold(), label.casefold())


def _hours(cell: str) -> int:
    """Hours typed (a decimal comma allowed) as stored minutes."""
    text = cell.strip()
    return round(Decimal(text.replace(",", ".") if "." not in text else text) * 60)


def read_back(w: FuzzWorld, staff_file: StaffFile) -> None:
    """Every row of an imported file is on record as the file said, without control characters."""
    for cells in staff_file.cells():
        matches = _named(cells["Name"])
        assert len(matches) == 1, f"{cells['Name']!r}: {len(matches)} people with that name"
        person = matches[0]
        assert person.name == " ".join(cells["Name"].split())
        assert not CONTROL.search(person.name), f"a control character stored: {person.name!r}"
        assert _is_word_for(cells["Role"], person.role.value, StaffRole(person.role).label)
        assert person.home_site.name.casefold() == " ".join(cells["Home site"].split()).casefold()
        for heading, attr in (("Certified", "certified"), ("Active", "active")):
            if cells.get(heading, "").strip():
                assert getattr(person, attr) == (cells[heading].strip().casefold() in YES)
        if cells.get("Min hours a week", "").strip():
            assert person.min_minutes_per_week == _hours(cells["Min hours a week"])
        if "Max hours a week" in cells:
            most = cells["Max hours a week"]
            assert person.max_minutes_per_week == (_hours(most) if most.strip() else None)
        if "CF level" in cells:
            skill = db.session.scalar(
                db.select(StaffCompetency).where(
                    StaffCompetency.staff_id == person.id, StaffCompetency.competency_id == w.cf.id
                )
            )
            level = cells["CF level"]
            if not level.strip():
                assert skill is None
            else:
                assert _is_word_for(level, skill.level.value, SkillLevel(skill.level).label)
                until = cells.get("CF valid until", "").strip()
                if "CF valid until" in cells:
                    assert skill.valid_until == (date.fromisoformat(until) if until else None)


def _confirm(browser: Browser, preview: str, token_url: str) -> Outcome:
    """Press Import on the preview (with whatever that form sends)."""
    form = forms_posting_to(preview, f"{token_url}/confirm", token_url)
    pairs = [(n, c.default[0]) for n, c in form.controls.items() if c.default] if form else []
    return browser.post(f"{token_url}/confirm", pairs)


def test_staff_files_with_hostile_cells(world, browser):
    """Staff files, some cells hostile: refused with a reason, or imported as they say."""
    w = world

    def one(staff_file: StaffFile) -> None:
        """Upload, preview and confirm one file, checking each step."""
        outcome = _upload(browser, staff_file.data(), staff_file.filename)
        try:
            assert_safe_page(outcome)
            assert not outcome.changed, "the upload saved something before the preview"
            if outcome.status != 302:
                assert shows_a_message(outcome), "a refused file without a message beside it"
                return
            token_url = browser.last_location  # the preview, shown after the redirect
            confirmed = _confirm(browser, outcome.landing, token_url)
            assert_safe_page(confirmed)
            if confirmed.status == 302:
                assert "Imported" in confirmed.landing
                read_back(w, staff_file)
            else:
                assert not confirmed.changed, "a refused import saved:\n" + "\n".join(
                    confirmed.changed
                )
                assert "Nothing was saved" in confirmed.html
            browser.reset(confirmed)
        finally:
            browser.reset(outcome)

    run_examples(staff_files(w), one, 25)


SPOILT_CELLS = {  # per column: values that have broken importers before
    "Name": [
        "Eve\x00Stone",
        "Eve\x1bStone",
        "\u00e9" * 10_001,
        '<script>alert("fuzz")</script>',
        "=1+1",
        "'=1+1",
        "",
    ],
    "Role": ["chemist", "PHARMACIST ", "\x00", ""],
    "Home site": ["Nowhere", "Tiny Pharmacy\x00", ""],
    "Certified": ["maybe", "\x00"],
    "Min hours a week": ["sNaN", "NaN", "9" * 20, "-1", "1e309", "1E+999999999", "37,5,5", ""],
    "Max hours a week": ["Infinity", "169", "0x10", "\u0663"],
    "CF level": ["expert", "\x00"],
    "CF valid until": ["2026-02-30", "9999-12-31", "0001-01-01", "31/12/2027", "2027-01-01T00:00"],
}
BASE_ROW = {
    "Name": "Eve Stone",
    "Role": "technician",
    "Home site": "Tiny Pharmacy",
    "Certified": "yes",
    "Min hours a week": "37.5",
    "Max hours a week": "40",
    "CF level": "independent",
    "CF valid until": "2027-01-01",
}


def test_one_spoilt_cell_at_a_time(world, browser):
    """A clean row with one cell spoilt, for every column: refused with its reason, or read back."""
    header = list(BASE_ROW)
    for column, values in SPOILT_CELLS.items():
        for value in values:
            row = [value if h == column else BASE_ROW[h] for h in header]
            for form in ("csv", "xlsx"):
                staff_file = StaffFile(header, [row], form)
                outcome = _upload(browser, staff_file.data(), staff_file.filename)
                where = f"{column}={value[:40]!r} ({form})"
                assert_safe_page(outcome)
                assert outcome.status == 302, where  # a readable table is always previewed
                confirmed = _confirm(browser, outcome.landing, browser.last_location)
                assert_safe_page(confirmed)
                if confirmed.status == 302:
                    read_back(world, staff_file)
                else:
                    assert not confirmed.changed, where
                    assert "Nothing was saved" in confirmed.html, where
                browser.reset(confirmed)


# ----- files that are not staff files ---------------------------------------------------------


def _zip_not_a_workbook() -> bytes:
    """A zip archive holding a text file, named like a workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


def _xlsx_without_sheets_data() -> bytes:
    """A workbook's skeleton without a single sheet."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets/></workbook>")
    return out.getvalue()


MB = 1024 * 1024
NOT_STAFF_FILES = {
    "empty": (b"", "staff.csv"),
    "blank lines": (b"\r\n\r\n  \r\n", "staff.csv"),
    "random bytes as csv": (bytes(range(256)) * 4, "staff.csv"),
    "random bytes as xlsx": (bytes(range(255, -1, -1)) * 4, "staff.xlsx"),
    "a zip that is not a workbook": (_zip_not_a_workbook(), "staff.xlsx"),
    "a broken workbook": (_xlsx_without_sheets_data(), "staff.xlsx"),
    "csv named xlsx": (b"Name,Role,Home site\r\nAnn,technician,Tiny Pharmacy\r\n", "staff.xlsx"),
    "utf-16 text": (
        "Name,Role,Home site\r\nZo\u00eb,technician,x\r\n".encode("utf-16"),
        "staff.csv",
    ),
    "latin-1 text": (
        "Name,Role,Home site\r\nZo\u00eb,technician,x\r\n".encode("latin-1"),
        "staff.csv",
    ),
    "nul bytes": (b"Name,Role,Home site\r\nA\x00nn,technician,Tiny Pharmacy\r\n", "staff.csv"),
    "one huge line": (b"Name," + b"x" * 300_000 + b"\r\n", "staff.csv"),
    "thousands of columns": ((",".join(["Name"] * 5000) + "\r\n").encode(), "staff.csv"),
    "too many rows": (
        b"Name,Role,Home site\r\n" + b"A,technician,Tiny Pharmacy\r\n" * 5001,
        "staff.csv",
    ),
    "over the size limit": (b"Name,Role,Home site\r\n" + b"x" * (2 * MB), "staff.csv"),
    "not csv or xlsx": (b"Name,Role,Home site\r\n", "staff.txt"),
    "no extension": (b"Name,Role,Home site\r\n", "staff"),
    "a path for a name": (b"Name,Role,Home site\r\n", "../../etc/passwd.csv"),
    "markup in the name": (b"Name,Role,Home site\r\n", '<script>alert("fuzz")</script>.csv'),
    "a spreadsheet formula": (
        b'Name,Role,Home site\r\n=HYPERLINK("x"),technician,x\r\n',
        "staff.csv",
    ),
}


@pytest.mark.parametrize("name", sorted(NOT_STAFF_FILES))
def test_files_that_are_not_staff_files_are_refused_with_a_reason(browser, name):
    """Refused beside the file field, or previewed with every problem and no way to import."""
    data, filename = NOT_STAFF_FILES[name]
    outcome = _upload(browser, data, filename)
    assert_safe_page(outcome)
    assert not outcome.changed
    if outcome.status == 302:  # readable as a table: the preview names every problem
        html = outcome.landing
        assert 'id="problems"' in html, "a bad file previewed without its problems"
        assert re.search(r"<button[^>]*disabled", html), "a bad file may be confirmed"
    else:
        assert outcome.status == 400
        assert shows_a_message(outcome), "refused without a message beside the file field"


def test_random_bytes_under_any_name(browser):
    """Any bytes under any name: never a 500, never a saved row."""

    def one(upload: tuple[bytes, str]) -> None:
        """Upload one file."""
        outcome = _upload(browser, *upload)
        try:
            assert_safe_page(outcome)
            assert not outcome.changed
            if outcome.status != 302:
                assert shows_a_message(outcome)
        finally:
            browser.reset(outcome)

    names = st.one_of(
        st.sampled_from(["staff.csv", "staff.xlsx", "STAFF.CSV", "x.csv.xlsx"]),
        HOSTILE.map(lambda n: n + ".csv"),
    )
    run_examples(st.tuples(st.binary(max_size=2000), names), one, 12)


def test_a_missing_or_repeated_file_field(browser):
    """No file, text where the file should be, or two files: a reason, nothing saved."""
    for pairs in ([], [("file", "not a file")], [("submit", "x")]):
        outcome = browser.post(IMPORT, pairs, multipart=True)
        assert_safe_page(outcome)
        assert outcome.status == 400
        assert shows_a_message(outcome)
        assert not outcome.changed
    twice = [
        ("file", FileStorage(io.BytesIO(b"\xff\xfe"), "a.csv")),
        ("file", FileStorage(io.BytesIO(b"Name,Role,Home site\r\n"), "b.csv")),
    ]
    outcome = browser.post(IMPORT, twice, multipart=True)
    assert_safe_page(outcome)
    assert not outcome.changed
