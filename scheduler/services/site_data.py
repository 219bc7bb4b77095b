"""A whole site as JSON: export it, check a file, and import it into any database.

The file format is ``pharmacy-scheduler/site``, version 1::

    {"format": "pharmacy-scheduler/site", "version": 1, "exported_at": "2026-03-02T09:00:00Z",
     "site": {...}}                  (or "sites": [{...}, ...] for several sites in one file)

A site section holds the site and its settings (group by name, ratio rule, approval
policy, opening hours), the competencies it uses, its shift types, stations with
their cover, duties, the staff whose home it is (skills, certifications, CE, goals,
leave, requests, offers, sign-offs, calendar link), the accounts of those staff and
of whoever approved, published or signed anything in it, and every rota version with
its assignments and score breakdown.

Rows name each other by natural keys, never by the source database's ids:
competencies by code, shift types by code, stations and duties by name, accounts by
email, rotas by week and version, staff by a key local to the file ("S1", "S2", ...).
A row of another site is named with its site, e.g. ``{"site": "Riverside Hospital",
"name": "IV room"}``. Dates are ISO (2026-03-02), times HH:MM, timestamps ISO in UTC.

Left out on purpose: solve runs (records of past solver jobs, not data anyone edits)
and each rota's optimistic-lock counter. Accounts travel with their password hashes
and calendar links with their token hashes, so a restore lets people sign in and keeps
calendar subscriptions working; treat a file as carefully as the database itself.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import Enum
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import MANYTOONE

from .. import dates
from ..extensions import db
from ..models import (
    CalendarFeed,
    CEEntry,
    Certification,
    Competency,
    CoverRequirement,
    DevelopmentGoal,
    Duty,
    Leave,
    OpeningHours,
    RatioRuleSet,
    Rota,
    RotaAssignment,
    RotaPolicy,
    ShiftRequest,
    ShiftType,
    SignOff,
    Site,
    SiteGroup,
    Staff,
    StaffCompetency,
    Station,
    User,
    VolunteerOffer,
    duty_people,
    duty_shift_types,
    shift_type_forbidden_next,
    station_competencies,
)
from .priorities import FAIRNESS_WEEKS_RANGE, settings_problems
from .solver_terms import PREFIX, IdMap

FORMAT = "pharmacy-scheduler/site"
VERSION = 1
MAX_PROBLEMS_SHOWN = 20
INT_RANGE = (-(2**31), 2**31 - 1)

# Every exported model and the column that ties a row to the row it is listed under.
PARENT_COLUMN: dict[type, str | None] = {
    Site: None,
    RatioRuleSet: None,
    Competency: None,
    RotaPolicy: "site_id",
    OpeningHours: "site_id",
    ShiftType: "site_id",
    Station: "site_id",
    CoverRequirement: "station_id",
    Duty: "site_id",
    Staff: "home_site_id",
    StaffCompetency: "staff_id",
    Certification: "staff_id",
    CEEntry: "staff_id",
    DevelopmentGoal: "staff_id",
    Leave: "staff_id",
    ShiftRequest: "staff_id",
    VolunteerOffer: "staff_id",
    SignOff: "staff_id",
    CalendarFeed: "staff_id",
    User: None,
    Rota: "site_id",
    RotaAssignment: "rota_id",
}
# Link tables written as lists on their owners (station competencies, duty people, ...).
LINK_TABLES = frozenset(
    t.name for t in (station_competencies, shift_type_forbidden_next, duty_shift_types, duty_people)
)
# Group names are written on the site; nothing else of the table belongs to one site.
SHARED_TABLES = frozenset({"site_groups"})
EXCLUDED_TABLES = {
    "solve_runs": "records of past solver jobs (progress, timing), not data anyone edits",
    "audit_events": "the append-only log of the source database, kept by its own row ids; "
    "an import is itself recorded in the log of the database it goes into",
    "account_links": "one-time invitation and reset links: secrets of one server, used once; "
    "a moved account is given a new link there",
}
# The tables a reference may point at, each written by its natural key.
REFERENCE_TARGETS = frozenset(
    {
        "users",
        "staff",
        "stations",
        "shift_types",
        "duties",
        "competencies",
        "rotas",
        "site_groups",
        "ratio_rule_sets",
        "sites",  # an account's home site, by name
    }
)
SPECIAL_COLUMNS = {"rotas": frozenset({"costs"})}  # translated, not copied

_SOLVER_ID = re.compile(
    "(" + "|".join(sorted(PREFIX.values(), key=len, reverse=True)) + r")(\d+)"
)  # a solver id such as "st11": the prefix of a kind of row, then its database id
_TOKEN_PART = re.compile(r"[^:>]+")
_PLACEHOLDER = re.compile(r"\{(\d+)\}")
_KIND_BY_PREFIX = {prefix: kind for kind, prefix in PREFIX.items()}
_TOKEN_TARGET = {
    "site": ("sites", Site),
    "staff": ("staff", Staff),
    "station": ("stations", Station),
    "shift": ("shift_types", ShiftType),
    "duty": ("duties", Duty),
    "competency": ("competencies", Competency),
}
_NAME_FIELD = {"stations": "name", "duties": "name", "shift_types": "code"}


class SiteDataError(Exception):
    """A file that cannot be imported or a site that cannot be exported, with every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        lines = [f"  - {p}" for p in shown]
        if len(problems) > len(shown):
            lines.append(f"  ... and {len(problems) - len(shown)} more.")
        super().__init__("\n".join(lines))


@dataclass
class ImportReport:
    """What an import wrote: the sites, the ones it replaced, and what it noticed on the way."""

    sites: list[Site]
    replaced: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)


# ----- what the models hold --------------------------------------------------------


@cache
def plain_columns(model: type) -> tuple[tuple[str, sa.Column], ...]:
    """The (attribute, column) pairs of a model copied as values: no ids, links or lock counter."""
    mapper = sa.inspect(model)
    skip = set(SPECIAL_COLUMNS.get(model.__tablename__, ()))
    out = []
    for column in model.__table__.columns:
        if column.primary_key or column.foreign_keys or column.name in skip:
            continue
        if mapper.version_id_col is not None and column is mapper.version_id_col:
            continue
        out.append((mapper.get_property_by_column(column).key, column))
    return tuple(out)


@cache
def reference_columns(model: type) -> tuple[tuple[str, str | None, str, sa.Column], ...]:
    """The (field, relationship, target table, column) of each link a model's rows carry.

    The link to the row a record is listed under (its parent) is left out; the
    field is the column's name without ``_id``.
    """
    parent = PARENT_COLUMN.get(model)
    mapper = sa.inspect(model)
    out = []
    for column in model.__table__.columns:
        if not column.foreign_keys or column.name == parent:
            continue
        target = next(iter(column.foreign_keys)).column.table.name
        relation = next(
            (
                rel.key
                for rel in mapper.relationships
                if rel.direction is MANYTOONE
                and rel.secondary is None
                and set(rel.local_columns) == {column}
            ),
            None,
        )
        out.append((column.name.removesuffix("_id"), relation, target, column))
    return tuple(out)


def _parent_relationship(model: type) -> str:
    """The relationship that sets a row's parent (e.g. a skill's ``staff``)."""
    parent = PARENT_COLUMN[model]
    column = model.__table__.columns[parent]
    for rel in sa.inspect(model).relationships:
        if rel.direction is MANYTOONE and set(rel.local_columns) == {column}:
            return rel.key
    raise LookupError(f"{model.__name__}.{parent} has no relationship")


def coverage_problems() -> list[str]:
    """What an export would miss of the current models; empty when every table is handled."""
    known = {m.__tablename__ for m in PARENT_COLUMN} | LINK_TABLES | SHARED_TABLES
    known |= set(EXCLUDED_TABLES)
    problems = [
        f"table {name} is neither exported nor excluded"
        for name in sorted(db.metadata.tables)
        if name not in known
    ]
    for model in PARENT_COLUMN:
        for name, relation, target, column in reference_columns(model):
            if target not in REFERENCE_TARGETS:
                problems.append(f"{model.__tablename__}.{column.name} points at {target}")
            if relation is None:
                problems.append(f"{model.__tablename__}.{column.name} has no relationship")
            if name in dict(plain_columns(model)):
                problems.append(f"{model.__tablename__}.{name} is both a value and a link")
    return problems


# ----- values --------------------------------------------------------------------------


def _iso_utc(moment: datetime) -> str:
    """A timestamp as ISO 8601 in UTC with a Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _dump(value: Any) -> Any:
    """A column value as JSON: enums by value, dates ISO, times HH:MM, timestamps UTC."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return _iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return (
            value.strftime("%H:%M")
            if not (value.second or value.microsecond)
            else (value.isoformat())
        )
    return value


class _Bad(ValueError):
    """A value that does not fit its column; the message completes 'field: ...'."""


def _load(column: sa.Column, raw: Any) -> Any:
    """A JSON value read for a column, checked against the column's type."""
    if raw is None:
        if column.nullable:
            return None
        raise _Bad("may not be empty")
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):
        kind = kind.impl if isinstance(kind.impl, sa.types.TypeEngine) else kind.impl()
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        try:
            return kind.enum_class(raw)
        except ValueError:
            allowed = ", ".join(m.value for m in kind.enum_class)
            raise _Bad(f"{raw!r} is not one of {allowed}") from None
    if isinstance(kind, sa.Boolean):
        if not isinstance(raw, bool):
            raise _Bad(f"should be true or false, not {raw!r}")
        return raw
    if isinstance(kind, sa.Integer):
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise _Bad(f"should be a whole number, not {raw!r}")
        if not INT_RANGE[0] <= raw <= INT_RANGE[1]:
            raise _Bad(f"{raw} is out of range")
        return raw
    if isinstance(kind, sa.Float):
        if not isinstance(raw, int | float) or isinstance(raw, bool) or not math.isfinite(raw):
            raise _Bad(f"should be a number, not {raw!r}")
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
        raise _Bad(f"should be text, not {raw!r}")
    return raw


def _parse(raw: Any, parser: Any, wanted: str) -> Any:
    """Parse a text value, or explain what was wanted."""
    if not isinstance(raw, str):
        raise _Bad(f"should be {wanted}, not {raw!r}")
    try:
        return parser(raw)
    except (ValueError, OverflowError):  # overflow: a zone moving year 9999 past the last day
        raise _Bad(f"{raw!r} is not {wanted}") from None


def _supported(raw: str, value: date) -> date:
    """A parsed date or timestamp, refused outside the dates the app works with."""
    if not dates.in_range(value):
        raise _Bad(f"{raw!r} is outside the dates the app works with. {dates.RANGE_MESSAGE}")
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


def _by_id(rows: Iterable[Any]) -> list[Any]:
    """Rows in the order they were made."""
    return sorted(rows, key=lambda row: row.id)


def _sort_key(ref: Any) -> str:
    """A stable order for references that may be text or objects."""
    return json.dumps(ref, sort_keys=True)


def _inert(token: dict) -> str:
    """A score-breakdown token for a row this database does not have: kept, never matching."""
    text = json.dumps(token, sort_keys=True, separators=(",", ":"))
    return "?" + base64.urlsafe_b64encode(text.encode()).decode()


def _from_inert(text: str) -> dict | None:
    """The token an inert marker stands for, or None when the text is no such marker."""
    if not text.startswith("?"):
        return None
    try:
        token = json.loads(base64.urlsafe_b64decode(text[1:].encode()))
    except (binascii.Error, ValueError):
        return None
    return token if isinstance(token, dict) else None


def _now() -> str:
    """This moment, as the file writes timestamps."""
    return _iso_utc(datetime.now(UTC))


def _envelope(body: dict[str, Any]) -> dict[str, Any]:
    """The file around one or more site sections."""
    return {"format": FORMAT, "version": VERSION, "exported_at": _now(), **body}


def summary(section: dict[str, Any]) -> str:
    """One line about a site section: its name and how much it holds."""
    rotas = section.get("rotas") or []
    assignments = sum(len(r.get("assignments") or []) for r in rotas if isinstance(r, dict))
    parts = [
        f"{len(section.get('staff') or [])} staff",
        f"{len(section.get('stations') or [])} stations",
        f"{len(section.get('shift_types') or [])} shift types",
        f"{len(section.get('duties') or [])} duties",
        f"{len(rotas)} rota version(s) ({assignments} assignments)",
        f"{len(section.get('accounts') or [])} accounts",
    ]
    return f"{section.get('name')}: {', '.join(parts)}"


# ----- export ----------------------------------------------------------------------------


def export_site(site: Site) -> dict[str, Any]:
    """One site and everything that belongs to it, as JSON-ready data."""
    return _envelope({"site": _Exporter([site]).site(site)})


def export_sites(sites: Iterable[Site]) -> dict[str, Any]:
    """Several sites in one file, so references between them (a shared group) travel along."""
    chosen = list(sites)
    exporter = _Exporter(chosen)
    return _envelope({"sites": [exporter.site(site) for site in chosen]})


class _Exporter:
    """Writes site sections; staff keys are numbered across the whole file."""

    def __init__(self, sites: list[Site]) -> None:
        self.staff_keys: dict[int, str] = {}
        for site in sites:
            for person in _by_id(site.staff):
                self.staff_keys[person.id] = f"S{len(self.staff_keys) + 1}"
        self.users: set[int] = set()
        self.competencies: set[int] = set()

    def site(self, site: Site) -> dict[str, Any]:
        """A site section."""
        self.users, self.competencies = set(), set()
        out = self.row(site, site)
        policy = db.session.scalar(db.select(RotaPolicy).where(RotaPolicy.site_id == site.id))
        out["rota_policy"] = None if policy is None else self.row(policy, site)
        out["opening_hours"] = [self.row(h, site) for h in _by_id(site.opening_hours)]
        out["competencies"] = []  # filled last, with every competency the section names
        out["shift_types"] = [
            {
                **self.row(st, site),
                "forbidden_next": self.refs("shift_types", st.forbidden_next, site),
            }
            for st in _by_id(site.shift_types)
        ]
        out["stations"] = [
            {
                **self.row(st, site),
                "competencies": self.refs("competencies", st.competencies, site),
                "cover": [self.row(line, site) for line in _by_id(st.cover)],
            }
            for st in _by_id(site.stations)
        ]
        out["duties"] = [
            {
                **self.row(duty, site),
                "shift_types": self.refs("shift_types", duty.shift_types, site),
                "people": self.refs("staff", duty.people, site),
            }
            for duty in _by_id(site.duties)
        ]
        out["staff"] = [self.person(p, site) for p in _by_id(site.staff)]
        out["rotas"] = [self.rota(r, site) for r in site.rotas]
        out["accounts"] = self.accounts(site)
        out["competencies"] = self.catalogue(site)
        return out

    def row(self, obj: Any, here: Site) -> dict[str, Any]:
        """A record's values and its links by natural key."""
        model = type(obj)
        out = {key: _dump(getattr(obj, key)) for key, _column in plain_columns(model)}
        for name, relation, target, _column in reference_columns(model):
            out[name] = self.ref(target, getattr(obj, relation), here)
        return out

    def refs(self, target: str, rows: Iterable[Any], here: Site) -> list[Any]:
        """References to a set of rows, in a stable order."""
        return sorted((self.ref(target, row, here) for row in rows), key=_sort_key)

    def ref(self, target: str, obj: Any, here: Site) -> Any:
        """How the file names a row: by natural key, with its site when it is elsewhere."""
        if obj is None:
            return None
        if target == "users":
            self.users.add(obj.id)
            return obj.email
        if target == "staff":
            key = self.staff_keys.get(obj.id)
            return key or {"site": obj.home_site.name, "name": obj.name}
        if target in _NAME_FIELD:
            name = getattr(obj, _NAME_FIELD[target])
            return (
                name
                if obj.site_id == here.id
                else {"site": obj.site.name, _NAME_FIELD[target]: name}
            )
        if target == "competencies":
            self.competencies.add(obj.id)
            return obj.code
        if target == "rotas":
            out = {"week_start": obj.week_start.isoformat(), "version": obj.version}
            return out if obj.site_id == here.id else {"site": obj.site.name, **out}
        if target == "sites":
            return obj.name
        if target == "site_groups":
            return obj.name
        if target == "ratio_rule_sets":
            return self.row(obj, here)
        raise SiteDataError([f"the export does not know how to name a row of {target}"])

    def person(self, person: Staff, here: Site) -> dict[str, Any]:
        """A member of staff with everything recorded about them."""
        feed = db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.staff_id == person.id))
        sign_offs = db.session.scalars(
            db.select(SignOff).where(SignOff.staff_id == person.id).order_by(SignOff.id)
        )
        return {
            "key": self.staff_keys[person.id],
            **self.row(person, here),
            "skills": [self.row(x, here) for x in _by_id(person.skills)],
            "certifications": [self.row(x, here) for x in _by_id(person.certifications)],
            "ce_entries": [self.row(x, here) for x in _by_id(person.ce_entries)],
            "goals": [self.row(x, here) for x in _by_id(person.goals)],
            "leave": [self.row(x, here) for x in _by_id(person.leave)],
            "requests": [self.row(x, here) for x in _by_id(person.requests)],
            "offers": [self.row(x, here) for x in _by_id(person.offers)],
            "sign_offs": [self.row(x, here) for x in sign_offs],
            "calendar_feed": None if feed is None else self.row(feed, here),
        }

    def rota(self, rota: Rota, here: Site) -> dict[str, Any]:
        """A rota version with its assignments and its score breakdown."""
        return {
            **self.row(rota, here),
            "costs": None if rota.costs is None else [self.cost(c, here) for c in rota.costs],
            "assignments": [self.row(a, here) for a in _by_id(rota.assignments)],
        }

    def cost(self, cost: dict[str, Any], here: Site) -> Any:
        """A score-breakdown item with its solver ids named by natural key instead."""
        if not isinstance(cost, dict):
            return cost
        out = dict(cost)
        key = cost.get("key")
        if isinstance(key, str):
            refs: list[dict] = []

            def swap(match: re.Match) -> str:
                token = self.token(match.group(0), here)
                if token is None:
                    return match.group(0)
                refs.append(token)
                return f"{{{len(refs) - 1}}}"

            out["key"] = _TOKEN_PART.sub(swap, key)
            if refs:
                out["key_refs"] = refs
        subject = cost.get("subject")
        if isinstance(subject, dict):
            out["subject"] = {
                name: (self.token(value, here) or value) if isinstance(value, str) else value
                for name, value in subject.items()
            }
        return out

    def token(self, text: str, here: Site) -> dict | None:
        """A solver id ('st11') as {'station': 'Fill'}; None when the text is no solver id."""
        inert = _from_inert(text)
        if inert is not None:
            return inert
        match = _SOLVER_ID.fullmatch(text)
        if match is None:
            return None
        kind = _KIND_BY_PREFIX[match.group(1)]
        target, model = _TOKEN_TARGET[kind]
        return {kind: self.ref(target, db.session.get(model, int(match.group(2))), here)}

    def accounts(self, site: Site) -> list[dict[str, Any]]:
        """Accounts of the site's staff, and accounts its records name (approvers, signers)."""
        people = {p.id for p in site.staff}
        linked = db.session.scalars(db.select(User).where(User.staff_id.in_(people))).all()
        named = db.session.scalars(db.select(User).where(User.id.in_(self.users))).all()
        out = []
        for user in sorted({*linked, *named}, key=lambda u: u.email):
            entry = self.row(user, site)
            # only the site's own people are linked; an account named by the site's records
            # that belongs to someone elsewhere travels as a plain account
            entry["staff"] = self.staff_keys[user.staff_id] if user.staff_id in people else None
            out.append(entry)
        return out

    def catalogue(self, here: Site) -> list[dict[str, Any]]:
        """The competencies the section names, with their prerequisites, by code."""
        found: dict[int, Competency] = {}
        todo = [db.session.get(Competency, cid) for cid in self.competencies]
        while todo:
            comp = todo.pop()
            if comp is not None and comp.id not in found:
                found[comp.id] = comp
                todo.append(comp.prerequisite)
        return [self.row(c, here) for c in sorted(found.values(), key=lambda c: c.code)]


# ----- import ----------------------------------------------------------------------------


def read_sections(data: Any) -> list[dict[str, Any]]:
    """The site sections of a file's data, after checking its format and version."""
    if not isinstance(data, dict):
        raise SiteDataError([f"the file holds a JSON {type(data).__name__}, not a site export"])
    if "format" not in data:
        raise SiteDataError(["the file has no 'format' field; it is not a site export"])
    if data["format"] != FORMAT:
        raise SiteDataError(
            [f"the file's format is {data['format']!r}; a site export has {FORMAT!r}"]
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version != VERSION:
        newer = isinstance(version, int) and not isinstance(version, bool) and version > VERSION
        raise SiteDataError(
            [
                f"the file is version {version!r} of the format; this app reads version "
                f"{VERSION}" + (" (the file comes from a newer release)" if newer else "")
            ]
        )
    unknown = sorted(set(data) - {"format", "version", "exported_at", "site", "sites"})
    if unknown:
        raise SiteDataError([f"unknown top-level field(s): {', '.join(unknown)}"])
    if ("site" in data) == ("sites" in data):
        raise SiteDataError(["the file needs either 'site' (one site) or 'sites' (a list)"])
    sections = [data["site"]] if "site" in data else data["sites"]
    if not isinstance(sections, list) or not sections:
        raise SiteDataError(["'sites' should be a list of at least one site"])
    problems = []
    names: set[str] = set()
    for n, section in enumerate(sections):
        name = section.get("name") if isinstance(section, dict) else None
        if not isinstance(name, str) or not name.strip():
            problems.append(f"site {n + 1}: needs an object with a 'name'")
        elif name in names:
            problems.append(f"site {name!r} appears twice in the file")
        else:
            names.add(name)
    if problems:
        raise SiteDataError(problems)
    return sections


def import_data(data: Any, *, replace: bool = False) -> ImportReport:
    """Write the site(s) of a file's data into the database in the current transaction.

    Everything is checked and written before returning; the caller commits. On any
    problem the session is rolled back, so nothing of the file is left behind, and
    :class:`SiteDataError` lists every problem found. With ``replace``, a site of
    the same name is deleted first, with everything that belongs to it.
    """
    sections = read_sections(data)
    importer = _Importer(replace)
    try:
        with db.session.no_autoflush:
            report = importer.run(sections)
        db.session.flush()
    except SiteDataError:
        db.session.rollback()
        raise
    except DBAPIError as exc:
        db.session.rollback()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise SiteDataError([f"the database refused the data: {reason}"]) from exc
    return report


def import_site(data: Any, *, replace: bool = False) -> Site:
    """Import a file holding exactly one site and return it (uncommitted)."""
    sections = read_sections(data)
    if len(sections) != 1:
        raise SiteDataError([f"the file holds {len(sections)} sites; expected one"])
    return import_data(data, replace=replace).sites[0]


@dataclass
class _Section:
    """A site being imported: its raw section and the rows made for it, by natural key."""

    raw: dict[str, Any]
    path: str
    site: Site
    shift_types: dict[str, ShiftType] = field(default_factory=dict)
    stations: dict[str, Station] = field(default_factory=dict)
    duties: dict[str, Duty] = field(default_factory=dict)
    staff: list[tuple[Staff, dict[str, Any], str]] = field(default_factory=list)
    rotas: dict[tuple[date, int], Rota] = field(default_factory=dict)
    rota_rows: list[tuple[Rota, dict[str, Any], str]] = field(default_factory=list)
    costs: list[tuple[Rota, list[tuple[dict, list[tuple[dict, str, Any]]]]]] = field(
        default_factory=list
    )


class _Importer:
    """Builds the rows of one file, noting every problem instead of stopping at the first."""

    def __init__(self, replace: bool) -> None:
        self.replace = replace
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.sections: dict[str, _Section] = {}
        self.staff: dict[str, Staff] = {}
        self.competencies: dict[str, Competency] = {}
        self.accounts: dict[str, User] = {}
        self.groups: dict[str, SiteGroup] = {}
        self.rules: dict[tuple, RatioRuleSet] = {}
        self.kept_accounts: dict[str, User] = {}
        self.replaced: list[str] = []

    # --- the whole file ------------------------------------------------------------

    def run(self, raw_sections: list[dict[str, Any]]) -> ImportReport:
        """Check and build every row of the file; flush; raise when anything was wrong."""
        self.clear_names([s["name"] for s in raw_sections])
        self.check()
        for raw in raw_sections:
            self.start_site(raw)
        self.check()
        sections = list(self.sections.values())
        for section in sections:
            self.catalogue(section)
        for section in sections:
            self.places(section)
            self.people(section)
        for section in sections:
            self.place_links(section)
        for section in sections:
            self.linked_accounts(section)
        for section in sections:
            self.named_accounts(section)
        for section in sections:
            self.staff_records(section)
            self.rotas(section)
        self.check()
        db.session.flush()
        for section in sections:
            self.finish_rotas(section)
        for email, user in self.kept_accounts.items():
            user.active = False
            self.warnings.append(
                f"the account {email} belonged to a replaced person the file does not have; "
                "it was kept but turned off"
            )
        return ImportReport(
            sites=[s.site for s in sections],
            replaced=self.replaced,
            warnings=self.warnings,
            summaries=[summary(s.raw) for s in sections],
        )

    def check(self) -> None:
        """Stop with every problem noted so far."""
        if self.problems:
            raise SiteDataError(self.problems)

    def note(self, path: str, message: str) -> None:
        """Record a problem at a place in the file."""
        self.problems.append(f"{path}: {message}")

    # --- replacing --------------------------------------------------------------------

    def clear_names(self, names: list[str]) -> None:
        """Refuse sites that exist already, or delete them first when replacing."""
        existing = db.session.scalars(db.select(Site).where(Site.name.in_(names))).all()
        if not existing:
            return
        if not self.replace:
            for site in existing:
                self.problems.append(
                    f"a site named {site.name!r} already exists in this database; "
                    "import with --replace to overwrite it"
                )
            return
        blockers = _references_from_outside(existing)
        if blockers:
            named = ", ".join(repr(s.name) for s in existing)
            self.problems.extend(
                f"{named} cannot be replaced: {line}; export and import those sites together "
                "(export-data --all)"
                for line in blockers
            )
            return
        for site in existing:
            self.delete_site(site)
            self.replaced.append(site.name)
        db.session.expire_all()  # rows the database's own cascades removed are gone

    def delete_site(self, site: Site) -> None:
        """Delete a site and all that belongs to it; its people's accounts are kept for now."""
        for rota in list(site.rotas):
            db.session.delete(rota)
        db.session.flush()
        for duty in list(site.duties):
            db.session.delete(duty)
        db.session.flush()
        people = [p.id for p in site.staff]
        for user in db.session.scalars(db.select(User).where(User.staff_id.in_(people))):
            user.staff = None
            self.kept_accounts[user.email] = user
        for person in list(site.staff):
            db.session.delete(person)
        db.session.flush()
        db.session.expire(site)  # its collections still hold the rows deleted above
        db.session.delete(site)
        db.session.flush()

    # --- rows --------------------------------------------------------------------------------

    def fields(
        self,
        model: type,
        raw: Any,
        path: str,
        here: _Section | None,
        extra: Iterable[str] = (),
        later: Iterable[str] = (),
    ) -> dict[str, Any] | None:
        """A record's attribute values from the file, checked; None when it is no object.

        ``extra`` names fields the caller reads itself; ``later`` names links it
        resolves itself once every row exists.
        """
        if not isinstance(raw, dict):
            self.note(path, f"should be an object, not {raw!r}")
            return None
        plain = plain_columns(model)
        links = reference_columns(model)
        allowed = {key for key, _c in plain} | {name for name, *_ in links} | set(extra)
        for name in sorted(set(raw) - allowed):
            self.note(path, f"unknown field {name!r}")
        values: dict[str, Any] = {}
        for key, column in plain:
            if key not in raw:
                if not (
                    column.nullable
                    or column.default is not None
                    or column.server_default is not None
                ):
                    self.note(path, f"{key} is missing")
                continue
            try:
                values[key] = _load(column, raw[key])
            except _Bad as bad:
                self.note(f"{path}.{key}", str(bad))
        for name, relation, target, column in links:
            if name in later:
                continue
            wanted = raw.get(name)
            if wanted is None:
                if not column.nullable:
                    self.note(path, f"{name} is missing")
                continue
            values[relation] = self.resolve(target, wanted, f"{path}.{name}", here)
        return values

    def child(
        self,
        model: type,
        raw: Any,
        path: str,
        parent: Any,
        here: _Section,
        extra: Iterable[str] = (),
    ) -> Any:
        """Make a record listed under a parent row, or None when the entry is unusable."""
        values = self.fields(model, raw, path, here, extra)
        if values is None:
            return None
        row = model(**values, **{_parent_relationship(model): parent})
        db.session.add(row)
        return row

    def listed(self, raw: dict[str, Any], name: str, path: str) -> list[tuple[Any, str]]:
        """The entries of a list field with their places in the file ([] when absent)."""
        items = raw.get(name)
        if items is None:
            return []
        if not isinstance(items, list):
            self.note(f"{path}.{name}", "should be a list")
            return []
        return [(item, f"{path}.{name}[{n}]") for n, item in enumerate(items)]

    # --- references --------------------------------------------------------------------

    def resolve(
        self, target: str, ref: Any, path: str, here: _Section | None, strict: bool = True
    ) -> Any:
        """The row a reference names, from the file or the database; None when not found."""
        found, why = self.lookup(target, ref, here)
        if found is None and strict:
            self.note(path, why)
        return found

    def lookup(self, target: str, ref: Any, here: _Section | None) -> tuple[Any, str]:
        """Find a referenced row; the second item explains a miss."""
        if target == "users":
            if not isinstance(ref, str):
                return None, f"should be an account's email, not {ref!r}"
            user = self.accounts.get(ref) or db.session.scalar(
                db.select(User).where(User.email == ref)
            )
            return user, f"no account {ref!r} in the file's accounts or this database"
        if target == "staff":
            return self.person(ref)
        if target in _NAME_FIELD:
            return self.place(target, ref, here)
        if target == "competencies":
            if not isinstance(ref, str):
                return None, f"should be a competency code, not {ref!r}"
            comp = self.competencies.get(ref) or db.session.scalar(
                db.select(Competency).where(Competency.code == ref)
            )
            return comp, f"unknown competency {ref!r}"
        if target == "rotas":
            return self.rota_ref(ref, here)
        if target == "sites":
            if not isinstance(ref, str):
                return None, f"should be a site's name, not {ref!r}"
            if ref in self.sections:
                return self.sections[ref].site, ""
            site = db.session.scalar(db.select(Site).where(Site.name == ref))
            return site, f"no site named {ref!r}"
        if target == "site_groups":
            return self.group(ref)
        if target == "ratio_rule_sets":
            return self.rule(ref, here)
        return None, f"cannot read a reference to {target}"

    def person(self, ref: Any) -> tuple[Staff | None, str]:
        """A member of staff: a key of this file, or {'site', 'name'} of another site."""
        if isinstance(ref, str):
            return self.staff.get(ref), f"no staff member with key {ref!r} in the file"
        if not isinstance(ref, dict) or set(ref) != {"site", "name"}:
            return None, f"should be a staff key or {{'site': ..., 'name': ...}}, not {ref!r}"
        site_name, name = ref["site"], ref["name"]
        if not isinstance(site_name, str) or not isinstance(name, str):
            return None, f"site and name should be text, not {ref!r}"
        if site_name in self.sections:
            matches = [p for p, _raw, _path in self.sections[site_name].staff if p.name == name]
        else:
            matches = db.session.scalars(
                db.select(Staff)
                .join(Site, Staff.home_site_id == Site.id)
                .where(Site.name == site_name, Staff.name == name)
            ).all()
        if len(matches) > 1:
            return None, f"{len(matches)} people are called {name!r} at {site_name!r}"
        where = "in the file" if site_name in self.sections else "in this database"
        return (matches[0] if matches else None), f"no {name!r} at {site_name!r} {where}"

    def place(self, target: str, ref: Any, here: _Section | None) -> tuple[Any, str]:
        """A station, duty or shift type: by name (or code) here, or with its site."""
        key = _NAME_FIELD[target]
        noun = {"stations": "station", "duties": "duty", "shift_types": "shift type"}[target]
        if isinstance(ref, str) and here is not None:
            site_name, name = here.site.name, ref
        elif isinstance(ref, dict) and set(ref) == {"site", key}:
            site_name, name = ref["site"], ref[key]
        else:
            site_name, name = None, None
        if not isinstance(site_name, str) or not isinstance(name, str):
            return None, f"should be a {noun} {key} or {{'site': ..., '{key}': ...}}, not {ref!r}"
        if site_name in self.sections:
            found = getattr(self.sections[site_name], target).get(name)
        else:
            model = {"stations": Station, "duties": Duty, "shift_types": ShiftType}[target]
            found = db.session.scalar(
                db.select(model)
                .join(Site, model.site_id == Site.id)
                .where(Site.name == site_name, getattr(model, key) == name)
            )
        return found, f"no {noun} {name!r} at {site_name!r}"

    def rota_ref(self, ref: Any, here: _Section | None) -> tuple[Rota | None, str]:
        """A rota by its week and version (and site, when it is another site's)."""
        if not isinstance(ref, dict) or not {"week_start", "version"} <= set(ref) <= {
            "site",
            "week_start",
            "version",
        }:
            return None, f"should be {{'week_start': ..., 'version': ...}}, not {ref!r}"
        try:
            week = date.fromisoformat(ref["week_start"])
        except (TypeError, ValueError):
            return None, f"{ref['week_start']!r} is not a date"
        if not dates.in_range(week):
            return None, f"{ref['week_start']!r} is outside the dates the app works with"
        site_name = ref.get("site", here.site.name if here else None)
        version = ref["version"]
        if not isinstance(site_name, str) or not isinstance(version, int):
            return None, f"should name a site and a whole version number, not {ref!r}"
        if site_name in self.sections:
            found = self.sections[site_name].rotas.get((week, ref["version"]))
        else:
            found = db.session.scalar(
                db.select(Rota)
                .join(Site, Rota.site_id == Site.id)
                .where(
                    Site.name == site_name,
                    Rota.week_start == week,
                    Rota.version == ref["version"],
                )
            )
        return found, f"no rota for the week of {week} version {ref['version']!r} at {site_name!r}"

    def group(self, ref: Any) -> tuple[SiteGroup | None, str]:
        """A site group by name, made when this database has none of that name."""
        if not isinstance(ref, str) or not ref.strip():
            return None, f"should be a group's name, not {ref!r}"
        if ref not in self.groups:
            self.groups[ref] = db.session.scalar(
                db.select(SiteGroup).where(SiteGroup.name == ref)
            ) or SiteGroup(name=ref)
        return self.groups[ref], ""

    def rule(self, raw: Any, here: _Section | None) -> tuple[RatioRuleSet | None, str]:
        """A ratio rule: the one here with the same jurisdiction, setting and date, or a new one."""
        path = f"{here.path}.ratio_rule" if here else "ratio_rule"
        values = self.fields(RatioRuleSet, raw, path, here)
        if not values or not all(k in values for k in ("jurisdiction", "setting")):
            return None, "is not a usable ratio rule"
        natural = (values["jurisdiction"], values["setting"], values.get("effective_date"))
        if natural not in self.rules:
            found = db.session.scalar(
                db.select(RatioRuleSet).where(
                    RatioRuleSet.jurisdiction == natural[0],
                    RatioRuleSet.setting == natural[1],
                    RatioRuleSet.effective_date.is_(None)
                    if natural[2] is None
                    else RatioRuleSet.effective_date == natural[2],
                )
            )
            if found is None:
                found = RatioRuleSet(**values)
                db.session.add(found)
            elif any(getattr(found, k) != v for k, v in values.items()):
                self.warnings.append(
                    f"the ratio rule {found.label} already exists here with other figures; "
                    "the existing rule was kept"
                )
            self.rules[natural] = found
        return self.rules[natural], ""

    # --- a site's rows ----------------------------------------------------------------

    def start_site(self, raw: dict[str, Any]) -> None:
        """The site row itself, with its group, ratio rule, approval policy and hours."""
        path = f"site {raw['name']!r}"
        extra = {
            "rota_policy",
            "opening_hours",
            "competencies",
            "shift_types",
            "stations",
            "duties",
            "staff",
            "accounts",
            "rotas",
        }
        section = _Section(raw, path, Site(name=raw["name"]))
        self.sections[raw["name"]] = section
        values = self.fields(Site, raw, path, section, extra)
        if values is None:
            return
        try:
            ZoneInfo(values.get("timezone") or "UTC")
        except (LookupError, ValueError, OSError):
            self.note(f"{path}.timezone", f"unknown time zone {values['timezone']!r}")
        for problem in settings_problems(values.get("priorities")):
            self.note(f"{path}.priorities", problem)
        low, high = FAIRNESS_WEEKS_RANGE
        weeks = values.get("fairness_weeks")
        if weeks is not None and not low <= weeks <= high:
            self.note(f"{path}.fairness_weeks", f"{weeks} is not {low} to {high} weeks")
        for key, value in values.items():
            setattr(section.site, key, value)
        db.session.add(section.site)
        if raw.get("rota_policy") is not None:
            self.child(RotaPolicy, raw["rota_policy"], f"{path}.rota_policy", section.site, section)
        for item, where in self.listed(raw, "opening_hours", path):
            self.child(OpeningHours, item, where, section.site, section)

    def catalogue(self, section: _Section) -> None:
        """The competencies a section uses: reused by code, or added to this database."""
        entries = self.listed(section.raw, "competencies", section.path)
        made = []
        for item, where in entries:
            values = self.fields(Competency, item, where, section, later={"prerequisite"})
            code = values.get("code") if values else None
            if not isinstance(code, str) or code in self.competencies:
                continue
            existing = db.session.scalar(db.select(Competency).where(Competency.code == code))
            if existing is not None:
                if existing.name != values.get("name", existing.name) or (
                    existing.requalify_days != values.get("requalify_days", existing.requalify_days)
                ):
                    self.warnings.append(
                        f"competency {code} already exists here as {existing.name!r}; kept it "
                        f"(the file has {values.get('name')!r})"
                    )
                self.competencies[code] = existing
                continue
            same_name = db.session.scalar(
                db.select(Competency).where(Competency.name == values.get("name"))
            )
            if same_name is not None:
                self.note(
                    where,
                    f"the name {same_name.name!r} is already used here by "
                    f"competency {same_name.code}",
                )
                continue
            comp = Competency(**values)
            db.session.add(comp)
            self.competencies[code] = comp
            made.append((comp, item, where))
        for comp, item, where in made:
            if item.get("prerequisite") is not None:
                comp.prerequisite = self.resolve(
                    "competencies", item["prerequisite"], f"{where}.prerequisite", section
                )

    def places(self, section: _Section) -> None:
        """Shift types, stations (with their cover later) and duties of a site."""
        site, path = section.site, section.path
        for kind, model, extra in (
            ("shift_types", ShiftType, {"forbidden_next"}),
            ("stations", Station, {"competencies", "cover"}),
            ("duties", Duty, {"shift_types", "people"}),
        ):
            key = _NAME_FIELD[kind]
            found = getattr(section, kind)
            for item, where in self.listed(section.raw, kind, path):
                row = self.child(model, item, where, site, section, extra)
                if row is None:
                    continue
                name = getattr(row, key)
                if name in found:
                    self.note(where, f"{key} {name!r} appears twice")
                found[name] = row

    def people(self, section: _Section) -> None:
        """The staff whose home is the site, keyed as in the file."""
        extra = {
            "key",
            "skills",
            "certifications",
            "ce_entries",
            "goals",
            "leave",
            "requests",
            "offers",
            "sign_offs",
            "calendar_feed",
        }
        for item, where in self.listed(section.raw, "staff", section.path):
            key = item.get("key") if isinstance(item, dict) else None
            if isinstance(item, dict):
                where = f"{where} ({item.get('name')})"
            if not isinstance(key, str) or not key:
                self.note(where, "needs a 'key' (the file's name for this person)")
                continue
            if key in self.staff:
                self.note(where, f"the key {key!r} is used twice")
                continue
            person = self.child(Staff, item, where, section.site, section, extra)
            if person is not None:
                self.staff[key] = person
                section.staff.append((person, item, where))

    def place_links(self, section: _Section) -> None:
        """Forbidden successions, station competencies and cover, duty shifts and people."""
        raw_by_kind = {
            kind: self.listed(section.raw, kind, section.path)
            for kind in ("shift_types", "stations", "duties")
        }
        for kind, links in (
            ("shift_types", (("forbidden_next", "shift_types"),)),
            ("stations", (("competencies", "competencies"),)),
            ("duties", (("shift_types", "shift_types"), ("people", "staff"))),
        ):
            rows = getattr(section, kind)
            for item, where in raw_by_kind[kind]:
                name = item.get(_NAME_FIELD[kind]) if isinstance(item, dict) else None
                row = rows.get(name) if isinstance(name, str) else None
                if row is None:
                    continue
                for name, target in links:
                    found = [
                        self.resolve(target, ref, at, section)
                        for ref, at in self.listed(item, name, where)
                    ]
                    setattr(row, name, [f for f in found if f is not None])
                if kind == "stations":
                    for line, at in self.listed(item, "cover", where):
                        self.child(CoverRequirement, line, at, row, section)

    def linked_accounts(self, section: _Section) -> None:
        """Accounts of the site's staff: new, or this database's account of the same email.

        The account of a replaced person takes the file's values. An account here that
        belongs to no one (one an earlier import brought along as a signer, say) is
        linked to the person and keeps its password. One that belongs to someone else
        is refused.
        """
        for item, where in self.listed(section.raw, "accounts", section.path):
            if not isinstance(item, dict) or item.get("staff") is None:
                continue
            values = self.fields(User, item, where, section)
            email = values.get("email") if values else None
            if not isinstance(email, str):
                continue
            if email in self.accounts:
                self.note(where, f"the account {email} appears twice")
                continue
            user = self.kept_accounts.pop(email, None)
            if user is not None:
                for key, value in values.items():
                    setattr(user, key, value)
                self.accounts[email] = user
                continue
            user = db.session.scalar(db.select(User).where(User.email == email))
            if user is None:
                user = User(**values)
                db.session.add(user)
            elif user.staff is not None:
                self.note(
                    where,
                    f"an account for {email} already exists in this database, "
                    f"for {user.staff.name} at {user.staff.home_site.name}",
                )
                continue
            else:
                user.staff = values.get("staff")
                self.warnings.append(
                    f"the account {email} was here already; it is now linked to "
                    f"{item.get('name')} and keeps its password"
                )
            self.accounts[email] = user

    def named_accounts(self, section: _Section) -> None:
        """Accounts the site's records name: this database's own when it has the email."""
        for item, where in self.listed(section.raw, "accounts", section.path):
            if isinstance(item, dict) and item.get("staff") is not None:
                continue
            values = self.fields(User, item, where, section)
            email = values.get("email") if values else None
            if not isinstance(email, str) or email in self.accounts:
                continue
            user = db.session.scalar(db.select(User).where(User.email == email))
            if user is None:
                user = User(**values)
                db.session.add(user)
            self.accounts[email] = user

    def staff_records(self, section: _Section) -> None:
        """Skills, certifications, CE, goals, leave, requests, offers, sign-offs, calendar."""
        lists = (
            ("skills", StaffCompetency),
            ("certifications", Certification),
            ("ce_entries", CEEntry),
            ("goals", DevelopmentGoal),
            ("leave", Leave),
            ("requests", ShiftRequest),
            ("offers", VolunteerOffer),
            ("sign_offs", SignOff),
        )
        for person, item, where in section.staff:
            for name, model in lists:
                for entry, at in self.listed(item, name, where):
                    self.child(model, entry, at, person, section)
            if item.get("calendar_feed") is not None:
                self.child(
                    CalendarFeed, item["calendar_feed"], f"{where}.calendar_feed", person, section
                )

    def rotas(self, section: _Section) -> None:
        """Every rota version with its assignments, kept out of the session until ids exist."""
        for item, where in self.listed(section.raw, "rotas", section.path):
            values = self.fields(
                Rota, item, where, section, {"costs", "assignments"}, later={"based_on"}
            )
            if values is None:
                continue
            for problem in settings_problems(values.get("priorities")):
                self.note(f"{where}.priorities", problem)
            rota = Rota(**values)  # its site is set once the score breakdown can be written
            natural = (rota.week_start, rota.version)
            if natural in section.rotas:
                self.note(where, f"a second rota for the week of {natural[0]} version {natural[1]}")
                continue
            section.rotas[natural] = rota
            section.rota_rows.append((rota, item, where))
            for entry, at in self.listed(item, "assignments", where):
                values = self.fields(RotaAssignment, entry, at, section)
                if values is not None:
                    rota.assignments.append(RotaAssignment(**values))
        for rota, item, where in section.rota_rows:
            if item.get("based_on") is not None:
                rota.based_on = self.resolve(
                    "rotas", item["based_on"], f"{where}.based_on", section
                )
            section.costs.append((rota, self.costs(item.get("costs"), f"{where}.costs", section)))

    def costs(self, raw: Any, path: str, here: _Section) -> list | None:
        """A rota's score breakdown with each named row looked up (unknown ones kept inert)."""
        if raw is None:
            return None
        if not isinstance(raw, list):
            self.note(path, "should be a list")
            return None
        out = []
        for n, cost in enumerate(raw):
            at = f"{path}[{n}]"
            if not isinstance(cost, dict):
                self.note(at, "should be an object")
                continue
            tokens: list[tuple[dict, str, Any]] = []
            refs = cost.get("key_refs", [])
            if not isinstance(refs, list) or not isinstance(cost.get("key", ""), str):
                self.note(at, "key should be text and key_refs a list")
                continue
            for ref in refs:
                tokens.append(self.token(ref, at, here))
            used = [int(m) for m in _PLACEHOLDER.findall(cost.get("key", ""))]
            if any(i >= len(tokens) for i in used):
                self.note(at, "the key names more rows than key_refs lists")
            subject = cost.get("subject")
            if subject is not None and not isinstance(subject, dict):
                self.note(at, "subject should be an object")
            for value in (subject or {}).values():
                if isinstance(value, dict):
                    tokens.append(self.token(value, at, here))
            out.append((cost, tokens))
        return out

    def token(self, ref: Any, path: str, here: _Section) -> tuple[dict, str, Any]:
        """A named row of the score breakdown: (its reference, kind, the row or None)."""
        if not isinstance(ref, dict) or len(ref) != 1 or next(iter(ref)) not in _TOKEN_TARGET:
            self.note(path, f"{ref!r} is not a row reference")
            return {}, "", None
        kind, value = next(iter(ref.items()))
        target = _TOKEN_TARGET[kind][0]
        row = None if value is None else self.resolve(target, value, path, here, strict=False)
        return ref, kind, row

    def finish_rotas(self, section: _Section) -> None:
        """Write each rota's score breakdown with this database's ids and add the rotas."""
        breakdowns = {id(rota): costs for rota, costs in section.costs}
        for rota, _item, _where in section.rota_rows:
            costs = breakdowns.get(id(rota))
            rota.costs = None if costs is None else [_render(c, t) for c, t in costs]
            rota.site = section.site
            db.session.add(rota)


def _render(cost: dict[str, Any], tokens: list[tuple[dict, str, Any]]) -> dict[str, Any]:
    """A score-breakdown item as stored: named rows back to solver ids of this database."""

    def solver_id(token: tuple[dict, str, Any]) -> str:
        ref, kind, row = token
        return IdMap.key(kind, row.id) if row is not None else _inert(ref)

    out = {k: v for k, v in cost.items() if k != "key_refs"}
    key_tokens = tokens[: len(cost.get("key_refs", []))]
    subject_tokens = iter(tokens[len(key_tokens) :])
    if isinstance(cost.get("key"), str):
        out["key"] = _PLACEHOLDER.sub(lambda m: solver_id(key_tokens[int(m.group(1))]), cost["key"])
    if isinstance(cost.get("subject"), dict):
        out["subject"] = {
            name: solver_id(next(subject_tokens)) if isinstance(value, dict) else value
            for name, value in cost["subject"].items()
        }
    return out


def _references_from_outside(sites: list[Site]) -> list[str]:
    """Records of other sites that name these sites' people, places or rotas, in words."""
    ids = [s.id for s in sites]
    staff = db.select(Staff.id).where(Staff.home_site_id.in_(ids))
    stations = db.select(Station.id).where(Station.site_id.in_(ids))
    shifts = db.select(ShiftType.id).where(ShiftType.site_id.in_(ids))
    duties = db.select(Duty.id).where(Duty.site_id.in_(ids))
    rotas = db.select(Rota.id).where(Rota.site_id.in_(ids))

    def of_others(model: type, condition: Any) -> Any:
        """Rows of a staff record kind that belong to people of other sites."""
        return (
            db.select(model)
            .join(Staff, model.staff_id == Staff.id)
            .where(Staff.id.not_in(staff), condition)
        )

    checks: list[tuple[Any, Any]] = [
        (
            db.select(Rota).where(
                Rota.site_id.not_in(ids),
                Rota.assignments.any(
                    sa.or_(
                        RotaAssignment.staff_id.in_(staff),
                        RotaAssignment.trainer_id.in_(staff),
                        RotaAssignment.station_id.in_(stations),
                        RotaAssignment.duty_id.in_(duties),
                        RotaAssignment.shift_type_id.in_(shifts),
                    )
                ),
            ),
            lambda r: (
                f"{r.site.name}'s rota for the week of {r.week_start} (version "
                f"{r.version}) places its people or uses its stations"
            ),
        ),
        (
            db.select(Rota).where(Rota.site_id.not_in(ids), Rota.based_on_id.in_(rotas)),
            lambda r: f"{r.site.name}'s rota for the week of {r.week_start} is based on its rota",
        ),
        (
            db.select(Duty).where(Duty.site_id.not_in(ids), Duty.people.any(Staff.id.in_(staff))),
            lambda d: f"the duty {d.name!r} at {d.site.name} lists its people",
        ),
        (
            of_others(StaffCompetency, StaffCompetency.signed_off_by_id.in_(staff)),
            lambda s: f"{s.staff.name}'s {s.competency.code} skill was signed off by its people",
        ),
        (
            of_others(SignOff, SignOff.signed_by_staff_id.in_(staff)),
            lambda s: f"a sign-off of {s.staff.name} was signed by its people",
        ),
        (
            of_others(
                VolunteerOffer,
                sa.or_(VolunteerOffer.station_id.in_(stations), VolunteerOffer.duty_id.in_(duties)),
            ),
            lambda o: f"{o.staff.name}'s offer for the week of {o.week_start} names its places",
        ),
        (
            of_others(Leave, Leave.shift_type_id.in_(shifts)),
            lambda x: f"{x.staff.name}'s leave from {x.start_date} names its shift type",
        ),
        (
            of_others(ShiftRequest, ShiftRequest.shift_type_id.in_(shifts)),
            lambda x: f"{x.staff.name}'s request for {x.on_date} names its shift type",
        ),
        (
            db.select(CoverRequirement).where(
                CoverRequirement.station_id.not_in(stations),
                CoverRequirement.shift_type_id.in_(shifts),
            ),
            lambda c: f"cover at {c.station.site.name}'s {c.station.name} uses its shift type",
        ),
        (
            db.select(ShiftType).where(
                ShiftType.site_id.not_in(ids),
                ShiftType.id.in_(
                    db.select(shift_type_forbidden_next.c.shift_type_id).where(
                        shift_type_forbidden_next.c.next_shift_type_id.in_(shifts)
                    )
                ),
            ),
            lambda s: f"{s.site.name}'s shift type {s.code} forbids one of its shift types next",
        ),
    ]
    out = []
    for query, describe in checks:
        rows = db.session.scalars(query).all()
        if rows:
            more = f" (and {len(rows) - 1} more like it)" if len(rows) > 1 else ""
            out.append(describe(rows[0]) + more)
    return out
