"""Tables written to CSV and Excel and read back: the one module that knows the file formats.

CSV is written as UTF-8 with a byte-order mark and CRLF line ends, which Excel opens
with accents and dashes intact (without the mark it guesses a local code page); any
other spreadsheet ignores the mark. CSV is read as UTF-8 with or without the mark.

Spreadsheets run text that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, so
such text gets a leading apostrophe in CSV (and import takes it off again); in Excel
files text cells are stored as text, marked so Excel keeps them text when edited.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_ROWS = 5000  # data rows read from one upload
WIDTH_RANGE = (6, 40)  # Excel column widths, in characters

Value = str | int | float | date | tuple[str, ...] | None


class SheetError(Exception):
    """A file that cannot be read as a table at all; the message says why, in plain words."""


@dataclass
class Sheet:
    """One table: a heading row and data rows, with how Excel should show it."""

    title: str
    header: list[str]
    rows: list[list[Value]] = field(default_factory=list)
    frozen: str = "B2"  # the first cell that scrolls: headings (and first columns) stay put
    choices: dict[int, tuple[str, ...]] = field(default_factory=dict)  # column -> drop-down


# ----- formula injection ------------------------------------------------------------


def _needs_mark(text: str) -> bool:
    """Whether text would run as a formula (or is an apostrophe before such text)."""
    if text.startswith(FORMULA_STARTS):
        return True
    return text.startswith("'") and _needs_mark(text[1:])


def neutralise(text: str) -> str:
    """Text safe to open in a spreadsheet: an apostrophe before anything read as a formula."""
    return "'" + text if _needs_mark(text) else text


def restore(text: str) -> str:
    """Text as it was before ``neutralise`` (an apostrophe it added is taken off)."""
    return text[1:] if text.startswith("'") and _needs_mark(text[1:]) else text


# ----- writing ------------------------------------------------------------------------


def _text(value: Value, joiner: str = "; ") -> str:
    """A value as CSV text: dates as YYYY-MM-DD, whole numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return joiner.join(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return _number(value)
    return str(value)


def _number(value: float) -> str:
    """A number as short text: 40.0 -> '40', 37.5 -> '37.5'."""
    return str(int(value)) if value.is_integer() else str(round(value, 6))


def to_csv(sheet: Sheet) -> bytes:
    """A sheet as CSV bytes: UTF-8 with a byte-order mark, headings first, formulas defused."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in sheet.header])
    for row in sheet.rows:
        writer.writerow(
            [neutralise(_text(v)) if isinstance(v, str | tuple) else _text(v) for v in row]
        )
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(sheets: list[Sheet], title: str = "") -> bytes:
    """Sheets as an Excel workbook: bold headings, frozen panes, fitted widths, drop-downs."""
    book = Workbook()
    book.remove(book.active)
    book.properties.title = title or None
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        widths = [0] * len(sheet.header)
        for r, row in enumerate([sheet.header, *sheet.rows], start=1):
            for c, value in enumerate(row, start=1):
                cell = _put(ws.cell(row=r, column=c), value)
                if r == 1:
                    cell.font = Font(bold=True)
                    cell.alignment = Alignment(vertical="top", wrap_text=True)
                lines = _text(value, "\n").split("\n")
                widths[c - 1] = max(widths[c - 1], *(len(line) for line in lines))
        for c, width in enumerate(widths, start=1):
            low, high = WIDTH_RANGE
            ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, low), high)
        ws.freeze_panes = sheet.frozen
        _add_choices(ws, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _put(cell, value: Value):
    """Write one value into an Excel cell: text stays text, dates show as YYYY-MM-DD."""
    if isinstance(value, tuple):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", "\n".join(value))
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    elif isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XML cannot hold
    else:
        cell.value = value
    if isinstance(value, str | tuple):
        cell.data_type = "s"  # text, never a formula
        cell.quotePrefix = _needs_mark(cell.value)
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _add_choices(ws, sheet: Sheet) -> None:
    """Drop-down lists on the columns that take one of a few words (a blank is allowed)."""
    last = max(len(sheet.rows) + 1, 500)
    for column, words in sheet.choices.items():
        check = DataValidation(
            type="list",
            formula1=f'"{",".join(words)}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Not one of the choices",
            error=f"Use one of: {', '.join(words)}.",
        )
        letter = get_column_letter(column + 1)
        check.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(check)


# ----- reading ------------------------------------------------------------------------


def read_table(data: bytes, filename: str, prefer_sheet: str = "") -> list[list[str]]:
    """An uploaded CSV or Excel file's rows as text, headings first (SheetError if unreadable)."""
    if not data.strip():
        raise SheetError("The file is empty.")
    excel = filename.lower().endswith(".xlsx")
    rows = _read_xlsx(data, prefer_sheet) if excel else _read_csv(data)
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise SheetError("The file is empty.")
    if len(rows) - 1 > MAX_ROWS:
        raise SheetError(
            f"The file has {len(rows) - 1} rows; at most {MAX_ROWS} can be "
            "imported at once. Split it into smaller files."
        )
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    """CSV rows, decoded as UTF-8 (a byte-order mark is allowed), commas or semicolons."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SheetError(
            f"The file is not UTF-8 text (an unreadable byte at position {error.start}). "
            "In Excel choose Save As \u2192 \u201cCSV UTF-8 (Comma delimited)\u201d, "
            "or upload the Excel workbook (.xlsx) instead."
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first:
        delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SheetError(f"The file is not a readable CSV table ({error}).") from None
    return [[restore(cell) for cell in row] for row in rows]


def _read_xlsx(data: bytes, prefer_sheet: str) -> list[list[str]]:
    """The rows of a workbook's sheet named ``prefer_sheet`` (else its first sheet) as text."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error on a damaged or foreign file
        raise SheetError(
            "The file could not be read as an Excel workbook (.xlsx). Save it from Excel as "
            "\u201cExcel Workbook\u201d, or as \u201cCSV UTF-8\u201d and upload that."
        ) from None
    try:
        ws = book[prefer_sheet] if prefer_sheet in book.sheetnames else book.worksheets[0]
        rows = []
        for values in ws.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
    finally:
        book.close()
    return rows


def _cell_text(value) -> str:
    """An Excel cell's value as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return _number(value)
    return str(value)
