"""Hostile input at every form and button: never a 500, always a message, nothing lost.

Each case names a route that takes a POST, the page its form is shown on and the
account that uses it. The test reads the form from that page as a browser would and
posts it back with random and hostile values (control characters, very long text,
markup, SQL quotes, numbers out of range, impossible dates, choices not offered,
missing and repeated fields). For every request:

* the status is never 500 and no posted markup comes back unescaped;
* a refusal changes no row of any table and says why, beside a field or in a
  flashed message;
* an accepted form says so, and what it saved reads back as sent (normalised: trimmed,
  codes in capitals, hours as minutes).

A new POST route, or a new form class, fails ``test_every_post_route_and_form_is_fuzzed``
until it has a case here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask_wtf import FlaskForm

import scheduler.forms
from scheduler import jobs
from scheduler.extensions import db
from scheduler.forms.base import AppForm
from scheduler.models import (
    CEEntry,
    Certification,
    Competency,
    CoverRequirement,
    Duty,
    Leave,
    RatioRuleSet,
    RotaAssignment,
    ShiftRequest,
    ShiftType,
    SignOff,
    Site,
    Staff,
    StaffCompetency,
    Station,
    User,
    VolunteerOffer,
)
from scheduler.services import accounts as account_service
from scheduler.services import levels as level_service
from scheduler.services import rota_workflow as rota_service
from scheduler.services import shift_changes
from scheduler.services.sheets import pending
from scheduler.services.signoff import default_valid_until
from scheduler.solver.priorities import RANKED_DEFAULTS, Priorities

from .fuzzing import (
    PASSWORD,
    REDIRECTS,
    Browser,
    FuzzWorld,
    Outcome,
    PageForm,
    Sent,
    Snapshot,
    assert_safe_page,
    build_world,
    hours_as_minutes,
    only_row_added,
    rows_added,
    run_examples,
    shows_a_message,
    submissions,
    sweep,
)

FORM_EXAMPLES = 10  # random submissions per form, before the field-by-field sweep
BUTTON_EXAMPLES = 3  # for a button, or a form of hidden fields only
FUZZED_ELSEWHERE = {"sheets.staff_import": "StaffImportForm"}  # test_fuzz_import.py
LIST_FILTERS = {  # pages with a filter form (a GET) above a list, and that form
    "/staff/": "SiteChoiceForm",
    "/staff/leave": "SiteChoiceForm",
    "/staff/wishes": "WeekChoiceForm",
    "/skills/matrix": "SiteChoiceForm",
    "/audit/": "AuditFilterForm",
    "/accounts/technicians": "SiteChoiceForm",
}


@dataclass(frozen=True)
class Case:
    """A POST route to fuzz: its address, the page showing its form, who uses it, what it saves."""

    endpoint: str
    url: Callable[[FuzzWorld], str]
    role: str | None = "supervisor"  # None: signed out
    form: str | None = None  # the form class the view reads; None for a plain button
    page: Callable[[FuzzWorld], str] | None = None  # where the form is shown (else ``url``)
    saves: Saves | Callable[[FuzzWorld], Saves] | None = None  # what an accepted post saves
    refusals: tuple[int, ...] = ()  # error pages that are a fair answer (tampered hidden ids)
    names: Callable[[FuzzWorld], list[str]] | None = None  # values worth typing (else names)
    says_so: bool = True  # an accepted form is confirmed by a flashed message
    valid: Callable[[FuzzWorld], dict[str, str]] | None = None  # filled in over the page's own

    def examples(self, form: PageForm) -> int:
        """How many random submissions to try: fewer for a button without fields to fill in."""
        typed = [c for c in form.controls.values() if c.kind != "hidden"]
        return FORM_EXAMPLES if typed else BUTTON_EXAMPLES


# ----- reading back what was saved --------------------------------------------------------

Reader = Callable[[Sent, str, FuzzWorld], Any]
Stored = Callable[[FuzzWorld, Snapshot, Sent], "dict[str, Any] | None"]


def text(sent: Sent, name: str, _w: FuzzWorld) -> str:
    """Typed text, trimmed."""
    return sent.text(name).strip()


def as_sent(sent: Sent, name: str, _w: FuzzWorld) -> str:
    """Text or a choice, exactly as sent."""
    return sent.text(name)


def code(sent: Sent, name: str, _w: FuzzWorld) -> str:
    """A code: trimmed, in capitals."""
    return sent.text(name).strip().upper()


def integer(sent: Sent, name: str, _w: FuzzWorld) -> int | None:
    """A whole number (None when blank)."""
    return sent.integer(name)


def choice_id(sent: Sent, name: str, _w: FuzzWorld) -> int | None:
    """The id of a chosen row (None for the blank choice)."""
    return sent.choice_id(name)


def day(sent: Sent, name: str, _w: FuzzWorld) -> date | None:
    """A date (None when blank)."""
    return sent.day(name)


def clock(sent: Sent, name: str, _w: FuzzWorld) -> time | None:
    """A time of day (None when blank)."""
    return sent.clock(name)


def ids(sent: Sent, name: str, _w: FuzzWorld) -> list[int]:
    """The ids of the boxes ticked."""
    return sent.ids(name)


def ticked(sent: Sent, name: str, _w: FuzzWorld) -> bool:
    """Whether a box was ticked."""
    return sent.ticked(name)


def minutes(sent: Sent, name: str, _w: FuzzWorld) -> int | None:
    """Hours typed, as the whole minutes stored."""
    return hours_as_minutes(sent.decimal(name))


def ann(_sent: Sent, _name: str, w: FuzzWorld) -> int:
    """The signed-in technician's staff id (rows about oneself belong to oneself)."""
    return w.people["Ann"].id


def exactly(value: Any) -> Reader:
    """A value that does not depend on what was sent."""
    return lambda _sent, _name, _w: value


@dataclass(frozen=True)
class Saves:
    """What an accepted post saves: how to read it back, and what each field should read.

    ``read`` gives the stored values by field name (``None``: the post was refused with
    a flashed reason, so nothing may have changed); ``expect`` gives, for each field,
    the value it should hold, worked out from what was sent. A field that was not sent
    at all is not compared (the form keeps what it had); names starting with ``_`` are
    facts about the row, always compared. ``also`` checks what the database cannot show.
    """

    read: Stored
    expect: dict[str, Reader]
    also: Callable[[FuzzWorld, Sent], None] | None = None

    def check(self, w: FuzzWorld, sent: Sent, before: Snapshot, changed: list[str]) -> None:
        """Assert that what an accepted post saved reads back as sent."""
        if self.also is not None:
            self.also(w, sent)
        stored = self.read(w, before, sent)
        if stored is None:
            assert not changed, "refused, yet changed:\n" + "\n".join(changed)
            return
        for name, expected in self.expect.items():
            if sent.given(name):
                want = expected(sent, name, w)
                assert stored[name] == want, (
                    f"{name}: sent {sent.values(name)!r}, "
                    f"expected {want!r}, stored {stored[name]!r}"
                )


def read_login(_w: FuzzWorld, _before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """Signing in stores nothing."""
    return {}


def signed_in_rightly(w: FuzzWorld, sent: Sent) -> None:
    """Only a known email (any case, spaces around) with its password signs in."""
    assert sent.text("email").strip().lower() in {u.email for u in w.users.values()}
    assert sent.text("password") == PASSWORD


def read_ce(_w: FuzzWorld, before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """The CE entry logged."""
    e = only_row_added(CEEntry, before)
    return {
        "_owner": e.staff_id,
        "on_date": e.on_date,
        "hours": e.hours,
        "topic": e.topic,
        "category": e.category.value,
    }


def read_seen(w: FuzzWorld, _before: Snapshot, sent: Sent) -> dict[str, Any] | None:
    """When Ann said she had seen her changed shifts, and how many My week still shows her.

    None when nothing was recorded (a tampered moment is refused with a flashed reason).
    """
    staff = db.session.get(Staff, w.people["Ann"].id)
    if staff.shifts_seen_at is None:
        return None
    return {
        "_unseen": shift_changes.unseen_changes(staff, w.today).count,
        # the moment the page showed is kept as it was; none sent means "now"
        "shown": staff.shifts_seen_at if sent.text("shown") else None,
    }


def seen_up_to(sent: Sent, name: str, _w: FuzzWorld) -> datetime | None:
    """The publication moment the page showed, as the app reads it back."""
    return shift_changes.parse_shown(sent.text(name))


def read_own_leave(_w: FuzzWorld, before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """The leave requested."""
    leave = only_row_added(Leave, before)
    return {
        "_owner": leave.staff_id,
        "_approved": leave.approved,
        "start_date": leave.start_date,
        "end_date": leave.end_date,
        "kind": leave.kind.value,
        "shift_type_id": leave.shift_type_id,
        "note": leave.note,
    }


def read_request(_w: FuzzWorld, before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """The shift request sent."""
    r = only_row_added(ShiftRequest, before)
    return {
        "_owner": r.staff_id,
        "on_date": r.on_date,
        "shift_type_id": r.shift_type_id,
        "want": r.want,
    }


def read_offer(_w: FuzzWorld, before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """The offer made."""
    o = only_row_added(VolunteerOffer, before)
    return {
        "_owner": o.staff_id,
        "week_start": o.week_start.isoformat(),
        "kind": o.kind.value,
        "duty_id": o.duty_id,
        "station_id": o.station_id,
        "count": o.count,
        "note": o.note,
    }


def only_for(kind: str) -> Reader:
    """A choice that counts only with one kind of offer (else nothing is stored)."""
    return lambda sent, name, _w: sent.choice_id(name) if sent.text("kind") == kind else None


SOLVES: list[dict] = []  # solves the rota pages asked for (the stub below records them)


def solve_asked(_w: FuzzWorld, sent: Sent) -> None:
    """A solve was asked for, with the time limit sent."""
    assert SOLVES, "no solve was started"
    assert SOLVES[-1]["time_limit"] == float(sent.text("time_limit"))


def read_absence(_w: FuzzWorld, before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """The sick leave recorded before the re-plan."""
    leave = only_row_added(Leave, before)
    return {
        "_sick": (leave.approved, leave.kind.value),
        "staff": leave.staff_id,
        "start": leave.start_date,
        "end": leave.end_date,
        "note": leave.note,
    }


def absence_note(sent: Sent, name: str, w: FuzzWorld) -> str:
    """The note as typed, or the service's own words when left blank."""
    return sent.text(name) or f"Sick call, marked on the rota of week {w.rota.week_start}"


def read_nothing(_w: FuzzWorld, _before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """A post whose effect is not in the database (checked by ``also``)."""
    return {}


def read_move(w: FuzzWorld, _before: Snapshot, _sent: Sent) -> dict[str, Any] | None:
    """Where the assignment is now (None when the move was refused)."""
    a = db.session.get(RotaAssignment, w.assignment.id)
    if a is None or not a.pinned:
        return None
    place = f"station-{a.station_id}" if a.station_id else f"duty-{a.duty_id}"
    return {"on_date": a.on_date.isoformat(), "shift": a.shift_type_id, "place": place}


def read_drop_pin(w: FuzzWorld, _before: Snapshot, _sent: Sent) -> dict[str, Any] | None:
    """Dov's shift once its pin was dropped (None while it is still pinned: refused)."""
    a = db.session.get(RotaAssignment, w.pin.id)
    if a.pinned:
        return None
    return {"_kept": (a.staff_id, a.on_date, a.shift_type_id, a.station_id)}


def _pin_kept(_sent: Sent, _name: str, w: FuzzWorld) -> tuple:
    """The pinned shift as it was: dropping a pin keeps the shift, only unpinned."""
    return (w.people["Dov"].id, w.pin.on_date, w.day.id, w.fill.id)


def read_assign(_w: FuzzWorld, before: Snapshot, _sent: Sent) -> dict[str, Any] | None:
    """The assignment added (None when it was refused)."""
    added = rows_added(RotaAssignment, before)
    if not added:
        return None
    (a,) = added
    return {
        "_pinned": a.pinned,
        "staff": a.staff_id,
        "on_date": a.on_date.isoformat(),
        "shift": a.shift_type_id,
        "station": a.station_id,
    }


def read_policy(w: FuzzWorld, _before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """Whether the site's rotas now need approval."""
    site = db.session.get(Site, w.site.id)
    return {"requires_approval": rota_service.requires_approval(site)}


def _duty(duty: Duty) -> dict[str, Any]:
    """A duty as its form's fields."""
    return {
        "name": duty.name,
        "kind": duty.kind.value,
        "minutes": duty.minutes,
        "weekdays": duty.weekdays,
        "shift_type_ids": sorted(s.id for s in duty.shift_types),
        "competency_id": duty.competency_id,
        "min_level": duty.min_level.value,
        "per_week": duty.per_week,
        "per_day": duty.per_day,
        "weight": duty.weight,
        "people_ids": sorted(p.id for p in duty.people),
        "required": duty.required,
    }


def duty_days(sent: Sent, name: str, _w: FuzzWorld) -> str | None:
    """The days ticked as stored: None for none or all of them."""
    days = sent.ids(name)
    return "".join(map(str, days)) if days and len(days) < 7 else None


DUTY = {
    "name": text,
    "kind": as_sent,
    "minutes": integer,
    "weekdays": duty_days,
    "shift_type_ids": ids,
    "competency_id": choice_id,
    "min_level": as_sent,
    "per_week": integer,
    "per_day": integer,
    "weight": integer,
    "people_ids": ids,
    "required": ticked,
}


def _rule(rule: RatioRuleSet) -> dict[str, Any]:
    """A ratio rule set as its form's fields."""
    return {
        name: getattr(rule, name)
        for name in (
            "jurisdiction",
            "setting",
            "techs_per_pharmacist",
            "offset",
            "certified_extra",
            "trainees_count",
            "formula",
            "source",
            "effective_date",
        )
    }


RULE = {
    "jurisdiction": text,
    "setting": text,
    "techs_per_pharmacist": integer,
    "offset": integer,
    "certified_extra": integer,
    "trainees_count": ticked,
    "formula": text,
    "source": text,
    "effective_date": day,
}


def _shift(shift: ShiftType) -> dict[str, Any]:
    """A shift type as its form's fields."""
    return {
        "code": shift.code,
        "name": shift.name,
        "start": shift.start,
        "end": shift.end,
        "night": shift.night,
        "weekdays": shift.weekdays,
        "forbidden_next_ids": sorted(s.id for s in shift.forbidden_next),
        "max_per_week": shift.max_per_week,
    }


SHIFT = {
    "code": code,
    "name": text,
    "start": clock,
    "end": clock,
    "night": ticked,
    "weekdays": lambda sent, name, _w: "".join(map(str, sent.ids(name))),
    "forbidden_next_ids": ids,
    "max_per_week": integer,
}


def _site(site: Site, before: Snapshot) -> dict[str, Any]:
    """A site as its form's fields (a group made by the post counts as a new group)."""
    groups = {row[0] for row in before["site_groups"][1]}
    new_group = site.group is not None and site.group_id not in groups
    stored = {
        "name": site.name,
        "kind": site.kind.value,
        "timezone": site.timezone,
        "open_24_7": site.open_24_7,
        "ratio_rule_id": site.ratio_rule_id,
        "group_id": None if new_group else site.group_id,
        "new_group": site.group.name if new_group else "",
    }
    hours = {h.weekday: h for h in site.opening_hours}
    for d in range(7):
        stored[f"opens_{d}"] = hours[d].opens if d in hours else None
        stored[f"closes_{d}"] = hours[d].closes if d in hours else None
    return stored


def opening_time(sent: Sent, name: str, _w: FuzzWorld) -> time | None:
    """An opening time as stored: none for a site open around the clock."""
    return None if sent.ticked("open_24_7") else sent.clock(name)


SITE = {
    "name": text,
    "kind": as_sent,
    "timezone": text,
    "open_24_7": ticked,
    "ratio_rule_id": choice_id,
    "group_id": choice_id,
    "new_group": text,
    **{f"{edge}_{d}": opening_time for edge in ("opens", "closes") for d in range(7)},
}


def read_cover(w: FuzzWorld, _before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """Central fill's weekday cover cells: minimum and ideal, None where there is no line."""
    station = db.session.get(Station, w.fill.id)
    lines = {(c.shift_type_id, c.weekday): c for c in station.cover if c.weekday is not None}
    stored = {}
    for shift in (w.day, w.eve):
        for d in range(7):
            line = lines.get((shift.id, d))
            stored[f"min_{shift.id}_{d}"] = line.minimum if line else None
            stored[f"ideal_{shift.id}_{d}"] = line.ideal if line else None
    return stored


def ideal(sent: Sent, name: str, _w: FuzzWorld) -> int | None:
    """The ideal as stored: the minimum when left blank, nothing without a minimum."""
    low = sent.integer(name.replace("ideal_", "min_", 1))
    high = sent.integer(name)
    return None if low is None else (low if high is None else high)


def cover_cells(w: FuzzWorld) -> dict[str, Reader]:
    """What each cell of central fill's cover grid should read."""
    cells: dict[str, Reader] = {}
    for shift in (w.day, w.eve):
        for d in range(7):
            cells[f"min_{shift.id}_{d}"] = integer
            cells[f"ideal_{shift.id}_{d}"] = ideal
    return cells


def _level_cells(w: FuzzWorld) -> list[str]:
    """The names of the levels grid's cells at the site: a person and a competency each."""
    site = db.session.get(Site, w.site.id)
    people = level_service.grid_people(site)
    return [
        f"level_{p.id}_{c.id}"
        for p in people
        for c in level_service.grid_competencies(site, people)
    ]


def read_levels(w: FuzzWorld, _before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """Each cell of the levels grid as stored: the level held, '' where none is."""
    held = {
        (s.staff_id, s.competency_id): s.level.value
        for s in db.session.scalars(db.select(StaffCompetency))
    }
    cells = {}
    for name in _level_cells(w):
        _, person, competency = name.split("_")
        cells[name] = held.get((int(person), int(competency)), "")
    return cells


def read_date_cover(w: FuzzWorld, _before: Snapshot, sent: Sent) -> dict[str, Any]:
    """The cover line of the date and shift sent."""
    line = db.session.scalar(
        db.select(CoverRequirement).where(
            CoverRequirement.station_id == w.fill.id,
            CoverRequirement.shift_type_id == sent.choice_id("shift_type_id"),
            CoverRequirement.on_date == sent.day("on_date"),
        )
    )
    return {"minimum": line.minimum, "ideal": line.ideal}


def _station(station: Station) -> dict[str, Any]:
    """A station as its form's fields."""
    return {"name": station.name, "competency_ids": [c.id for c in station.competencies]}


def read_sign_off(w: FuzzWorld, before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """Ben's new level in ETP, and the record of the sign-off."""
    skill = db.session.get(StaffCompetency, w.skill.id)
    record = only_row_added(SignOff, before)
    return {
        "_recorded": (record.to_level, record.valid_until) == (skill.level, skill.valid_until),
        "level": skill.level.value,
        "valid_until": skill.valid_until,
        "note": record.note,
    }


def _competency(c: Competency) -> dict[str, Any]:
    """A competency as its form's fields."""
    return {
        "name": c.name,
        "code": c.code,
        "requalify_days": c.requalify_days,
        "prerequisite_id": c.prerequisite_id,
    }


COMPETENCY = {"name": text, "code": code, "requalify_days": integer, "prerequisite_id": choice_id}


def _certification(cert: Certification) -> dict[str, Any]:
    """A certification as its form's fields, with whose it is."""
    return {
        "_owner": cert.staff_id,
        "name": cert.name,
        "number": cert.number,
        "issued": cert.issued,
        "expires": cert.expires,
    }


CERTIFICATION = {"_owner": ann, "name": text, "number": text, "issued": day, "expires": day}
COUNTS = (
    "max_consecutive_days",
    "min_consecutive_days",
    "min_consecutive_days_off",
    "max_weekends_per_4_weeks",
    "max_trainees",
)


def _person(person: Staff) -> dict[str, Any]:
    """A member of staff as the person form's fields (hours kept in stored minutes)."""
    return {
        "name": person.name,
        "role": person.role.value,
        "certified": person.certified,
        "home_site_id": person.home_site_id,
        "active": person.active,
        "min_hours": person.min_minutes_per_week,
        "max_hours": person.max_minutes_per_week,
        "min_rest_hours": person.min_rest_minutes,
        **{name: getattr(person, name) for name in COUNTS},
    }


PERSON = {
    "name": text,
    "role": as_sent,
    "certified": ticked,
    "home_site_id": integer,
    "active": ticked,
    "min_hours": minutes,
    "max_hours": minutes,
    "min_rest_hours": minutes,
    **dict.fromkeys(COUNTS, integer),
}


def read_new_skill(_w: FuzzWorld, before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """The competency level added to Ann's record."""
    skill = only_row_added(StaffCompetency, before)
    return {
        "_owner": skill.staff_id,
        "competency_id": skill.competency_id,
        "level": skill.level.value,
        "valid_until": skill.valid_until,
    }


def until_or_interval(sent: Sent, name: str, w: FuzzWorld) -> date | None:
    """The expiry typed, or when blank the competency's requalification interval from today."""
    competency = db.session.get(Competency, sent.choice_id("competency_id"))
    return sent.day(name) or default_valid_until(competency, w.today)


def read_edit_skill(w: FuzzWorld, _before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """Ben's level in ETP."""
    skill = db.session.get(StaffCompetency, w.skill.id)
    return {"level": skill.level.value, "valid_until": skill.valid_until}


def read_record_leave(_w: FuzzWorld, before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """The leave a manager recorded."""
    leave = only_row_added(Leave, before)
    return {
        "staff_id": leave.staff_id,
        "start_date": leave.start_date,
        "end_date": leave.end_date,
        "kind": leave.kind.value,
        "shift_type_id": leave.shift_type_id,
        "approved": leave.approved,
        "note": leave.note,
    }


def added(model, describe: Callable[[Any], dict[str, Any]]) -> Stored:
    """Read back the one row of ``model`` an accepted post added."""
    return lambda _w, before, _sent: describe(only_row_added(model, before))


def edited(model, row: Callable[[FuzzWorld], Any], describe) -> Stored:
    """Read back the row of ``model`` an accepted post edited."""
    return lambda w, before, _sent: describe(db.session.get(model, row(w).id))


def email(sent: Sent, name: str, _w: FuzzWorld) -> str | None:
    """An email as stored: trimmed, in lower case; None when left blank."""
    return sent.text(name).strip().lower() or None


def read_invited(_w: FuzzWorld, before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """The account an invitation made, and whether it waits for its person's password."""
    user = only_row_added(User, before)
    return {
        "_waiting": (user.active, account_service.has_password(user)),
        "name": user.name,
        "email": user.email,
        "role": user.role.value,
        "staff_id": user.staff_id,
    }


def read_role(w: FuzzWorld, _before: Snapshot, _sent: Sent) -> dict[str, Any] | None:
    """The technician account's role (None while unchanged: refused, or the same role sent)."""
    user = db.session.get(User, w.users["technician"].id)
    return None if user.role.value == "technician" else {"role": user.role.value}


def read_bulk(w: FuzzWorld, before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """Each technician's email field as the accounts it made: the email, or None for none."""
    made = {u.staff_id: u.email for u in rows_added(User, before)}
    return {f"email_{p.id}": made.get(p.id) for p in w.people.values()}


def bulk_fields(w: FuzzWorld) -> dict[str, Reader]:
    """What each technician's email field should make."""
    return {f"email_{p.id}": email for p in w.people.values()}


def read_password_set(w: FuzzWorld, _before: Snapshot, _sent: Sent) -> dict[str, Any] | None:
    """Whether the pharmacist-in-charge's reset link was used (None while it was not)."""
    user = db.session.get(User, w.users["pic"].id)
    return None if user.check_password(PASSWORD) else {"_set": True}


def read_own_password(w: FuzzWorld, _before: Snapshot, _sent: Sent) -> dict[str, Any] | None:
    """Whether the technician's password changed (None while it did not)."""
    user = db.session.get(User, w.users["technician"].id)
    return None if user.check_password(PASSWORD) else {"_changed": True}


def password_is(role: str) -> Callable[[FuzzWorld, Sent], None]:
    """After an accepted form, the account's password is the new one sent."""

    def check(w: FuzzWorld, sent: Sent) -> None:
        user = db.session.get(User, w.users[role].id)
        assert user.check_password(sent.text("password")), "the new password was not kept"

    return check


NEW_PASSWORD = "a quiet shelf of amber bottles"


# ----- the cases ----------------------------------------------------------------------------


def _week_page(w: FuzzWorld) -> str:
    """The draft week's page, where the rota buttons are."""
    return f"/rotas/{w.site.id}/{w.week}"


def _stuck_week_page(w: FuzzWorld) -> str:
    """The later week whose solve found no rota because of Dov's pin, with the drop button."""
    return f"/rotas/{w.site.id}/{w.failed_run.week_start.isoformat()}"


def _person_page(w: FuzzWorld) -> str:
    """Ann's record, where her buttons are."""
    return f"/staff/{w.people['Ann'].id}"


def _open_slot(w: FuzzWorld) -> str:
    """The replacements page of the draft's Saturday day shift at order entry (nobody on it)."""
    saturday = w.rota.week_start + timedelta(days=5)
    query = urlencode({"on_date": saturday.isoformat(), "shift": w.day.id, "station": w.entry.id})
    return f"/rotas/{w.site.id}/{w.week}/replacements?{query}"


def _days_on(w: FuzzWorld, days: int) -> str:
    """The site's date ``days`` from today, as a date field takes it."""
    return (w.today + timedelta(days=days)).isoformat()


def _login_names(w: FuzzWorld) -> list[str]:
    """What is worth typing at the sign-in form: the accounts' emails and the password."""
    return [PASSWORD, *(u.email for u in w.users.values())]


AREA_PAGES: dict[str, Callable[[FuzzWorld], list[str]]] = {  # pages that show what was saved
    "me": lambda w: ["/me/", "/me/wishes", "/me/ce", "/calendar/download.ics", "/signoff/"],
    "staff": lambda w: [
        f"/staff/{w.people['Ann'].id}",
        f"/staff/{w.people['Ben'].id}",
        f"/staff/?site={w.site.id}",
        f"/staff/leave?site={w.site.id}",
        f"/staff/wishes?site={w.site.id}&week={w.week}",
        f"/skills/matrix?site={w.site.id}",
    ],
    "setup": lambda w: [
        "/setup/",
        f"/setup/sites/{w.site.id}",
        f"/setup/sites/{w.other_site.id}",
        f"/setup/stations/{w.fill.id}/cover",
        _week_page(w),
    ],
    "skills": lambda w: [
        "/skills/",
        f"/skills/matrix?site={w.site.id}",
        f"/staff/{w.people['Ben'].id}",
    ],
    "signoff": lambda w: ["/signoff/", "/signoff/history", f"/skills/matrix?site={w.site.id}"],
    "guide": lambda w: [
        f"/start/levels?site={w.site.id}",
        f"/skills/matrix?site={w.site.id}",
        f"/staff/{w.people['Ben'].id}",
    ],
    "rotas": lambda w: [_week_page(w), f"/staff/leave?site={w.site.id}"],
    "accounts": lambda w: [
        "/accounts/",
        "/accounts/mine",
        f"/accounts/technicians?site={w.site.id}",
    ],
}


def read_priorities(w: FuzzWorld, _before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """The site's priorities as the priorities form's fields."""
    site = db.session.get(Site, w.site.id)
    current = Priorities.from_settings(site.priorities)
    stored: dict[str, Any] = {"fairness_weeks": site.fairness_weeks}
    for rule in RANKED_DEFAULTS:
        stored[f"level_{rule.value}"] = str(current.level(rule))
        stored[f"strength_{rule.value}"] = current.strength(rule).label
    return stored


PRIORITIES = {
    "fairness_weeks": integer,
    **{
        f"{part}_{rule.value}": as_sent
        for part in ("level", "strength")
        for rule in RANKED_DEFAULTS
    },
}


def read_home_site(w: FuzzWorld, _before: Snapshot, _sent: Sent) -> dict[str, Any]:
    """The site the supervisor's pages now open on."""
    return {"site": db.session.get(User, w.users["supervisor"].id).home_site_id}


def _site_reader(row: Callable[[FuzzWorld, Snapshot], Site]) -> Stored:
    """Read back the site an accepted post saved (the row found by ``row``)."""
    return lambda w, before, _sent: _site(row(w, before), before)


CASES = [
    # signing in and out, calendar links
    Case(
        "auth.login",
        lambda w: "/auth/login",
        role=None,
        form="LoginForm",
        saves=Saves(read_login, {}, also=signed_in_rightly),
        names=_login_names,
        valid=lambda w: {"email": w.users["supervisor"].email, "password": PASSWORD},
    ),
    Case("auth.logout", lambda w: "/auth/logout", page=lambda w: "/"),
    # the home page's own setting: the site pages open on
    Case(
        "main.home_site",
        lambda w: "/home-site",
        form="HomeSiteForm",
        page=lambda w: "/",
        saves=Saves(read_home_site, {"site": choice_id}),
    ),
    Case(
        "calendar.reset",
        lambda w: "/calendar/reset",
        role="technician",
        page=lambda w: "/calendar/",
    ),
    Case(
        "calendar.revoke",
        lambda w: "/calendar/revoke",
        role="technician",
        page=lambda w: "/calendar/",
    ),
    # accounts
    Case(
        "accounts.invite",
        lambda w: "/accounts/invite",
        form="InviteForm",
        page=lambda w: "/accounts/",
        saves=Saves(
            read_invited,
            {
                "_waiting": exactly((False, False)),
                "name": text,
                "email": email,
                "role": as_sent,
                "staff_id": choice_id,
            },
        ),
        valid=lambda w: {"name": "Eve", "email": "eve@example.org"},
    ),
    Case(
        "accounts.role",
        lambda w: f"/accounts/{w.users['technician'].id}/role",
        form="RoleForm",
        page=lambda w: "/accounts/",
        saves=Saves(read_role, {"role": as_sent}),
    ),
    Case(
        "accounts.deactivate",
        lambda w: f"/accounts/{w.users['technician'].id}/deactivate",
        page=lambda w: "/accounts/",
    ),
    Case(
        "accounts.reactivate",
        lambda w: f"/accounts/{w.users['technician'].id}/reactivate",
        page=lambda w: "/accounts/",
    ),
    Case(
        "accounts.reset",
        lambda w: f"/accounts/{w.users['technician'].id}/reset",
        page=lambda w: "/accounts/",
    ),
    Case(
        "accounts.technicians",
        lambda w: f"/accounts/technicians?site={w.site.id}",
        form="TechnicianAccountsForm",
        saves=lambda w: Saves(read_bulk, bulk_fields(w)),
        valid=lambda w: {f"email_{w.people['Ben'].id}": "ben@example.org"},
    ),
    Case(
        "accounts.welcome",
        lambda w: f"/accounts/welcome/{w.welcome}",
        role=None,
        form="SetPasswordForm",
        saves=Saves(read_password_set, {"_set": exactly(True)}, also=password_is("pic")),
        valid=lambda w: {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    Case(
        "accounts.mine",
        lambda w: "/accounts/mine",
        role="technician",
        form="ChangePasswordForm",
        saves=Saves(read_own_password, {"_changed": exactly(True)}, also=password_is("technician")),
        valid=lambda w: {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    ),
    # a technician's own page
    Case(
        "me.ce",
        lambda w: "/me/ce",
        role="technician",
        form="CEEntryForm",
        saves=Saves(
            read_ce,
            {
                "_owner": ann,
                "on_date": day,
                "topic": text,
                "category": as_sent,
                "hours": lambda s, n, w: float(s.decimal(n)),
            },
        ),
        # hours done last week: only a day up to today is accepted
        valid=lambda w: {
            "on_date": _days_on(w, -7),
            "hours": "1.5",
            "topic": "Sterile compounding",
        },
    ),
    Case(
        "me.seen_changes",
        lambda w: "/me/changes/seen",
        role="technician",
        form="SeenChangesForm",
        page=lambda w: "/me/",  # shown while a re-published week changed Ann's shifts
        saves=Saves(read_seen, {"_unseen": exactly(0), "shown": seen_up_to}),
    ),
    Case(
        "me.new_leave",
        lambda w: "/me/leave/new",
        role="technician",
        form="LeaveForm",
        valid=lambda w: {"start_date": _days_on(w, 100), "end_date": _days_on(w, 101)},
        saves=Saves(
            read_own_leave,
            {
                "_owner": ann,
                "_approved": exactly(False),
                "start_date": day,
                "end_date": day,
                "kind": as_sent,
                "shift_type_id": choice_id,
                "note": text,
            },
        ),
    ),
    Case(
        "me.new_request",
        lambda w: "/me/requests/new",
        role="technician",
        form="ShiftRequestForm",
        saves=Saves(
            read_request,
            {
                "_owner": ann,
                "on_date": day,
                "shift_type_id": choice_id,
                "want": lambda s, n, w: s.text(n) == "yes",
            },
        ),
    ),
    Case(
        "me.new_offer",
        lambda w: "/me/offers/new",
        role="technician",
        form="VolunteerForm",
        saves=Saves(
            read_offer,
            {
                "_owner": ann,
                "week_start": as_sent,
                "kind": as_sent,
                "duty_id": only_for("duty"),
                "station_id": only_for("station"),
                "count": integer,
                "note": text,
            },
        ),
    ),
    Case(
        "me.withdraw",
        lambda w: f"/me/leave/{w.own_leave.id}/withdraw",
        role="technician",
        page=lambda w: "/me/wishes",
    ),
    # rotas (a started solve shows the week solving live rather than a message)
    Case(
        "rotas.solve",
        lambda w: f"/rotas/{w.site.id}/{w.week}/solve",
        form="SolveForm",
        page=_week_page,
        saves=Saves(read_nothing, {}, also=solve_asked),
        refusals=(409,),
        says_so=False,
    ),
    Case(
        "rotas.absence",
        lambda w: f"/rotas/{w.site.id}/{w.week}/absence",
        form="AbsenceForm",
        saves=Saves(
            read_absence,
            {
                "_sick": exactly((True, "sick")),
                "staff": integer,
                "start": day,
                "end": day,
                "note": absence_note,
            },
            also=solve_asked,
        ),
        refusals=(409,),
        # someone who works that week, the shifts it uncovers seen: saved and re-planned
        valid=lambda w: {"staff": str(w.assignment.staff_id), "confirm": "yes"},
    ),
    Case(
        "rotas.move",
        lambda w: f"/rotas/assignments/{w.assignment.id}/move",
        form="MoveForm",
        saves=Saves(read_move, {"on_date": as_sent, "shift": integer, "place": as_sent}),
        refusals=(409,),
    ),
    Case(
        "rotas.assign",
        lambda w: f"/rotas/{w.site.id}/{w.week}/assign",
        form="AssignForm",
        page=_open_slot,
        saves=Saves(
            read_assign,
            {
                "_pinned": exactly(True),
                "staff": integer,
                "on_date": as_sent,
                "shift": integer,
                "station": integer,
            },
        ),
        refusals=(404, 409),
    ),
    Case(
        "rotas.pin",
        lambda w: f"/rotas/assignments/{w.assignment.id}/pin",
        form="RotaStateForm",
        page=_week_page,
        refusals=(404, 409),
    ),
    Case(
        "rotas.drop_pin",
        lambda w: f"/rotas/assignments/{w.pin.id}/drop-pin",
        form="RotaStateForm",
        page=_stuck_week_page,
        saves=Saves(read_drop_pin, {"_kept": _pin_kept}),
        refusals=(404, 409),
    ),
    Case(
        "rotas.remove",
        lambda w: f"/rotas/assignments/{w.assignment.id}/remove",
        form="RotaStateForm",
        page=_week_page,
        refusals=(404, 409),
    ),
    Case(
        "rotas.submit",
        lambda w: f"/rotas/versions/{w.rota.id}/submit",
        page=_week_page,
        refusals=(409,),
    ),
    Case(
        "rotas.approve",
        lambda w: f"/rotas/versions/{w.rota.id}/approve",
        role="pic",
        page=_week_page,
        refusals=(409,),
    ),
    Case(
        "rotas.publish",
        lambda w: f"/rotas/versions/{w.rota.id}/publish",
        page=_week_page,
        refusals=(409,),
    ),
    Case(
        "rotas.new_draft",
        lambda w: f"/rotas/versions/{w.published.id}/draft",
        form="NewDraftForm",
        page=lambda w: f"{_week_page(w)}?version=1",
        refusals=(409,),
    ),
    Case(
        "rotas.stop",
        lambda w: f"/rotas/runs/{w.run.id}/stop",
        page=lambda w: f"/rotas/runs/{w.run.id}",
    ),
    Case(
        "rotas.approval_policy",
        lambda w: f"/rotas/sites/{w.site.id}/approval",
        form="ApprovalPolicyForm",
        saves=Saves(read_policy, {"requires_approval": ticked}),
    ),
    # set-up
    Case(
        "setup.new_site",
        lambda w: "/setup/sites/new",
        form="SiteForm",
        saves=Saves(_site_reader(lambda w, before: only_row_added(Site, before)), SITE),
    ),
    Case(
        "setup.edit_site",
        lambda w: f"/setup/sites/{w.other_site.id}/edit",
        form="SiteForm",
        saves=Saves(_site_reader(lambda w, _before: db.session.get(Site, w.other_site.id)), SITE),
    ),
    Case(
        "setup.new_station",
        lambda w: f"/setup/sites/{w.site.id}/stations/new",
        form="StationForm",
        saves=Saves(added(Station, _station), {"name": text, "competency_ids": ids}),
    ),
    Case(
        "setup.edit_station",
        lambda w: f"/setup/stations/{w.entry.id}/edit",
        form="StationForm",
        saves=Saves(
            edited(Station, lambda w: w.entry, _station), {"name": text, "competency_ids": ids}
        ),
    ),
    Case(
        "setup.new_shift",
        lambda w: f"/setup/sites/{w.site.id}/shifts/new",
        form="ShiftTypeForm",
        saves=Saves(added(ShiftType, _shift), SHIFT),
        valid=lambda w: {
            "code": "L",
            "name": "Late",
            "start": "19:00",
            "end": "03:00",
            "night": "y",
        },
    ),
    Case(
        "setup.edit_shift",
        lambda w: f"/setup/shifts/{w.eve.id}/edit",
        form="ShiftTypeForm",
        saves=Saves(edited(ShiftType, lambda w: w.eve, _shift), SHIFT),
    ),
    Case(
        "setup.cover",
        lambda w: f"/setup/stations/{w.fill.id}/cover",
        form="CoverGridForm",
        saves=lambda w: Saves(read_cover, cover_cells(w)),
    ),
    Case(
        "setup.date_cover",
        lambda w: f"/setup/stations/{w.fill.id}/cover/dates",
        form="DateCoverForm",
        page=lambda w: f"/setup/stations/{w.fill.id}/cover",
        saves=Saves(read_date_cover, {"minimum": integer, "ideal": integer}),
    ),
    Case(
        "setup.delete_cover",
        lambda w: f"/setup/cover/{w.date_line.id}/delete",
        page=lambda w: f"/setup/stations/{w.fill.id}/cover",
    ),
    Case(
        "setup.new_duty",
        lambda w: f"/setup/sites/{w.site.id}/duties/new",
        form="DutyForm",
        saves=Saves(added(Duty, _duty), DUTY),
    ),
    Case(
        "setup.edit_duty",
        lambda w: f"/setup/duties/{w.duty.id}/edit",
        form="DutyForm",
        saves=Saves(edited(Duty, lambda w: w.duty, _duty), DUTY),
    ),
    Case(
        "setup.archive_station",
        lambda w: f"/setup/stations/{w.entry.id}/archive",
        page=lambda w: f"/setup/sites/{w.site.id}",
    ),
    Case(
        "setup.restore_station",
        lambda w: f"/setup/stations/{w.entry.id}/restore",
        page=lambda w: f"/setup/sites/{w.site.id}",
    ),
    Case(
        "setup.archive_shift",
        lambda w: f"/setup/shifts/{w.eve.id}/archive",
        page=lambda w: f"/setup/sites/{w.site.id}",
    ),
    Case(
        "setup.restore_shift",
        lambda w: f"/setup/shifts/{w.eve.id}/restore",
        page=lambda w: f"/setup/sites/{w.site.id}",
    ),
    Case(
        "setup.archive_duty",
        lambda w: f"/setup/duties/{w.duty.id}/archive",
        page=lambda w: f"/setup/sites/{w.site.id}",
    ),
    Case(
        "setup.restore_duty",
        lambda w: f"/setup/duties/{w.duty.id}/restore",
        page=lambda w: f"/setup/sites/{w.site.id}",
    ),
    Case(
        "setup.new_ratio_rule",
        lambda w: "/setup/ratio-rules/new",
        form="RatioRuleForm",
        saves=Saves(added(RatioRuleSet, _rule), RULE),
    ),
    Case(
        "setup.edit_ratio_rule",
        lambda w: f"/setup/ratio-rules/{w.rule.id}/edit",
        form="RatioRuleForm",
        saves=Saves(edited(RatioRuleSet, lambda w: w.rule, _rule), RULE),
    ),
    Case(
        "setup.priorities",
        lambda w: f"/setup/sites/{w.site.id}/priorities",
        form="PrioritiesForm",
        saves=Saves(read_priorities, PRIORITIES),
    ),
    Case(
        "setup.reset_priorities",
        lambda w: f"/setup/sites/{w.site.id}/priorities/reset",
        page=lambda w: f"/setup/sites/{w.site.id}/priorities",
    ),
    # the guide "Create your pharmacy", and its levels grid
    Case("guide.start", lambda w: "/start/", page=lambda w: "/setup/"),
    Case("guide.leave", lambda w: "/start/leave", page=lambda w: "/setup/"),
    Case(
        "guide.levels",
        lambda w: f"/start/levels?site={w.site.id}",
        form="LevelsForm",
        saves=lambda w: Saves(read_levels, dict.fromkeys(_level_cells(w), as_sent)),
    ),
    # competencies and sign-off
    Case(
        "skills.new",
        lambda w: "/skills/new",
        form="CompetencyForm",
        saves=Saves(added(Competency, _competency), COMPETENCY),
    ),
    Case(
        "skills.edit",
        lambda w: f"/skills/{w.etp.id}/edit",
        form="CompetencyForm",
        saves=Saves(edited(Competency, lambda w: w.etp, _competency), COMPETENCY),
    ),
    Case(
        "skills.archive_competency",
        lambda w: f"/skills/{w.etp.id}/archive",
        page=lambda w: "/skills/",
    ),
    Case(
        "skills.restore_competency",
        lambda w: f"/skills/{w.etp.id}/restore",
        page=lambda w: "/skills/",
    ),
    Case(
        "signoff.sign",
        lambda w: f"/signoff/{w.people['Ben'].id}/{w.etp.id}",
        form="SignOffForm",
        saves=Saves(
            read_sign_off,
            {"_recorded": exactly(True), "level": as_sent, "valid_until": day, "note": text},
        ),
    ),
    # staff
    Case(
        "staff.new",
        lambda w: f"/staff/new?site={w.site.id}",
        form="PersonForm",
        saves=Saves(added(Staff, _person), PERSON),
    ),
    Case(
        "staff.edit",
        lambda w: f"/staff/{w.people['Ann'].id}/edit",
        form="PersonForm",
        saves=Saves(edited(Staff, lambda w: w.people["Ann"], _person), PERSON),
    ),
    Case(
        "staff.deactivate", lambda w: f"/staff/{w.people['Ann'].id}/deactivate", page=_person_page
    ),
    Case("staff.activate", lambda w: f"/staff/{w.people['Ann'].id}/activate", page=_person_page),
    Case(
        "staff.new_skill",
        lambda w: f"/staff/{w.people['Ann'].id}/skills/new",
        form="SkillForm",
        valid=lambda w: {"competency_id": str(w.etp.id), "level": "independent"},
        saves=Saves(
            read_new_skill,
            {
                "_owner": ann,
                "competency_id": choice_id,
                "level": as_sent,
                "valid_until": until_or_interval,
            },
        ),
    ),
    Case(
        "staff.edit_skill",
        lambda w: f"/staff/{w.people['Ben'].id}/skills/{w.skill.id}/edit",
        form="SkillForm",
        saves=Saves(read_edit_skill, {"level": as_sent, "valid_until": day}),
    ),
    Case(
        "staff.remove_skill",
        lambda w: f"/staff/{w.people['Ben'].id}/skills/{w.skill.id}/remove",
        page=lambda w: f"/staff/{w.people['Ben'].id}",
    ),
    Case(
        "staff.new_certification",
        lambda w: f"/staff/{w.people['Ann'].id}/certifications/new",
        form="CertificationForm",
        saves=Saves(added(Certification, _certification), CERTIFICATION),
    ),
    Case(
        "staff.edit_certification",
        lambda w: f"/staff/{w.people['Ann'].id}/certifications/{w.cert.id}/edit",
        form="CertificationForm",
        saves=Saves(edited(Certification, lambda w: w.cert, _certification), CERTIFICATION),
    ),
    Case(
        "staff.delete_certification",
        lambda w: f"/staff/{w.people['Ann'].id}/certifications/{w.cert.id}/delete",
        page=_person_page,
    ),
    Case(
        "staff.new_leave",
        lambda w: f"/staff/leave/new?site={w.site.id}",
        form="LeaveRecordForm",
        saves=Saves(
            read_record_leave,
            {
                "staff_id": choice_id,
                "start_date": day,
                "end_date": day,
                "kind": as_sent,
                "shift_type_id": choice_id,
                "approved": ticked,
                "note": text,
            },
        ),
    ),
    Case(
        "staff.approve_leave",
        lambda w: f"/staff/leave/{w.pending_leave.id}/approve",
        page=lambda w: f"/staff/leave?site={w.site.id}",
    ),
    Case(
        "staff.refuse_leave",
        lambda w: f"/staff/leave/{w.pending_leave.id}/refuse",
        page=lambda w: f"/staff/leave?site={w.site.id}",
    ),
    Case(
        "staff.cancel_leave",
        lambda w: f"/staff/leave/{w.approved_leave.id}/cancel",
        page=lambda w: f"/staff/leave?site={w.site.id}",
    ),
    # an import waiting for confirmation
    Case(
        "sheets.staff_confirm",
        lambda w: f"/sheets/staff/import/{w.token}/confirm",
        form="ConfirmImportForm",
        page=lambda w: f"/sheets/staff/import/{w.token}",
    ),
    Case(
        "sheets.staff_cancel",
        lambda w: f"/sheets/staff/import/{w.token}/cancel",
        page=lambda w: f"/sheets/staff/import/{w.token}",
    ),
]


# ----- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def world(app, tiny_site, tmp_path) -> FuzzWorld:
    """The seeded pharmacy, with a staff file uploaded and waiting for confirmation."""
    app.config["SHEETS_IMPORT_FOLDER"] = str(tmp_path / "imports")
    w = build_world(tiny_site)
    data = (f"Name,Role,Home site,Min hours a week\nEve,technician,{w.site.name},20\n").encode()
    w.token = pending.save(w.users["supervisor"].id, "staff.csv", data).token
    w.welcome = account_service.reset_link(w.users["pic"], None).token  # a link to set a password
    db.session.commit()
    return w


@pytest.fixture
def solves(monkeypatch, world):
    """Solves asked for are recorded (and answered with the finished run), never run."""
    SOLVES.clear()

    def record(site_id, week_start, time_limit, **options) -> int:
        """Note the solve asked for; answer with the finished run."""
        SOLVES.append(
            {"site_id": site_id, "week_start": week_start, "time_limit": time_limit, **options}
        )
        return world.run.id

    monkeypatch.setattr(jobs, "start_solve", record)
    return SOLVES


# ----- the properties ---------------------------------------------------------------------


def _kept_upload(app, token: str) -> Path:
    """The file of the pending upload, to put back before each example."""
    return Path(app.config["SHEETS_IMPORT_FOLDER"]) / f"{token}.json"


def _sensible(form: PageForm, typed: dict[str, str]) -> list[tuple[str, str]]:
    """The form as its page shows it, with ``typed`` filled in (a submit button pressed)."""
    shown = {n: c.default for n, c in form.controls.items()}
    filled = shown | {n: [v] for n, v in typed.items()}
    return [(n, v) for n, values in filled.items() for v in values] + form.submits[:1]


def _form_of(browser: Browser, case: Case, w: FuzzWorld) -> PageForm:
    """The case's form as its page shows it (an empty form for a button without one)."""
    url = case.url(w)
    form = browser.form((case.page or case.url)(w), url)
    if case.form is not None:
        assert form is not None, f"{case.endpoint}: no form posting to {url} on its page"
    return form or PageForm(url, "")


@pytest.mark.usefixtures("solves")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.endpoint)
def test_hostile_input_is_refused_with_a_message_and_changes_nothing(app, client, world, case):
    """Random submissions, then one field at a time spoilt: the properties hold for each."""
    w = world
    user = w.users[case.role] if case.role else None
    browser = Browser(app, client, user)
    form = _form_of(browser, case, w)
    url = case.url(w)
    upload = _kept_upload(app, w.token)  # confirming or cancelling uses the upload up
    kept = upload.read_bytes()
    names = case.names(w) if case.names else w.names()
    saves = case.saves(w) if callable(case.saves) else case.saves
    area = AREA_PAGES.get(case.endpoint.split(".")[0])
    pages = area(w) if area and saves else []  # visited after each accepted sweep variant

    accepted: list[list[tuple[str, str]]] = []

    def one(pairs: list[tuple[str, str]], visit: list[str] = ()) -> None:
        """Post one submission and check every property of the answer."""
        upload.write_bytes(kept)
        outcome = browser.post(url, pairs)
        try:
            assert_safe_page(outcome)
            if outcome.status in REDIRECTS:
                accepted.append(pairs)
                if saves is not None:
                    saves.check(w, Sent(pairs, form), browser.baseline, outcome.changed)
                    for page in visit:  # what was saved must not break the pages showing it
                        shown = browser.get(page)
                        assert shown.status_code < 500, f"{page} after saving: {shown.status_code}"
                if case.form is not None and case.says_so:
                    assert shows_a_message(outcome), "accepted without a message"
            else:
                assert not outcome.changed, "refused, yet changed:\n" + "\n".join(outcome.changed)
                if outcome.status not in case.refusals:
                    assert shows_a_message(outcome), (
                        f"refused ({outcome.status}) without a message beside a field"
                    )
        finally:
            browser.reset(outcome)

    run_examples(submissions(form, w.today, names), one, case.examples(form))
    base = accepted[0] if accepted else _sensible(form, case.valid(w) if case.valid else {})
    if case.form is not None and not accepted:  # the sweep spoils an accepted submission
        one(base)
        assert accepted, f"{case.endpoint}: the sensible submission was refused: {base!r}"
    for pairs in sweep(base, form, names):
        try:
            one(pairs, pages)
        except AssertionError as failure:
            raise AssertionError(f"{failure}\nsubmission: {pairs!r}"[:3000]) from failure


@pytest.mark.parametrize("page", sorted(LIST_FILTERS))
def test_list_filters_take_any_query(app, client, world, page):
    """The filters above the lists (site, week, dates): a bad choice is 404 or explained."""
    browser = Browser(app, client, world.users["supervisor"])
    form = browser.form(page, page)
    assert form is not None, f"{page}: no filter form"

    def one(pairs: list[tuple[str, str]]) -> None:
        """Ask for the list with one filter query."""
        response = browser.get(f"{page}?{urlencode(pairs)}")
        outcome = Outcome(response.status_code, response.get_data(as_text=True), [])
        assert_safe_page(outcome)
        assert outcome.status in (200, 400, 404), outcome.status
        if outcome.status == 400:
            assert shows_a_message(outcome), "a refused filter without a message beside it"

    run_examples(submissions(form, world.today, world.names()), one, 8)


# ----- coverage cannot rot ----------------------------------------------------------------


def _form_classes() -> dict[str, type]:
    """Every form class defined in scheduler/forms/, by name."""
    found = {}
    for module_info in pkgutil.iter_modules(scheduler.forms.__path__):
        module = importlib.import_module(f"scheduler.forms.{module_info.name}")
        for name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, FlaskForm) and value.__module__ == module.__name__:
                found[name] = value
    return found


def test_every_post_route_and_form_is_fuzzed(app):
    """Every POST route has a case, and every form class is posted by one (or fuzzed elsewhere)."""
    posting = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    covered = {case.endpoint for case in CASES} | set(FUZZED_ELSEWHERE)
    assert sorted(posting - covered) == [], "POST routes without a fuzz case"
    assert sorted(covered - posting) == [], "fuzz cases of routes that no longer exist"

    fuzzed = {case.form for case in CASES} | set(FUZZED_ELSEWHERE.values())
    fuzzed |= set(LIST_FILTERS.values())
    classes = _form_classes()
    unfuzzed = [
        n for n in classes if n not in fuzzed and not n.startswith("_") and n != AppForm.__name__
    ]
    assert unfuzzed == [], "form classes no case posts"


def test_every_form_is_checked_for_unusable_values_first(app):
    """Each form class derives from AppForm, which checks every value before other rules."""
    strays = [n for n, cls in _form_classes().items() if not issubclass(cls, AppForm)]
    assert strays == []
