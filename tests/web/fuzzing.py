"""The harness behind the fuzz tests: hostile values, forms read from pages, database snapshots.

A fuzz test loads the page a user would fill in, reads its form the way a browser does
(every input, select, checkbox and hidden value), and posts it back many times with
some fields replaced by hostile values, left out or repeated. After each request it
compares every row of every table with a snapshot taken before, then restores the
snapshot, so each example starts from the same database.

Its own tests are in test_fuzzing.py.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import Flask, g
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.security import generate_password_hash
from werkzeug.test import encode_multipart

from scheduler.clock import site_today
from scheduler.dates import monday_of
from scheduler.extensions import db
from scheduler.filters import day_label
from scheduler.models import (
    AccountRole,
    Certification,
    Competency,
    CoverRequirement,
    Duty,
    DutyKind,
    Leave,
    LeaveKind,
    OfferKind,
    OpeningHours,
    RatioRuleSet,
    Rota,
    RotaAssignment,
    RotaStatus,
    ShiftRequest,
    ShiftType,
    Site,
    SiteGroup,
    SiteKind,
    SkillLevel,
    SolveRun,
    SolveStatus,
    Staff,
    StaffCompetency,
    Station,
    User,
    VolunteerOffer,
)
from scheduler.services.rota_edits import slot_words
from scheduler.services.run_messages import no_rota_message

PASSWORD = "fuzz-password-1"
REDIRECTS = (301, 302, 303, 307, 308)

# ----- hostile values ----------------------------------------------------------------------

XSS_PROBES = ('<script>alert("fuzz")</script>', '"><img src=x onerror=alert(1)>')
NASTY = [
    # empty, blank and control characters
    "",
    " ",
    "\u00a0",
    "\x00",
    "a\x00b",
    "\x00\x00\x00",
    "\t",
    "\r\n",
    "two\nlines",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\uffff",
    "\U0010ffff",
    # writing systems, direction marks, emoji
    "\u202eevil\u202c",
    "\u200f\u200e",
    "\u05e9\u05dc\u05d5\u05dd",
    "\u540d\u524d",
    "Zo\u00eb",
    "\u00df",
    "\u0130",
    "\ufb01",
    "\U0001f600",
    "\U0001f469\U0001f3fd\u200d\u2695\ufe0f\U0001f48a",
    # markup, templates, format strings, SQL, paths
    *XSS_PROBES,
    "{{ 7*7 }}",
    "{% raw %}",
    "%s%s%n",
    "${jndi:ldap://x}",
    "' OR '1'='1",
    "'; DROP TABLE staff; --",
    '"',
    "\\",
    "&amp;",
    "&#0;",
    "%00",
    "../../etc/passwd",
    # words that look like other types
    "NULL",
    "None",
    "null",
    "undefined",
    "true",
    "false",
    "on",
    "y",
    "[]",
    "{}",
    # numbers as text
    "0",
    "-0",
    "-1",
    "1.5",
    "1,5",
    "1e3",
    "1e309",
    "-1e309",
    "inf",
    "-inf",
    "Infinity",
    "NaN",
    "nan",
    "sNaN",
    "-NaN",
    "0x1F",
    "1_000",
    "\uff11\uff12",
    "\u0663",
    "\u00b2",
    "9" * 20,
    "-" + "9" * 20,
    "9" * 5000,
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "1e-999999999",
    "1E+999999999",
    # dates and times that are not
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-3-2",
    "02/03/2026",
    "2026-03-02T07:00",
    "25:61",
    "24:00",
    "23:59:60",
    "7",
    "07:00:00",
    "-01:00",
    "7pm",
]
ANY_CHARACTER = st.characters(exclude_categories=("Cs",))  # surrogates cannot travel in UTF-8
HOSTILE: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(NASTY),
    st.text(ANY_CHARACTER, max_size=30),
    st.builds(
        operator.mul,
        st.sampled_from(["a", "\u00e9", "\U0001f600", "<b>", "\x00", "9", " "]),
        st.integers(10_001, 12_000),
    ),
    st.integers(-(2**70), 2**70).map(str),
    st.floats().map(repr),
)
LINE_CHARACTER = st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp"))
PARAGRAPH_CHARACTER = st.characters(
    exclude_categories=("Cs", "Cc", "Zl", "Zp"), include_characters="\n\r\t"
)
STRAY_NAMES = [
    "id",
    "staff_id",
    "site",
    "role",
    "admin",
    "is_admin",
    "csrf_token",
    "__proto__",
    "next",
    "submit",
    "user_id",
    "approved",
]


def plain_text(max_size: int, several_lines: bool = False) -> st.SearchStrategy[str]:
    """Text a person could type: any script, emoji, markup or quotes, up to and past the limit."""
    alphabet = PARAGRAPH_CHARACTER if several_lines else LINE_CHARACTER
    around = st.sampled_from(["", " ", "  "])
    typed = st.builds(
        lambda before, text, after: before + text + after,
        around,
        st.text(alphabet, min_size=1, max_size=min(max_size, 40)),
        around,
    )
    at_limit = st.builds(
        operator.mul,
        st.sampled_from(["a", "\u00e9", "\U0001f600", "<"]),
        st.sampled_from([max_size, max_size + 1]),
    )
    friendly = st.sampled_from(
        [
            *XSS_PROBES,
            "O'Brien; DROP TABLE staff;--",
            "Zo\u00eb \U0001f469\u200d\u2695\ufe0f",
            "\u202eRTL\u202c text",
            "\u05e9\u05dc\u05d5\u05dd",
            "\u540d\u524d",
            "{{ 7*7 }}",
        ]
    )
    return st.one_of(typed, at_limit, friendly)


# ----- forms read from pages ------------------------------------------------------------------


@dataclass
class Control:
    """One named control of an HTML form, as a browser would send it."""

    name: str
    kind: str  # the input type, or select, textarea
    values: list[str] = field(default_factory=list)  # choices (select, radio, checkbox)
    default: list[str] = field(default_factory=list)  # what the browser sends untouched
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class PageForm:
    """An HTML form: where it posts and its controls by name."""

    action: str
    enctype: str
    controls: dict[str, Control] = field(default_factory=dict)
    submits: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons


class _FormReader(HTMLParser):
    """Collects the forms of a page with their controls, and the page's datalists."""

    def __init__(self) -> None:
        """A reader with no form open yet."""
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.datalists: dict[str, list[str]] = {}
        self._form: PageForm | None = None
        self._select: Control | None = None
        self._textarea: Control | None = None
        self._datalist: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note a form, control, option or datalist as it opens."""
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = PageForm(a.get("action", ""), a.get("enctype", ""))
            self.forms.append(self._form)
        elif tag == "datalist":
            self._datalist = a.get("id", "")
            self.datalists[self._datalist] = []
        elif tag == "option":
            self._option(a)
        elif self._form is not None and "name" in a:
            self._control(tag, a)

    def _option(self, a: dict[str, str]) -> None:
        """An option of the open select, or of the open datalist."""
        if self._select is not None:
            self._select.values.append(a.get("value", ""))
            if "selected" in a:
                self._select.default = [a.get("value", "")]
        elif self._datalist is not None:
            self.datalists[self._datalist].append(a.get("value", ""))

    def _control(self, tag: str, a: dict[str, str]) -> None:
        """An input, select, textarea or named button of the open form."""
        name, kind = a["name"], a.get("type", "text").lower() if tag == "input" else tag
        if tag == "button" or kind == "submit":
            self._form.submits.append((name, a.get("value", "")))
            return
        control = self._form.controls.setdefault(name, Control(name, kind, attrs=a))
        if kind in ("checkbox", "radio"):
            control.values.append(a.get("value", "on"))
            if "checked" in a:
                control.default.append(a.get("value", "on"))
        elif tag == "select":
            self._select = control
        elif tag == "textarea":
            self._textarea = control
            control.default = [""]
        else:
            control.default = [a.get("value", "")]

    def handle_endtag(self, tag: str) -> None:
        """Close the open form, select, textarea or datalist."""
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._select is not None and not self._select.default and self._select.values:
                self._select.default = [self._select.values[0]]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea.default[0]  # a browser drops one line break after the tag
            self._textarea.default = [
                text[2:] if text.startswith("\r\n") else text[1:] if text.startswith("\n") else text
            ]
            self._textarea = None
        elif tag == "datalist":
            self._datalist = None

    def handle_data(self, data: str) -> None:
        """Text inside a textarea is its value."""
        if self._textarea is not None:
            self._textarea.default = [self._textarea.default[0] + data]


def forms_posting_to(html: str, url: str, page: str = "/") -> PageForm | None:
    """The form(s) of a page that post to ``url``, merged into one; None when there is none.

    A form without an action posts to the page's own address, as in a browser.
    """
    reader = _FormReader()
    reader.feed(html)
    path = urlsplit(url).path
    found = [f for f in reader.forms if urlsplit(urljoin(page, f.action)).path == path]
    if not found:
        return None
    merged = PageForm(url, found[0].enctype)
    for form in found:
        for name, control in form.controls.items():
            merged.controls.setdefault(name, control)
        merged.submits += [s for s in form.submits if s not in merged.submits]
    for control in merged.controls.values():
        listed = control.attrs.get("list")
        if listed:
            control.values = reader.datalists.get(listed, [])
    return merged


# ----- submissions --------------------------------------------------------------------------


def _number_text(control: Control) -> st.SearchStrategy[str]:
    """Numbers around the control's min and max, whole unless it takes any step."""
    low = Decimal(control.attrs.get("min") or 0)
    high = Decimal(control.attrs.get("max") or 100)
    whole = st.integers(int(low) - 1, int(high) + 1).map(str)
    if control.attrs.get("step") != "any":
        return whole
    fraction = st.decimals(low - 1, high + 1, places=2, allow_nan=False, allow_infinity=False)
    return st.one_of(whole, fraction.map(str))


def _date_text(control: Control, today: date) -> st.SearchStrategy[str]:
    """Dates from two months back to a year ahead, within the control's min and max if it has them.

    A browser's date picker offers nothing outside them (no future day for hours done).
    """
    low, high = today - timedelta(days=60), today + timedelta(days=400)
    if control.attrs.get("min"):
        low = max(low, date.fromisoformat(control.attrs["min"]))
    if control.attrs.get("max"):
        high = min(high, date.fromisoformat(control.attrs["max"]))
    return st.dates(low, max(low, high)).map(date.isoformat)


def valid_values(control: Control, today: date, names: list[str]) -> st.SearchStrategy[list[str]]:
    """What a person could enter in a control: its choices, or text, numbers or dates."""
    kind, default = control.kind, st.just(control.default)
    if kind in ("checkbox",):
        return st.lists(st.sampled_from(control.values), unique=True) if control.values else default
    if kind in ("radio", "select") and control.values:
        return st.sampled_from(control.values).map(lambda v: [v])
    if kind == "hidden":
        return default
    if kind == "number":
        one = _number_text(control)
    elif kind == "date":
        one = _date_text(control, today)
    elif kind == "time":
        one = st.times().map(lambda t: f"{t:%H:%M}")
    else:
        limit = int(control.attrs.get("maxlength") or 200)
        one = plain_text(limit, several_lines=kind == "textarea")
        if control.values:  # a datalist offers choices, e.g. time zones
            one = st.one_of(st.sampled_from(control.values), one)
        if names:  # a name already on record, in any case: uniqueness must hold
            cases = st.sampled_from([str, str.upper, str.lower, str.swapcase])
            one = st.one_of(one, st.builds(lambda f, n: f(n), cases, st.sampled_from(names)))
    if any(v.strip() for v in control.default):  # what the page shows, e.g. the record edited
        return st.one_of(one.map(lambda v: [v]), default)
    return one.map(lambda v: [v])


@st.composite
def submissions(
    draw, form: PageForm, today: date, names: list[str], extra_names: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """A form as posted: most fields filled in sensibly, a few hostile, missing or repeated."""
    controls = list(form.controls.values())
    attacked: set[str] = set()
    if controls:  # about half the examples fill in every field sensibly
        some = st.sets(st.sampled_from([c.name for c in controls]), min_size=1, max_size=2)
        attacked = draw(st.one_of(st.just(set()), some))
    pairs: list[tuple[str, str]] = []
    for control in controls:
        if control.name not in attacked:
            pairs += [(control.name, v) for v in draw(valid_values(control, today, names))]
            continue
        attack = draw(st.sampled_from(["hostile", "hostile", "missing", "repeated"]))
        if attack == "hostile":
            pairs.append((control.name, draw(HOSTILE)))
        elif attack == "repeated":
            some = st.one_of(
                HOSTILE, valid_values(control, today, names).map(lambda v: v[0] if v else "")
            )
            pairs += [(control.name, v) for v in draw(st.lists(some, min_size=2, max_size=3))]
    if form.submits:
        pairs.append(draw(st.sampled_from(form.submits)))
    strays = [n for n in [*STRAY_NAMES, *extra_names] if n not in form.controls]
    if strays and draw(st.booleans()):
        pairs.append((draw(st.sampled_from(strays)), draw(HOSTILE)))
    return pairs


SWEEP_VALUES = {  # per kind of control: values that have broken forms before
    "number": ["sNaN", "9" * 20, "-1e309"],
    "date": ["2026-02-30", "9999-12-31", "0001-01-01"],
    "time": ["25:61", "24:00"],
    "select": ["9" * 20, "-1"],
    "radio": ["9" * 20],
    "checkbox": ["9" * 20],
    "hidden": ["\u00b2", "9" * 20, "-1"],  # tampered ids: a digit int() refuses, too big, unknown
}


TEXT_KINDS = ("text", "textarea", "email", "search")


def sweep(
    base: list[tuple[str, str]], form: PageForm, names: Iterable[str] = ()
) -> list[list[tuple[str, str]]]:
    """One field at a time spoilt in an otherwise accepted submission, for every field.

    Each field is left out, repeated, given a NUL inside its value, and given the values
    of its kind that break parsers (a signalling NaN, a number too big for the database,
    30 February, year 9999, 25:61, an id not offered, a hidden id tampered with) or, for
    text, a value longer than any limit and each name on record with a capital outside
    ASCII (databases fold the case of É differently from Python, so a "name taken"
    check can miss it). Of fields named alike but for a number (a grid's cells, a week's
    opening times) the first stands for the rest.
    """
    variants = []
    alike: set[tuple[str, str]] = set()
    for name, control in form.controls.items():
        family = (re.sub(r"\d+", "#", name), control.kind)
        if family in alike:
            continue
        alike.add(family)
        rest = [(n, v) for n, v in base if n != name]
        mine = [v for n, v in base if n == name]
        first = mine[0] if mine else ""
        variants.append(rest)  # left out
        variants.append([*base, (name, first or "x")])  # repeated
        values = [first + "\x00", *SWEEP_VALUES.get(control.kind, ["\u00e9" * 10_001])]
        if control.kind in TEXT_KINDS:
            values += [n for n in names if any(c.isupper() and not c.isascii() for c in n)]
        variants += [[*rest, (name, v)] for v in values]
    return variants


class Sent:
    """What a submission sent, read the way WTForms reads each kind of field.

    A field left out of the request keeps the value its page showed (the record being
    edited, or the form's default), as WTForms keeps it; a checkbox left out is unticked.
    """

    def __init__(self, pairs: list[tuple[str, str]], form: PageForm | None = None) -> None:
        """Read ``pairs`` as posted, with the values ``form`` showed for fields left out."""
        self.data = MultiDict(pairs)
        controls = form.controls if form else {}
        self.shown = {n: c.default for n, c in controls.items() if c.kind != "checkbox"}
        self.boxes = {n for n, c in controls.items() if c.kind == "checkbox"}

    def given(self, name: str) -> bool:
        """Whether a field was sent (a checkbox always is: left out, it is unticked).

        Names starting with ``_`` are not fields, and count as given.
        """
        return name.startswith("_") or name in self.data or name in self.boxes

    def values(self, name: str) -> list[str]:
        """Every value sent for a field, in order (or the value shown, when none was sent)."""
        if name not in self.data:
            return list(self.shown.get(name, []))
        return self.data.getlist(name)

    def text(self, name: str) -> str:
        """A text field: its first value, '' when there is none."""
        return next(iter(self.values(name)), "")

    def integer(self, name: str) -> int | None:
        """A whole-number field; None when blank or missing."""
        text = self.text(name)
        return int(text) if text.strip() else None

    def decimal(self, name: str) -> Decimal | None:
        """A decimal field; None when blank or missing."""
        text = self.text(name)
        return Decimal(text) if text.strip() else None

    def day(self, name: str) -> date | None:
        """A date field (its values joined, as WTForms joins them); None when blank.

        Blank is judged on the first value, as WTForms' Optional judges it: a blank first
        value leaves an optional date empty whatever follows.
        """
        values = self.values(name)
        if not values or not values[0].strip():
            return None
        return datetime.strptime(" ".join(values), "%Y-%m-%d").date()

    def clock(self, name: str) -> time | None:
        """A time field; None when blank."""
        text = " ".join(self.values(name))
        return datetime.strptime(text, "%H:%M").time() if text.strip() else None

    def choice_id(self, name: str) -> int | None:
        """A select of ids with a blank choice: None for the blank."""
        text = self.text(name)
        return None if text in ("", "None") else int(text)

    def ids(self, name: str) -> list[int]:
        """A checkbox group of ids, sorted, without repeats."""
        return sorted({int(v) for v in self.values(name)})

    def ticked(self, name: str) -> bool:
        """A single checkbox: ticked when sent with any value but '' or 'false'."""
        values = self.values(name)
        return bool(values) and values[0] not in ("", "false")


def hours_as_minutes(hours: Decimal | None) -> int | None:
    """Hours as the whole minutes the app stores."""
    return None if hours is None else round(hours * 60)


# ----- database snapshots --------------------------------------------------------------------

Snapshot = dict[str, tuple[tuple[str, ...], list[tuple]]]
# tables whose rows the database itself refuses to change or delete (the audit log): a
# refused request must add nothing to them either, but a restore leaves them as they are
APPEND_ONLY = {"audit_events"}


def snapshot() -> Snapshot:
    """Every row of every table, in primary key order, with the column names."""
    out: Snapshot = {}
    connection = db.session.connection()
    for table in db.metadata.sorted_tables:
        names = tuple(c.name for c in table.columns)
        rows = connection.execute(table.select().order_by(*table.primary_key.columns)).all()
        out[table.name] = (names, [tuple(r) for r in rows])
    return out


def differences(before: Snapshot, after: Snapshot, limit: int = 6) -> list[str]:
    """The rows that differ between two snapshots, in words (at most ``limit`` per table)."""
    out = []
    for name, (columns, old_rows) in before.items():
        new_rows = after[name][1]
        if old_rows == new_rows:
            continue
        gone = [r for r in old_rows if r not in new_rows]
        added = [r for r in new_rows if r not in old_rows]
        for label, rows in (("removed or changed", gone), ("added or changed", added)):
            for row in rows[:limit]:
                out.append(f"{name} {label}: {dict(zip(columns, row, strict=True))}")
    return out


def restore(saved: Snapshot) -> None:
    """Put every table back to a snapshot: delete every row, then insert the saved ones.

    Append-only tables keep the rows added since; the caller takes a new snapshot.
    """
    db.session.rollback()
    connection = db.session.connection()
    tables = [t for t in db.metadata.sorted_tables if t.name not in APPEND_ONLY]
    for table in reversed(tables):
        connection.execute(table.delete())
    for table in tables:
        columns, rows = saved[table.name]
        if not rows:
            continue
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
        connection.execute(table.insert(), [{**r, **dict.fromkeys(own)} for r in records])
        for record in records:  # links between rows of one table, once all of them exist
            links = {name: record[name] for name in own if record[name] is not None}
            if links:
                keys = [c == record[c.name] for c in table.primary_key.columns]
                connection.execute(table.update().where(*keys).values(**links))
    db.session.commit()


def rows_added(model, before: Snapshot) -> list:
    """Rows of a model that were not in a snapshot, in id order."""
    columns, rows = before[model.__tablename__]
    known = {row[columns.index("id")] for row in rows}
    found = db.session.scalars(db.select(model).order_by(model.id)).all()
    return [row for row in found if row.id not in known]


def only_row_added(model, before: Snapshot):
    """The one row of a model a request added."""
    added = rows_added(model, before)
    assert len(added) == 1, f"expected one new {model.__name__}, found {len(added)}"
    return added[0]


# ----- the seeded world -----------------------------------------------------------------------


@dataclass
class FuzzWorld:
    """A seeded pharmacy with one row of every kind a form or button acts on."""

    site: Site
    other_site: Site
    group: SiteGroup
    rule: RatioRuleSet
    day: ShiftType
    eve: ShiftType
    fill: Station
    entry: Station
    cf: Competency
    etp: Competency
    duty: Duty
    people: dict[str, Staff]
    skill: StaffCompetency  # Ben's level in ETP, below trainer
    cert: Certification  # Ann's
    pending_leave: Leave  # Ben's, waiting for a decision
    approved_leave: Leave  # Cat's
    own_leave: Leave  # Ann's (the technician's) own pending request
    own_request: ShiftRequest
    own_offer: VolunteerOffer
    published: Rota  # next week as published
    rota: Rota  # next week's draft, copied from the published version
    assignment: RotaAssignment
    republished: Rota  # the week after, published again with Ann's Monday changed
    pin: RotaAssignment  # Dov's pinned shift in a later week's draft, on a day of his leave
    failed_run: SolveRun  # that later week's solve, which found no rota because of the pin
    date_line: CoverRequirement
    run: SolveRun
    users: dict[str, User]
    today: date
    token: str = ""  # a staff file uploaded and waiting for confirmation, when a test made one
    welcome: str = ""  # a one-time link's secret for setting a password, when a test made one

    @property
    def week(self) -> str:
        """The rota's week as it appears in addresses."""
        return self.rota.week_start.isoformat()

    def names(self) -> list[str]:
        """Names and codes on record, which new ones must not repeat."""
        rows = [
            self.site.name,
            self.other_site.name,
            self.group.name,
            self.cf.name,
            self.cf.code,
            self.etp.name,
            self.etp.code,
            self.fill.name,
            self.duty.name,
            self.day.code,
            self.cert.name,
            self.rule.jurisdiction,
            self.people["Ann"].name,
        ]
        return sorted(set(rows))


def _republished(
    monday: date, person: Staff, was: ShiftType, now: ShiftType, station: Station
) -> Rota:
    """A week published, then published again with the person's Monday on another shift.

    Returns the second publication; My week shows the person the change until they
    say they have seen it.
    """
    published_at = datetime.now(UTC) - timedelta(days=2)
    first = Rota(
        site=station.site,
        week_start=monday,
        status=RotaStatus.PUBLISHED,
        version=1,
        published_at=published_at,
    )
    again = Rota(
        site=station.site,
        week_start=monday,
        status=RotaStatus.PUBLISHED,
        version=2,
        published_at=published_at + timedelta(days=1),
        based_on=first,
    )
    for version, shift in ((first, was), (again, now)):
        version.assignments.append(
            RotaAssignment(staff=person, on_date=monday, shift_type=shift, station=station)
        )
    return again


def _stuck_on_a_pin(
    monday: date, person: Staff, shift: ShiftType, station: Station
) -> tuple[RotaAssignment, SolveRun]:
    """A week's draft pinning the person on the Wednesday of their approved leave.

    The week's solve found no rota, naming the pin; the week page offers to drop it.
    Returns the pinned assignment and the failed run.
    """
    wednesday = monday + timedelta(days=2)
    with db.session.no_autoflush:  # the rest of the world is not all in place yet
        person.leave.append(
            Leave(start_date=wednesday, end_date=wednesday, kind=LeaveKind.ANNUAL, approved=True)
        )
        draft = Rota(site=station.site, week_start=monday, status=RotaStatus.DRAFT, version=1)
        pin = RotaAssignment(
            staff=person, on_date=wednesday, shift_type=shift, station=station, pinned=True
        )
        draft.assignments.append(pin)
        reasons = [
            f"Pin: {person.name} on {slot_words(pin)}",
            f"{person.name} is on leave on {day_label(wednesday)}",
        ]
    failed = SolveRun(
        site=station.site,
        week_start=monday,
        kind="complete",
        status=SolveStatus.FAILED,
        time_limit=5.0,
        finished_at=datetime.now(UTC),
        message=no_rota_message(reasons),
    )
    return pin, failed


def build_world(tiny_site: Site) -> FuzzWorld:
    """Tiny Pharmacy with a group, a ratio rule, a duty, leave, wishes, a draft rota and accounts.

    Some names are not in ASCII on purpose: databases fold case differently there.
    """
    site = tiny_site
    today = site_today(site)
    day, eve = sorted(site.shift_types, key=lambda s: s.start)
    fill, entry = site.stations
    people = {p.name: p for p in site.staff}
    cf = fill.competencies[0]
    etp = Competency(name="\u00c9ducation th\u00e9rapeutique", code="ETP", requalify_days=365)
    group = SiteGroup(name="\u00celes network")
    rule = RatioRuleSet(
        jurisdiction="Qu\u00e9bec",
        setting="hospital",
        techs_per_pharmacist=4,
        source="https://example.org/ratio",
    )
    other = Site(
        name="H\u00f4pital Saint-\u00c9loi",
        kind=SiteKind.RETAIL,
        timezone="Europe/Paris",
        open_24_7=False,
        group=group,
    )
    other.opening_hours = [
        OpeningHours(weekday=d, opens=time(8), closes=time(18)) for d in range(5)
    ]
    site.group, site.ratio_rule = group, rule
    duty = Duty(
        site=site,
        name="Inventory count",
        kind=DutyKind.INVENTORY_COUNT,
        minutes=60,
        competency=cf,
        per_week=2,
        shift_types=[day],
        people=[people["Ann"]],
    )
    skill = StaffCompetency(staff=people["Ben"], competency=etp, level=SkillLevel.SUPERVISED)
    cert = Certification(
        staff=people["Ann"],
        name="CPhT",
        number="A-100",
        issued=today - timedelta(days=300),
        expires=today + timedelta(days=400),
    )
    pending_leave = Leave(
        staff=people["Ben"],
        start_date=today + timedelta(days=30),
        end_date=today + timedelta(days=32),
        kind=LeaveKind.ANNUAL,
    )
    approved_leave = Leave(
        staff=people["Cat"],
        start_date=today + timedelta(days=40),
        end_date=today + timedelta(days=41),
        kind=LeaveKind.ANNUAL,
        approved=True,
    )
    own_leave = Leave(
        staff=people["Ann"],
        start_date=today + timedelta(days=50),
        end_date=today + timedelta(days=51),
        kind=LeaveKind.TRAINING,
    )
    monday = monday_of(today) + timedelta(days=7)
    own_request = ShiftRequest(
        staff=people["Ann"], on_date=monday + timedelta(days=2), shift_type=eve, want=False
    )
    own_offer = VolunteerOffer(staff=people["Ann"], week_start=monday, kind=OfferKind.EXTRA_SHIFTS)
    published = Rota(
        site=site,
        week_start=monday,
        status=RotaStatus.PUBLISHED,
        version=1,
        published_at=datetime.now(UTC),
    )
    rota = Rota(
        site=site, week_start=monday, status=RotaStatus.DRAFT, version=2, based_on=published
    )
    for version in (published, rota):
        for d in range(4):  # Monday to Thursday: the weekend is open
            on = monday + timedelta(days=d)
            version.assignments += [
                RotaAssignment(staff=people["Ann"], on_date=on, shift_type=day, station=fill),
                RotaAssignment(staff=people["Ben"], on_date=on, shift_type=eve, station=fill),
                RotaAssignment(staff=people["Pat"], on_date=on, shift_type=day, station=entry),
                RotaAssignment(staff=people["Quin"], on_date=on, shift_type=eve, station=entry),
            ]
    republished = _republished(monday + timedelta(days=7), people["Ann"], day, eve, fill)
    pin, failed_run = _stuck_on_a_pin(monday + timedelta(days=14), people["Dov"], day, fill)
    date_line = CoverRequirement(
        station=fill, shift_type=day, on_date=today + timedelta(days=10), minimum=2, ideal=3
    )
    run = SolveRun(
        site=site,
        week_start=monday,
        status=SolveStatus.DONE,
        time_limit=5.0,
        finished_at=datetime.now(UTC),
    )
    cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    users = {
        role.value: User(
            email=f"{role.value}@example.org",
            name=role.label,
            role=role,
            password_hash=cheap,
            staff=people["Ann"] if role is AccountRole.TECHNICIAN else None,
        )
        for role in AccountRole
    }
    db.session.add_all(
        [
            etp,
            other,
            duty,
            skill,
            cert,
            pending_leave,
            approved_leave,
            own_leave,
            own_request,
            own_offer,
            published,
            rota,
            republished,
            pin.rota,
            failed_run,
            date_line,
            run,
            *users.values(),
        ]
    )
    db.session.commit()
    return FuzzWorld(
        site=site,
        other_site=other,
        group=group,
        rule=rule,
        day=day,
        eve=eve,
        fill=fill,
        entry=entry,
        cf=cf,
        etp=etp,
        duty=duty,
        people=people,
        skill=skill,
        cert=cert,
        pending_leave=pending_leave,
        approved_leave=approved_leave,
        own_leave=own_leave,
        own_request=own_request,
        own_offer=own_offer,
        published=published,
        rota=rota,
        assignment=rota.assignments[0],
        republished=republished,
        pin=pin,
        failed_run=failed_run,
        date_line=date_line,
        run=run,
        users=users,
        today=today,
    )


# ----- running the examples -----------------------------------------------------------------

FIELD_ERROR = re.compile(r'<p class="error" id="[^"]+-error">\s*<span>[^<]')
FLASH = re.compile(r'class="flash flash-(\w+)"')
# a notice above the form that says what happened (not only "correct the fields below")
ALERT = re.compile(r'class="error-summary" role="alert">\s*(?!Please correct)[^<\s]')


def fuzz_settings(max_examples: int) -> settings:
    """Deterministic settings: the same examples on every run, no stored failures, no deadline.

    The examples run inside one test, sharing its app, client and seeded world; each
    example puts the database back itself (:meth:`Browser.reset`), so every one starts
    from the same rows. Drawing long text can be slow on a busy machine, which is not a
    failure, hence ``too_slow`` is not checked.
    """
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=[HealthCheck.too_slow],
    )


def run_examples(strategy: st.SearchStrategy, check: Callable[[Any], None], examples: int) -> None:
    """Run ``check`` on ``examples`` values drawn from ``strategy``, the same ones every run."""

    @fuzz_settings(examples)
    @given(strategy)
    def example(value) -> None:
        """One example."""
        check(value)

    example()


@dataclass
class Outcome:
    """One request's response and what it did to the database."""

    status: int
    html: str
    changed: list[str]
    landing: str = ""  # the page a redirect led to


class Browser:
    """A signed-in test client whose every request starts from the same session and database."""

    def __init__(self, app: Flask, client: FlaskClient, user: User | None) -> None:
        """Sign ``user`` in (none: stay signed out) and take the snapshot to return to."""
        self.app, self.client = app, client
        self.cookie: str | None = None
        self.last_location = ""  # where the last redirect led
        if user is not None:
            page = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
            assert page.status_code == 302, page.get_data(as_text=True)
            g.pop("_login_user", None)
            client.get(page.headers["Location"])  # shows, and so clears, the signed-in message
            self.cookie = client.get_cookie("session").value
        self.baseline = snapshot()

    def _fresh(self) -> None:
        """The signed-in session as it was after signing in, read afresh for the next request."""
        db.session.rollback()
        g.pop("_login_user", None)  # the tests share one app context: sign in from the cookie
        if self.cookie is None:
            self.client.delete_cookie("session")
        else:
            self.client.set_cookie("session", self.cookie)

    def get(self, url: str):
        """A page as this account sees it."""
        self._fresh()
        return self.client.get(url)

    def form(self, page: str, action: str) -> PageForm | None:
        """The form on ``page`` that posts to ``action``, read like a browser reads it."""
        response = self.get(page)
        assert response.status_code == 200, f"{page}: {response.status_code}"
        return forms_posting_to(response.get_data(as_text=True), action, page)

    def post(self, url: str, pairs: list[tuple[str, Any]], multipart: bool = False) -> Outcome:
        """Post a submission, follow a redirect, and note what changed in the database."""
        self._fresh()
        body = MultiDict(pairs)
        if multipart:  # built in memory: the test client would spool a large body to a file
            boundary, encoded = encode_multipart(body)
            response = self.client.post(
                url, data=encoded, content_type=f"multipart/form-data; boundary={boundary}"
            )
        else:
            response = self.client.post(url, data=body)
        html = response.get_data(as_text=True)
        db.session.rollback()
        after = snapshot()
        outcome = Outcome(response.status_code, html, differences(self.baseline, after))
        if response.status_code in REDIRECTS:
            g.pop("_login_user", None)
            location = urlsplit(response.headers["Location"])
            self.last_location = location.path + (f"?{location.query}" if location.query else "")
            landing = self.client.get(self.last_location)
            assert landing.status_code < 500, f"the page after the redirect: {landing.status_code}"
            outcome.landing = landing.get_data(as_text=True)
            db.session.rollback()
        return outcome

    def reset(self, outcome: Outcome) -> None:
        """Put the database back as it was before the request, when the request changed it."""
        if outcome.changed:
            restore(self.baseline)
            self.baseline = snapshot()


def assert_safe_page(outcome: Outcome) -> None:
    """No server error, and no posted markup echoed unescaped into a page."""
    assert outcome.status < 500, outcome.html[:2000]
    for page in (outcome.html, outcome.landing):
        for probe in XSS_PROBES:
            assert probe not in page, f"unescaped {probe!r} in the page"


def shows_a_message(outcome: Outcome) -> bool:
    """Whether the page explains itself: a message beside a field, flashed, or above the form."""
    pages = (outcome.html, outcome.landing)
    return any(FIELD_ERROR.search(p) or FLASH.search(p) or ALERT.search(p) for p in pages)
