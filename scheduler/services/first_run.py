"""Create your pharmacy: the set-up steps a new install goes through, each with its state.

An empty install (or one still missing a step) shows these on the home page instead
of a command that would wipe data: each step says what is there already and links to
the page that does it. The steps follow what a rota needs, in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for

from ..extensions import db
from ..models import (
    AccountRole,
    Competency,
    CoverRequirement,
    Rota,
    ShiftType,
    Site,
    Staff,
    Station,
    User,
)


@dataclass(frozen=True)
class Step:
    """One step of setting up: done or not, what is there, and where to do it."""

    title: str
    done: bool
    detail: str
    link: str | None
    link_text: str


def _count(query) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(query.subquery())) or 0


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def steps(site: Site | None) -> list[Step]:
    """The set-up steps for a site (the first one when None), each with its state in words."""
    out = [
        Step(
            "Your pharmacy: name, time zone and opening hours",
            site is not None,
            f"{site.name} ({site.timezone})" if site else "No site yet.",
            url_for("setup.new_site") if site is None else url_for("setup.site", site_id=site.id),
            "Create your pharmacy" if site is None else "Check its hours",
        )
    ]
    if site is None:
        return out
    in_use = Station.archived_at.is_(None)  # archived rows are not counted
    shifts = _count(
        db.select(ShiftType.id).where(ShiftType.site_id == site.id, ShiftType.archived_at.is_(None))
    )
    competencies = _count(db.select(Competency.id).where(Competency.archived_at.is_(None)))
    stations = _count(db.select(Station.id).where(Station.site_id == site.id, in_use))
    uncovered = _count(
        db.select(Station.id).where(
            Station.site_id == site.id,
            in_use,
            ~db.select(CoverRequirement.id)
            .where(CoverRequirement.station_id == Station.id)
            .exists(),
        )
    )
    people = _count(db.select(Staff.id).where(Staff.home_site_id == site.id, Staff.active))
    pic = _count(
        db.select(User.id).where(User.role == AccountRole.PHARMACIST_IN_CHARGE, User.active)
    )
    technicians = _count(db.select(User.id).where(User.role == AccountRole.TECHNICIAN, User.active))
    rotas = _count(db.select(Rota.id).where(Rota.site_id == site.id))
    accounts = url_for("accounts.index") if "accounts.index" in current_app.view_functions else None
    out += [
        Step(
            "Shift types: when each shift starts and ends, on which days",
            shifts > 0,
            _plural(shifts, "shift type", "shift types"),
            url_for("setup.new_shift", site_id=site.id),
            "Add a shift type",
        ),
        Step(
            "Competencies the stations need, and how often they are requalified",
            competencies > 0,
            _plural(competencies, "competency", "competencies"),
            url_for("skills.new"),
            "Add a competency",
        ),
        Step(
            "Stations and the cover each needs on each shift",
            stations > 0 and uncovered == 0,
            _plural(stations, "station", "stations")
            + (f", {uncovered} without cover yet" if uncovered else ""),
            url_for("setup.new_station", site_id=site.id),
            "Add a station",
        ),
        Step(
            "People, with their contracts and competencies",
            people > 0,
            _plural(people, "active person", "active people"),
            url_for("staff.new"),
            "Add a person (or import a spreadsheet from the staff list)",
        ),
        Step(
            "Accounts: the pharmacist-in-charge and the technicians sign in",
            pic > 0 and technicians > 0,
            f"{_plural(pic, 'pharmacist-in-charge', 'pharmacists-in-charge')}, "
            f"{_plural(technicians, 'technician', 'technicians')} with an account",
            accounts,
            "Manage accounts" if accounts else "Ask whoever runs the server (flask create-user)",
        ),
        Step(
            "The first rota",
            rotas > 0,
            _plural(rotas, "rota version", "rota versions"),
            url_for("main.index") + f"#site-{site.id}",
            "Open this week and press Generate",
        ),
    ]
    return out


def unfinished(site: Site | None) -> list[Step] | None:
    """The steps when any is still to do, else None (the pharmacy is set up)."""
    found = steps(site)
    return found if not all(s.done for s in found) else None
