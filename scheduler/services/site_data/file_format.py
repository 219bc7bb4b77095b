"""The site file's format: its name and version, which tables and columns it writes, and how.

Every exported model is listed with the column that ties a row to the row it is
written under; link tables are lists on their owners; a few tables are left out on
purpose, each with its reason. :func:`coverage_problems` says what a new model or
column would slip past the format.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import MANYTOONE

from ...extensions import db
from ...models import (
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

FORMAT = "pharmacy-scheduler/site"
VERSION = 1
MAX_PROBLEMS_SHOWN = 20

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
# The field a station, duty or shift type is named by in the file.
NAME_FIELD = {"stations": "name", "duties": "name", "shift_types": "code"}


class SiteDataError(Exception):
    """A file that cannot be imported or a site that cannot be exported, with every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        lines = [f"  - {p}" for p in shown]
        if len(problems) > len(shown):
            lines.append(f"  ... and {len(problems) - len(shown)} more.")
        super().__init__("\n".join(lines))


@cache
def value_columns(model: type) -> tuple[tuple[str, sa.Column], ...]:
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


def parent_relationship(model: type) -> str:
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
            if name in dict(value_columns(model)):
                problems.append(f"{model.__tablename__}.{name} is both a value and a link")
    return problems


# ----- values --------------------------------------------------------------------------


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
