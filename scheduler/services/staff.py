"""Staff records for supervisors: people and contracts, skills, certifications, leave and wishes.

Leave a supervisor refuses is deleted (the model keeps no refused state, and
unapproved leave is planned as a wish not to work); the view flashes what was
refused so the supervisor can tell the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import null

from ..extensions import db
from ..models import (
    CEEntry,
    Certification,
    Competency,
    Leave,
    LeaveKind,
    RotaAssignment,
    ShiftRequest,
    Site,
    SkillLevel,
    Staff,
    StaffCompetency,
    StaffRole,
    User,
    VolunteerOffer,
)
from .setup import taken

ROLE_ORDER = (StaffRole.PHARMACIST, StaffRole.TECHNICIAN, StaffRole.TRAINEE)
CONTRACT_FIELDS = (
    "min_minutes_per_week",
    "max_minutes_per_week",
    "max_consecutive_days",
    "min_consecutive_days",
    "min_consecutive_days_off",
    "max_weekends_per_4_weeks",
    "min_rest_minutes",
    "max_trainees",
)
PERSON_FIELDS = ("name", "role", "certified", "home_site_id", "active", *CONTRACT_FIELDS)


# ----- sites -----------------------------------------------------------------


def all_sites() -> list[Site]:
    """Every site, by name."""
    return list(db.session.scalars(db.select(Site).order_by(Site.name)))


def home_site_of(user: User | None) -> Site | None:
    """The site an account's pages open on: its own choice, else its staff record's home site."""
    if user is None:
        return None
    if user.home_site is not None:
        return user.home_site
    return user.staff.home_site if user.staff is not None else None


def set_home_site(user: User, site: Site) -> None:
    """Record the site an account's pages open on, and commit (the audit log notes it)."""
    user.home_site = site
    db.session.commit()


def chosen_site(site_id: int | None, user: User | None = None) -> Site | None:
    """The site asked for by id (None when it does not exist), else the account's home site,
    else the first site by name."""
    if site_id is not None:
        return db.session.get(Site, site_id)
    home = home_site_of(user)
    if home is not None:
        return home
    return db.session.scalars(db.select(Site).order_by(Site.name).limit(1)).first()


# ----- people and contracts ---------------------------------------------------


def site_staff(site_id: int, active_only: bool = False) -> list[Staff]:
    """The staff whose home is a site, pharmacists first, then by name."""
    query = db.select(Staff).where(Staff.home_site_id == site_id)
    if active_only:
        query = query.where(Staff.active.is_(True))
    people = db.session.scalars(query.order_by(Staff.name)).all()
    return sorted(people, key=lambda p: (ROLE_ORDER.index(p.role), p.name.lower()))


def save_person(person: Staff | None, values: dict[str, Any]) -> Staff:
    """Create a person (when ``person`` is None) or update one from form values, and commit."""
    new = person is None
    if person is None:
        person = Staff()
        db.session.add(person)
    for name in PERSON_FIELDS:
        if name in values:
            value = values[name]
            # null(): a new person's blank "no limit" must be stored as NULL, not the default
            setattr(person, name, null() if new and value is None else value)
    db.session.commit()
    return person


def has_rota_history(person: Staff) -> bool:
    """Whether a person appears in any rota (so their record must be kept, not deleted)."""
    query = db.select(RotaAssignment.id).where(RotaAssignment.staff_id == person.id).limit(1)
    return db.session.scalar(query) is not None


def archived_staff(site_id: int) -> list[Staff]:
    """The archived (inactive) people whose home is a site, by name."""
    return list(
        db.session.scalars(
            db.select(Staff)
            .where(Staff.home_site_id == site_id, Staff.active.is_(False))
            .order_by(Staff.name, Staff.id)
        )
    )


def set_active(person: Staff, active: bool) -> None:
    """Archive (leave out of lists, pickers and every future solve) or restore a person,
    keeping their record and history."""
    person.active = active
    db.session.commit()


# ----- skills and certifications -------------------------------------------------


def skills_of(person: Staff) -> list[StaffCompetency]:
    """A person's competency levels, by competency name."""
    return sorted(person.skills, key=lambda s: s.competency.name.lower())


def competencies_not_held(person: Staff) -> list[Competency]:
    """The competencies in use (not archived) a person holds no level in yet, by name."""
    held = {s.competency_id for s in person.skills}
    rows = db.session.scalars(
        db.select(Competency).where(Competency.archived_at.is_(None)).order_by(Competency.name)
    )
    return [c for c in rows if c.id not in held]


def record_skill(
    person: Staff,
    competency: Competency,
    level: SkillLevel,
    valid_until: date | None,
    skill: StaffCompetency | None = None,
) -> StaffCompetency:
    """Record (or change) a person's level and its valid-until day in one competency, and commit.

    A supervisor's record is not a trainer's sign-off, so the sign-off fields are
    cleared whenever the level changes.
    """
    if skill is None:
        skill = StaffCompetency(staff=person, competency=competency)
        db.session.add(skill)
    if skill.level != level:
        skill.signed_off_by_id = None
        skill.signed_off_at = None
    skill.level = level
    skill.valid_until = valid_until
    db.session.commit()
    return skill


def remove_skill(skill: StaffCompetency) -> None:
    """Remove a competency level recorded by mistake, and commit."""
    db.session.delete(skill)
    db.session.commit()


def certifications_of(person: Staff) -> list[Certification]:
    """A person's certifications, by name."""
    return sorted(person.certifications, key=lambda c: c.name.lower())


def save_certification(
    person: Staff, values: dict[str, Any], cert: Certification | None = None
) -> Certification:
    """Add or update a certification (name, number, issued, expires) of a person, and commit."""
    if cert is None:
        cert = Certification(staff=person)
        db.session.add(cert)
    for name in ("name", "number", "issued", "expires"):
        setattr(cert, name, values[name])
    db.session.commit()
    return cert


def delete_certification(cert: Certification) -> None:
    """Delete a certification, and commit."""
    db.session.delete(cert)
    db.session.commit()


def certification_taken(staff_id: int, name: str, except_id: int | None = None) -> bool:
    """Whether a person already has a certification of this name (ignoring case)."""
    return taken(Certification, "name", name, except_id, staff_id=staff_id)


def ce_log(person: Staff) -> list[CEEntry]:
    """A person's continuing-education entries, newest first."""
    return sorted(person.ce_entries, key=lambda e: (e.on_date, e.id), reverse=True)


# ----- leave -------------------------------------------------------------------


@dataclass(frozen=True)
class SiteLeave:
    """A site's leave that still matters: requests awaiting a decision and approved leave ahead."""

    pending: list[Leave]
    approved: list[Leave]


def site_leave(site: Site, today: date) -> SiteLeave:
    """Pending requests and approved leave of a site's staff that end today or later."""
    rows = db.session.scalars(
        db.select(Leave)
        .join(Staff, Leave.staff_id == Staff.id)
        .where(Staff.home_site_id == site.id, Leave.end_date >= today)
        .order_by(Leave.start_date, Staff.name)
    ).all()
    return SiteLeave(
        pending=[lv for lv in rows if not lv.approved],
        approved=[lv for lv in rows if lv.approved],
    )


def leave_words(leave: Leave) -> str:
    """A leave entry in words, e.g. "Ann's annual leave, Mon 2 Mar to Wed 4 Mar 2026"."""
    shift = leave.shift_type.name if leave.shift_type else None
    return leave_words_of(leave.staff.name, leave.kind, leave.start_date, leave.end_date, shift)


def leave_words_of(
    name: str, kind: LeaveKind, first: date, last: date, shift: str | None = None
) -> str:
    """Leave not saved yet in words, e.g. "Ann's sick leave, Tue 3 Mar 2026 (Day shift only)"."""
    label = kind.label.lower()
    when = (
        f"{first:%a} {first.day} {first:%b %Y}"
        if first == last
        else f"{first:%a} {first.day} {first:%b} to {last:%a} {last.day} {last:%b %Y}"
    )
    only = f" ({shift} shift only)" if shift else ""
    return f"{name}'s {label}, {when}{only}"


def approve_leave(leave: Leave) -> None:
    """Approve a leave request, so the next solve keeps the person off the rota, and commit."""
    leave.approved = True
    db.session.commit()


def remove_leave(leave: Leave) -> str:
    """Delete a leave entry (a refused request, or leave cancelled) and return it in words."""
    words = leave_words(leave)
    db.session.delete(leave)
    db.session.commit()
    return words


def record_leave(person: Staff, values: dict[str, Any]) -> Leave:
    """Record leave for a person on a supervisor's word (e.g. a sick call), and commit."""
    leave = Leave(
        staff=person,
        start_date=values["start_date"],
        end_date=values["end_date"],
        kind=LeaveKind(values["kind"]),
        shift_type_id=values.get("shift_type_id"),
        approved=bool(values.get("approved")),
        note=values.get("note", ""),
    )
    db.session.add(leave)
    db.session.commit()
    return leave


# ----- offers and wishes ------------------------------------------------------------


@dataclass(frozen=True)
class WeekWishes:
    """What a site's staff volunteered for and asked for in one week, for the supervisor."""

    offers: list[VolunteerOffer]
    requests: list[ShiftRequest]
    leave: list[Leave]

    @property
    def empty(self) -> bool:
        """Whether nobody offered or asked anything this week."""
        return not (self.offers or self.requests or self.leave)


def week_wishes(site: Site, week_start: date) -> WeekWishes:
    """The volunteer offers, shift requests and pending leave of a site's staff in a week."""
    end = week_start + timedelta(days=7)
    offers = db.session.scalars(
        db.select(VolunteerOffer)
        .join(Staff, VolunteerOffer.staff_id == Staff.id)
        .where(Staff.home_site_id == site.id, VolunteerOffer.week_start == week_start)
        .order_by(Staff.name, VolunteerOffer.id)
    ).all()
    requests = db.session.scalars(
        db.select(ShiftRequest)
        .join(Staff, ShiftRequest.staff_id == Staff.id)
        .where(
            Staff.home_site_id == site.id,
            ShiftRequest.on_date >= week_start,
            ShiftRequest.on_date < end,
        )
        .order_by(ShiftRequest.on_date, Staff.name)
    ).all()
    leave = db.session.scalars(
        db.select(Leave)
        .join(Staff, Leave.staff_id == Staff.id)
        .where(
            Staff.home_site_id == site.id,
            Leave.approved.is_(False),
            Leave.start_date < end,
            Leave.end_date >= week_start,
        )
        .order_by(Leave.start_date, Staff.name)
    ).all()
    return WeekWishes(list(offers), list(requests), list(leave))
