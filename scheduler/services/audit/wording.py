"""The audit log's words: a row named as the object of a sentence, a field as words, a value
as the log stores it, and the sentences of new rotas and sign-offs."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from ...filters import DAY_NAMES
from ...models import (
    AccountLink,
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
    SolveRun,
    SolveStatus,
    Staff,
    StaffCompetency,
    Station,
    User,
    VolunteerOffer,
)
from .vocabulary import AUDITED, SECRET_FIELDS

SOLVING = (SolveStatus.QUEUED, SolveStatus.RUNNING)  # a run that may be storing its draft


def day_words(day: date) -> str:
    """A date as people read it, e.g. 'Mon 2 Mar 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def json_value(value: Any) -> Any:
    """A value as JSON can store it: enums by value, dates as ISO text."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return str(value)


class RowDescriber:
    """Describes the rows of one flush in words: a row's name, its label as the object of a
    sentence, its fields and their values, each row looked up by id in the session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, model: type, ident: int | None) -> Any:
        """A row by id (from the session's identity map when it is there), or None."""
        if ident is None:
            return None
        return self.session.get(model, ident)

    def name(self, model: type, ident: int | None) -> str:
        """A row's short name by id: its name, label, code or '#id'."""
        row = self.get(model, ident)
        if row is None:
            return f"#{ident}" if ident is not None else "none"
        if isinstance(row, Rota):
            return self.rota(row)
        for attr in ("name", "label", "email", "code"):
            value = getattr(row, attr, None)
            if isinstance(value, str) and value:
                return value
        return f"#{ident}"

    def staff(self, target: Any) -> str:
        """The name of the person a row belongs to."""
        return self.name(Staff, target.staff_id)

    def site_id(self, target: Any) -> int | None:
        """The site a row belongs to, when it belongs to one."""
        if isinstance(target, Site):
            return target.id
        if isinstance(target, Staff):
            return target.home_site_id
        if getattr(target, "site_id", None) is not None:
            return target.site_id
        if isinstance(target, CoverRequirement):
            station = self.get(Station, target.station_id)
            return station.site_id if station is not None else None
        if isinstance(target, RotaAssignment):
            rota = self.get(Rota, target.rota_id)
            return rota.site_id if rota is not None else None
        staff = self.get(Staff, getattr(target, "staff_id", None))
        return staff.home_site_id if staff is not None else None

    def rota(self, rota: Rota | None) -> str:
        """'version 2 of Tiny Pharmacy's rota for the week of Mon 2 Mar 2026'."""
        if rota is None:
            return "a rota"
        site = self.name(Site, rota.site_id)
        return (
            f"version {rota.version} of {site}'s rota for the week of {day_words(rota.week_start)}"
        )

    def label(self, target: Any) -> str:
        """The row in words, as the object of a sentence: 'Ann's CPhT certification'."""
        describe = _LABELS.get(type(target))
        return describe(self, target) if describe is not None else f"#{target.id}"

    def new_rota(self, rota: Rota) -> str:
        """A new rota's sentence; '{n}' stands for its number of assignments."""
        what = self.rota(rota)
        if rota.based_on_id is not None:
            source = self.get(Rota, rota.based_on_id)
            copied = f" from version {source.version}" if source is not None else ""
            return f"Created {what} as a copy{copied} ({{n}})."
        if rota.solve_status is not None:
            return f"Created {what}: a draft built by the solver ({{n}}, {rota.solve_status})."
        return f"Created {what} ({{n}})."

    def solve_requester(self, rota: Rota) -> tuple[int, str] | None:
        """Who asked for the solve that is storing this new draft (from the session's runs)."""
        if rota.solve_status is None or rota.based_on_id is not None:
            return None
        for row in list(self.session.identity_map.values()):
            if (
                isinstance(row, SolveRun)
                and row.site_id == rota.site_id
                and row.week_start == rota.week_start
                and row.status in SOLVING
                and row.requested_by_id is not None
            ):
                user = self.get(User, row.requested_by_id)
                name = user.name if user is not None else f"account #{row.requested_by_id}"
                return row.requested_by_id, f"{name} (via the solver)"
        return None

    def sign_off(self, record: SignOff) -> str:
        """'Signed off Ann in Central fill: supervised -> independent.'"""
        before = json_value(record.from_level) or "none"
        return (
            f"Signed off {self.staff(record)} in {self.name(Competency, record.competency_id)}:"
            f" {before} \u2192 {json_value(record.to_level)}."
        )

    def value(self, model: type, key: str, value: Any) -> Any:
        """A field's value for the details: a foreign key as 'Name (#id)', others as stored."""
        column = inspect(model).columns.get(key)
        if value is None or column is None or not column.foreign_keys:
            return json_value(value)
        table = next(iter(column.foreign_keys)).column.table
        target = next((m for m in AUDITED if m.__table__ is table), None)
        if target is None:
            return json_value(value)
        return f"{self.name(target, value)} (#{value})"

    def item(self, row: Any) -> str:
        """A related row's short name in a collection (a competency, a shift, a person)."""
        return self.name(type(row), row.id) if type(row) in AUDITED else f"#{row.id}"

    @staticmethod
    def fields(details: dict[str, Any]) -> str:
        """The changed fields in words: 'name, max minutes per week'."""
        keys = [k for k in details.get("changes", {}) if k not in SECRET_FIELDS]
        keys += list(details.get("collections", {}))
        return ", ".join(field_words(k) for k in keys) or "no fields"


def field_words(key: str) -> str:
    """A field name as words: 'home_site_id' -> 'home site'."""
    return key.removesuffix("_id").replace("_", " ")


def _leave_label(w: RowDescriber, x: Leave) -> str:
    """'Ann's annual leave, Mon 2 Mar 2026 to Fri 6 Mar 2026'."""
    days = (
        day_words(x.start_date)
        if x.start_date == x.end_date
        else f"{day_words(x.start_date)} to {day_words(x.end_date)}"
    )
    return f"{w.staff(x)}'s {json_value(x.kind)} leave, {days}"


def _cover_label(w: RowDescriber, x: CoverRequirement) -> str:
    """'cover of Central fill, Day shift, Mondays' or '..., on Mon 2 Mar 2026'."""
    when = (
        f"{DAY_NAMES[x.weekday]}s"
        if x.weekday is not None
        else f"on {day_words(x.on_date)}"
        if x.on_date
        else "any day"
    )
    return (
        f"cover of {w.name(Station, x.station_id)}, {w.name(ShiftType, x.shift_type_id)} "
        f"shift, {when}"
    )


def _assignment_label(w: RowDescriber, x: RotaAssignment) -> str:
    """'Ann's Day shift at Central fill on Mon 2 Mar 2026 (version 2 of ...)'."""
    place = w.name(Station, x.station_id) if x.station_id else w.name(Duty, x.duty_id)
    return (
        f"{w.name(Staff, x.staff_id)}'s {w.name(ShiftType, x.shift_type_id)} shift at "
        f"{place} on {day_words(x.on_date)} ({w.rota(w.get(Rota, x.rota_id))})"
    )


_LABELS: dict[type, Callable[[RowDescriber, Any], str]] = {
    Staff: lambda w, x: f"the staff record of {x.name}",
    StaffCompetency: lambda w, x: f"{w.staff(x)}'s level in {w.name(Competency, x.competency_id)}",
    Certification: lambda w, x: f"{w.staff(x)}'s {x.name} certification",
    Leave: _leave_label,
    DevelopmentGoal: lambda w, x: (
        f"{w.staff(x)}'s development goal in {w.name(Competency, x.competency_id)}"
    ),
    ShiftRequest: lambda w, x: f"{w.staff(x)}'s shift request for {day_words(x.on_date)}",
    VolunteerOffer: lambda w, x: (
        f"{w.staff(x)}'s {json_value(x.kind).replace('_', ' ')} offer for "
        f"the week of {day_words(x.week_start)}"
    ),
    CEEntry: lambda w, x: f"{w.staff(x)}'s CE entry of {day_words(x.on_date)}",
    SignOff: lambda w, x: f"the sign-off of {w.staff(x)} in {w.name(Competency, x.competency_id)}",
    Competency: lambda w, x: f"the competency {x.name} ({x.code})",
    Site: lambda w, x: f"the site {x.name}",
    SiteGroup: lambda w, x: f"the site group {x.name}",
    RatioRuleSet: lambda w, x: f"the ratio rule {x.label}",
    OpeningHours: lambda w, x: (
        f"{w.name(Site, x.site_id)}'s opening hours on {DAY_NAMES[x.weekday]}"
    ),
    Station: lambda w, x: f"the station {x.name} at {w.name(Site, x.site_id)}",
    ShiftType: lambda w, x: f"the {x.name} shift at {w.name(Site, x.site_id)}",
    CoverRequirement: _cover_label,
    Duty: lambda w, x: f"the duty {x.name} at {w.name(Site, x.site_id)}",
    RotaPolicy: lambda w, x: f"{w.name(Site, x.site_id)}'s approval rule",
    User: lambda w, x: f"the account {x.email}",
    AccountLink: lambda w, x: f"a one-time link of account #{x.user_id}",
    Rota: lambda w, x: w.rota(x),
    RotaAssignment: _assignment_label,
}
