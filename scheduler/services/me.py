"""A technician's own week and wishes: published shifts, leave, shift requests, volunteer offers.

Everything here takes the person's staff record and only reads or changes rows
that belong to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ..clock import fixed_today, site_today
from ..dates import monday_of
from ..extensions import db
from ..models import (
    CEEntry,
    Leave,
    ShiftRequest,
    Staff,
    StaffCompetency,
    VolunteerOffer,
)
from .development import skill_expiry_note
from .rota_pages import PublishedShift, published_shifts

# ----- time ----------------------------------------------------------------


def today_for(staff: Staff | None) -> date:
    """Today at a person's home site, or in UTC for an account without a staff record."""
    if staff is not None:
        return site_today(staff.home_site)
    return fixed_today() or datetime.now(UTC).date()


# ----- my shifts -----------------------------------------------------------


def my_shifts(staff: Staff, start: date, end: date) -> list[PublishedShift]:
    """A person's shifts on dates in [start, end) from published rotas only, in date order."""
    return published_shifts(staff.id, start, end - timedelta(days=1))


@dataclass(frozen=True)
class MySkill:
    """One of my competencies with its level, valid-until day and a warning text when it is near."""

    name: str
    level: str
    valid_until: date | None
    warning: str | None
    signed_off_by: str | None


def my_skills(staff: Staff, today: date) -> list[MySkill]:
    """A person's competencies, by name, each with a note ('Valid until Tue 3 Mar (in N days)')."""
    rows = db.session.scalars(
        db.select(StaffCompetency).where(StaffCompetency.staff_id == staff.id)
    ).all()
    return sorted(
        (
            MySkill(
                name=sk.competency.name,
                level=sk.level.value,
                valid_until=sk.valid_until,
                warning=skill_expiry_note(sk.valid_until, today),
                signed_off_by=sk.signed_off_by.name if sk.signed_off_by is not None else None,
            )
            for sk in rows
        ),
        key=lambda s: s.name,
    )


# ----- wishes --------------------------------------------------------------


def overlapping_leave(staff_id: int, start: date, end: date) -> Leave | None:
    """A person's existing leave that shares a day with [start, end], if any."""
    return db.session.scalar(
        db.select(Leave)
        .where(Leave.staff_id == staff_id, Leave.start_date <= end, Leave.end_date >= start)
        .order_by(Leave.start_date)
        .limit(1)
    )


def duplicate_request(staff_id: int, on_date: date, shift_type_id: int | None) -> bool:
    """Whether a person already asked about this date and shift (or whole day)."""
    query = db.select(ShiftRequest.id).where(
        ShiftRequest.staff_id == staff_id, ShiftRequest.on_date == on_date
    )
    if shift_type_id is None:
        query = query.where(ShiftRequest.shift_type_id.is_(None))
    else:
        query = query.where(ShiftRequest.shift_type_id == shift_type_id)
    return db.session.scalar(query.limit(1)) is not None


def _save(row):
    """Add one new row of the person's and commit it."""
    db.session.add(row)
    db.session.commit()
    return row


def add_leave(staff: Staff, **fields) -> Leave:
    """Record a leave request, not yet approved (until then planned as a wish not to work)."""
    return _save(Leave(staff=staff, approved=False, **fields))


def add_request(staff: Staff, **fields) -> ShiftRequest:
    """Record a shift wanted or not wanted."""
    return _save(ShiftRequest(staff=staff, **fields))


def add_offer(staff: Staff, **fields) -> VolunteerOffer:
    """Record an offer for a week: a duty, training others, extra shifts or a station."""
    return _save(VolunteerOffer(staff=staff, **fields))


def add_ce(staff: Staff, **fields) -> CEEntry:
    """Log hours of continuing education."""
    return _save(CEEntry(staff=staff, **fields))


def can_withdraw(item: Leave | ShiftRequest | VolunteerOffer, today: date) -> bool:
    """Whether a person may still withdraw a wish: pending leave, or a request or offer ahead."""
    if isinstance(item, Leave):
        return not item.approved and item.end_date >= today
    if isinstance(item, ShiftRequest):
        return item.on_date >= today
    return item.week_start + timedelta(days=6) >= today


def withdraw(item: Leave | ShiftRequest | VolunteerOffer) -> None:
    """Delete one of a person's own wishes."""
    db.session.delete(item)
    db.session.commit()


@dataclass(frozen=True)
class MyWishes:
    """A person's leave, shift requests and offers from this week on."""

    leave: list[Leave]
    requests: list[ShiftRequest]
    offers: list[VolunteerOffer]


def my_wishes(staff: Staff, today: date) -> MyWishes:
    """A person's leave ending today or later, requests from today and offers from this week."""
    leave = db.session.scalars(
        db.select(Leave)
        .where(Leave.staff_id == staff.id, Leave.end_date >= today)
        .order_by(Leave.start_date)
    ).all()
    requests = db.session.scalars(
        db.select(ShiftRequest)
        .where(ShiftRequest.staff_id == staff.id, ShiftRequest.on_date >= today)
        .order_by(ShiftRequest.on_date)
    ).all()
    offers = db.session.scalars(
        db.select(VolunteerOffer)
        .where(VolunteerOffer.staff_id == staff.id, VolunteerOffer.week_start >= monday_of(today))
        .order_by(VolunteerOffer.week_start, VolunteerOffer.id)
    ).all()
    return MyWishes(list(leave), list(requests), list(offers))


def own_item(model, item_id: int, staff: Staff):
    """One of the person's own wishes by id, or None (also when it belongs to someone else)."""
    item = db.session.get(model, item_id)
    if item is None or item.staff_id != staff.id:
        return None
    return item
