"""A seeded site for walking every route: accounts of each role, a draft rota, leave, skills.

Used by the access matrix and the CSRF walk (tests/web/test_access_matrix.py,
tests/web/test_security.py); each defines a ``seeded`` fixture that calls :func:`seed`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from scheduler.clock import site_today
from scheduler.extensions import db
from scheduler.models import (
    Certification,
    Competency,
    CoverRequirement,
    Duty,
    DutyKind,
    Leave,
    LeaveKind,
    RatioRuleSet,
    RotaStatus,
    ShiftType,
    Site,
    SkillLevel,
    SolveRun,
    SolveStatus,
    Staff,
    StaffCompetency,
    Station,
    User,
)
from scheduler.services import calendar as calendar_service

from .conftest import MONDAY


@dataclass
class Seeded:
    """The accounts and the URL values of the walk."""

    accounts: dict[str, User]
    values: dict[str, dict[str, object]]
    query: dict[str, str]


def named(model, name: str):
    """A row by its name."""
    return db.session.scalar(db.select(model).where(model.name == name))


def tiny_week_rows() -> list[tuple]:
    """A week of the tiny site by hand: Ann and Ben on Central fill, Pat and Quin verifying
    on weekdays, Cat on Saturday; Dov is put at Order entry on Saturday without the
    competency, so the week breaks a hard rule, as a week being worked on often does."""
    day = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "D"))
    eve = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "E"))
    fill, entry = named(Station, "Central fill"), named(Station, "Order entry")
    ann, ben, cat = named(Staff, "Ann"), named(Staff, "Ben"), named(Staff, "Cat")
    pat, quin, dov = named(Staff, "Pat"), named(Staff, "Quin"), named(Staff, "Dov")
    rows = []
    for d in range(5):
        on = MONDAY + timedelta(days=d)
        rows += [
            (ann, on, day, fill),
            (ben, on, eve, fill),
            (pat, on, day, entry),
            (quin, on, eve, entry),
        ]
    rows.append((cat, MONDAY + timedelta(days=5), day, fill))
    rows.append((dov, MONDAY + timedelta(days=5), eve, entry))
    return rows


def seed(tiny_site: Site, make_user, make_rota) -> Seeded:
    """The tiny site with accounts, a draft rota, a solve run, leave, skills and certificates.

    Accounts: the technician Ann, the pharmacist-in-charge Pat, the supervisor Sue (no staff
    record), each with the password 'password-1'. URL values name Ben's rows, so a
    technician's request is about someone else.
    """
    site = tiny_site
    day = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "D"))
    fill = named(Station, "Central fill")
    cf = db.session.scalar(db.select(Competency).where(Competency.code == "CF"))
    rphv = db.session.scalar(db.select(Competency).where(Competency.code == "RPHV"))
    ann, ben = named(Staff, "Ann"), named(Staff, "Ben")
    accounts = {
        "technician": make_user("technician", email="ann@example.org", staff=ann, name="Ann"),
        "pic": make_user("pic", email="pat@example.org", staff=named(Staff, "Pat"), name="Pat"),
        "supervisor": make_user("supervisor", email="sue@example.org", name="Sue"),
    }
    rota = make_rota(site, status=RotaStatus.DRAFT, rows=tiny_week_rows())
    by_key = {(a.staff.name, a.on_date): a for a in rota.assignments}
    run = SolveRun(site=site, week_start=MONDAY, time_limit=5.0, status=SolveStatus.DONE, rota=rota)
    ahead = site_today(site) + timedelta(days=30)

    def leave(person: Staff, offset: int, approved: bool = False) -> Leave:
        return Leave(
            staff=person,
            start_date=ahead + timedelta(days=offset),
            end_date=ahead + timedelta(days=offset),
            kind=LeaveKind.ANNUAL,
            approved=approved,
        )

    leaves = {
        "own": leave(ann, 0),
        "approve": leave(ben, 1),
        "refuse": leave(ben, 2),
        "cancel": leave(ben, 3, approved=True),
    }
    certs = {
        "edit": Certification(staff=ben, name="CPhT", number="1"),
        "delete": Certification(staff=ben, name="CSPT", number="2"),
    }
    spare_skill = StaffCompetency(staff=ben, competency=rphv, level=SkillLevel.OBSERVE)
    date_line = CoverRequirement(station=fill, shift_type=day, on_date=MONDAY, minimum=1, ideal=2)
    duty = Duty(site=site, name="Inventory count", kind=DutyKind.INVENTORY_COUNT, minutes=60)
    rule = RatioRuleSet(jurisdiction="Florida", setting="hospital", techs_per_pharmacist=4)
    db.session.add_all([run, *leaves.values(), *certs.values(), spare_skill, date_line, duty, rule])
    db.session.flush()
    token = calendar_service.issue_token(ann)
    db.session.commit()
    ben_cf = db.session.scalar(
        db.select(StaffCompetency).where(
            StaffCompetency.staff_id == ben.id, StaffCompetency.competency_id == cf.id
        )
    )
    common = {
        "site_id": site.id,
        "week": MONDAY.isoformat(),
        "rota_id": rota.id,
        "staff_id": ben.id,
        "run_id": run.id,
        "station_id": fill.id,
        "line_id": date_line.id,
        "duty_id": duty.id,
        "rule_id": rule.id,
        "shift_id": day.id,
        "competency_id": cf.id,
        "token": "an-upload-that-expired",
        "filename": "css/app.css",
        "user_id": accounts["technician"].id,
    }
    values = {
        "calendar.feed": {"token": token},
        "staff.edit_skill": {"skill_id": ben_cf.id},
        "staff.remove_skill": {"skill_id": spare_skill.id},
        "staff.edit_certification": {"cert_id": certs["edit"].id},
        "staff.delete_certification": {"cert_id": certs["delete"].id},
        "staff.approve_leave": {"leave_id": leaves["approve"].id},
        "staff.refuse_leave": {"leave_id": leaves["refuse"].id},
        "staff.cancel_leave": {"leave_id": leaves["cancel"].id},
        "me.withdraw": {"kind": "leave", "item_id": leaves["own"].id},
        "rotas.move": {"assignment_id": by_key[("Ann", MONDAY)].id},
        "rotas.pin": {"assignment_id": by_key[("Ben", MONDAY)].id},
        "rotas.drop_pin": {"assignment_id": by_key[("Ben", MONDAY)].id},
        "rotas.remove": {"assignment_id": by_key[("Cat", MONDAY + timedelta(days=5))].id},
    }
    values = {endpoint: {**common, **extra} for endpoint, extra in values.items()}
    values["*"] = common
    query = {
        "rotas.replacements": f"?on_date={MONDAY.isoformat()}&shift={day.id}&station={fill.id}",
        "staff.new_leave": f"?site={site.id}",
    }
    return Seeded(accounts, values, query)


def rules(app) -> list[tuple[str, str, str]]:
    """Every (endpoint, method, rule) of the app."""
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, rule.rule))
    return out


def url_of(seeded: Seeded, endpoint: str, rule: str) -> str:
    """The rule's address with the seeded values for its parameters."""
    values = seeded.values.get(endpoint, seeded.values["*"])

    def value(match: re.Match) -> str:
        return str(values[match.group(1)])

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", value, rule) + seeded.query.get(endpoint, "")


def walk_order(app) -> list[tuple[str, str, str]]:
    """GETs first, then POSTs; signing out last."""
    found = rules(app)
    return sorted(found, key=lambda r: (r[0] == "auth.logout", r[1] != "GET"))
