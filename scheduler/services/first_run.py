"""Create your pharmacy: the set-up steps a new install goes through, each with its state.

An empty install (or one still missing a step) shows these on the home page instead
of a command that would wipe data: each step says what is there already and links to
the page that does it. The steps follow what a rota needs, in order; the guide
(scheduler/guide.py) walks through the first seven, then the first rota.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for

from ..clock import site_today
from ..extensions import db
from ..models import (
    AccountLink,
    AccountRole,
    Competency,
    CoverRequirement,
    Rota,
    ShiftType,
    Site,
    Staff,
    StaffCompetency,
    Station,
    User,
    utcnow,
)
from .accounts import aware, has_password
from .setup_warnings import held_competencies

KEYS = ("site", "shifts", "competencies", "stations", "people", "levels", "accounts", "rota")


@dataclass(frozen=True)
class Step:
    """One step of setting up: done or not, what is there, and where to do it."""

    key: str  # one of KEYS
    short: str  # its name in the guide's list, e.g. "Shift types"
    title: str
    done: bool
    detail: str
    link: str | None
    link_text: str


def _count(query) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(query.subquery())) or 0


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _site_step(site: Site | None) -> Step:
    return Step(
        "site",
        "Site and opening hours",
        "Your pharmacy: name, time zone and opening hours",
        site is not None,
        f"{site.name} ({site.timezone})" if site else "No site yet.",
        url_for("setup.new_site") if site is None else url_for("setup.site", site_id=site.id),
        "Create your pharmacy" if site is None else "Check its hours",
    )


NAMES = {
    "shifts": ("Shift types", "Shift types: when each shift starts and ends, on which days"),
    "competencies": (
        "Competencies",
        "Competencies the stations need, and how often they are requalified",
    ),
    "stations": ("Stations and cover", "Stations and the cover each needs on each shift"),
    "people": ("People", "People, with their contracts"),
    "levels": ("Their competencies", "Who holds which competency, so each station has someone"),
    "accounts": (
        "Accounts",
        "Accounts: the pharmacist-in-charge and the technicians sign in",
    ),
    "rota": ("The first rota", "The first rota"),
}


def _step(key: str, done: bool, detail: str, link: str | None, link_text: str) -> Step:
    short, title = NAMES[key]
    return Step(key, short, title, done, detail, link, link_text)


def _waiting() -> list[Step]:
    """The steps after the site's, before there is a site: nothing to count yet."""
    return [_step(key, False, "Once the site exists", None, "") for key in KEYS[1:]]


def _unstaffed(site: Site) -> list[str]:
    """The site's stations with cover that no active person is qualified for, by name."""
    held = held_competencies(site, site_today(site))
    out = []
    for station in site.stations:
        if station.archived_at is not None:
            continue
        covered = _count(
            db.select(CoverRequirement.id).where(
                CoverRequirement.station_id == station.id, CoverRequirement.minimum > 0
            )
        )
        needs = {c.id for c in station.competencies}
        if covered and not any(needs <= comps for comps in held):
            out.append(station.name)
    return out


def _accounts(role: AccountRole) -> tuple[int, int]:
    """How many accounts of a role can sign in, and how many more are invited (a link open)."""
    users = db.session.scalars(db.select(User).where(User.role == role)).all()
    can_sign_in = sum(1 for u in users if u.active)
    waiting = [u.id for u in users if not u.active and not has_password(u)]
    if not waiting:
        return can_sign_in, 0
    now = utcnow()
    links = db.session.scalars(
        db.select(AccountLink).where(
            AccountLink.user_id.in_(waiting), AccountLink.used_at.is_(None)
        )
    )
    return can_sign_in, len({link.user_id for link in links if aware(link.expires_at) > now})


def _accounts_step() -> Step:
    pic, pic_invited = _accounts(AccountRole.PHARMACIST_IN_CHARGE)
    technicians, technicians_invited = _accounts(AccountRole.TECHNICIAN)
    invited = pic_invited + technicians_invited
    detail = (
        f"{_plural(pic, 'pharmacist-in-charge', 'pharmacists-in-charge')}, "
        f"{_plural(technicians, 'technician', 'technicians')} with an account"
    )
    if invited:
        detail += f"; {invited} more invited, not yet signed in"
    linked = "accounts.index" in current_app.view_functions
    return _step(
        "accounts",
        pic + pic_invited > 0 and technicians + technicians_invited > 0,
        detail,
        url_for("accounts.index") if linked else None,
        "Manage accounts" if linked else "Ask whoever runs the server (flask create-user)",
    )


def _levels_step(site: Site, people: int) -> Step:
    holders = _count(
        db.select(Staff.id)
        .join(StaffCompetency, StaffCompetency.staff_id == Staff.id)
        .where(Staff.home_site_id == site.id, Staff.active)
        .distinct()
    )
    unstaffed = _unstaffed(site)
    detail = f"{holders} of {_plural(people, 'active person', 'active people')} hold a level"
    if unstaffed:
        detail += f"; nobody qualified yet for {', '.join(unstaffed)}"
    return _step(
        "levels",
        people > 0 and holders > 0 and not unstaffed,
        detail,
        url_for("guide.levels", site=site.id),
        "Set everyone's levels",
    )


def steps(site: Site | None) -> list[Step]:
    """The set-up steps for a site (the first one when None), each with its state in words."""
    if site is None:
        return [_site_step(None), *_waiting()]
    shifts = _count(
        db.select(ShiftType.id).where(ShiftType.site_id == site.id, ShiftType.archived_at.is_(None))
    )
    competencies = _count(db.select(Competency.id).where(Competency.archived_at.is_(None)))
    stations = _count(
        db.select(Station.id).where(Station.site_id == site.id, Station.archived_at.is_(None))
    )
    uncovered = _count(
        db.select(Station.id).where(
            Station.site_id == site.id,
            Station.archived_at.is_(None),
            ~db.select(CoverRequirement.id)
            .where(CoverRequirement.station_id == Station.id)
            .exists(),
        )
    )
    people = _count(db.select(Staff.id).where(Staff.home_site_id == site.id, Staff.active))
    rotas = _count(db.select(Rota.id).where(Rota.site_id == site.id))
    return [
        _site_step(site),
        _step(
            "shifts",
            shifts > 0,
            _plural(shifts, "shift type", "shift types"),
            url_for("setup.new_shift", site_id=site.id),
            "Add a shift type",
        ),
        _step(
            "competencies",
            competencies > 0,
            _plural(competencies, "competency", "competencies"),
            url_for("skills.new"),
            "Add a competency",
        ),
        _step(
            "stations",
            stations > 0 and uncovered == 0,
            _plural(stations, "station", "stations")
            + (f", {uncovered} without cover yet" if uncovered else ""),
            url_for("setup.new_station", site_id=site.id),
            "Add a station",
        ),
        _step(
            "people",
            people > 0,
            _plural(people, "active person", "active people"),
            url_for("staff.new", site=site.id),
            "Add a person (or import a spreadsheet from the staff list)",
        ),
        _levels_step(site, people),
        _accounts_step(),
        _step(
            "rota",
            rotas > 0,
            _plural(rotas, "rota version", "rota versions"),
            url_for("main.index") + f"#site-{site.id}",
            "Open this week and press Generate",
        ),
    ]


def unfinished(site: Site | None) -> list[Step] | None:
    """The steps when any is still to do, else None (the pharmacy is set up)."""
    found = steps(site)
    return found if not all(s.done for s in found) else None
