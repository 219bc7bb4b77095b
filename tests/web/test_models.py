"""The models: relationships, derived values and the constraints the database enforces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from scheduler.extensions import db
from scheduler.models import (
    Duty,
    DutyKind,
    Rota,
    RotaAssignment,
    ShiftType,
    SkillLevel,
    StaffCompetency,
)

from .conftest import MONDAY


def test_site_staff_station_and_skill_relationships(
    make_site, make_competency, make_station, make_staff
):
    site = make_site()
    aseptic = make_competency("ASEP")
    media = make_competency("MF")
    chemo = make_competency("HD", prerequisite=aseptic)
    iv = make_station(site, "IV room", [aseptic, media])
    trainer = make_staff(site, "Tess", {aseptic: "trainer"})
    ann = make_staff(site, "Ann")
    ann.skills.append(
        StaffCompetency(
            competency=aseptic,
            level=SkillLevel.SUPERVISED,
            signed_off_by=trainer,
            valid_until=MONDAY,
        )
    )
    db.session.commit()

    assert site.staff == [trainer, ann]
    assert site.stations == [iv]
    assert aseptic.stations == [iv]
    assert chemo.prerequisite is aseptic
    assert {h.staff.name for h in aseptic.holders} == {"Tess", "Ann"}
    assert ann.skills[0].signed_off_by is trainer
    assert trainer.skills[0].competency is aseptic


def test_enums_are_stored_as_their_string_values(make_site):
    make_site(kind="retail")
    db.session.commit()
    assert db.session.execute(text("SELECT kind FROM sites")).scalar_one() == "retail"


def test_shift_minutes_cross_midnight(make_site, make_shift):
    site = make_site()
    night = make_shift(site, "N", (23, 0), (7, 0), night=True)
    day = make_shift(site, "D", (7, 0), (15, 0))
    night.forbidden_next = [day]
    db.session.commit()
    assert night.minutes == 480
    assert day.minutes == 480
    assert db.session.get(ShiftType, night.id).forbidden_next == [day]


def test_timestamps_come_back_aware_in_utc(make_site):
    site = make_site()
    chicago = timezone(timedelta(hours=-6))
    rota = Rota(
        site=site, week_start=MONDAY, created_at=datetime(2026, 3, 1, 18, 0, tzinfo=chicago)
    )
    db.session.add(rota)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Rota, rota.id).created_at
    assert stored.tzinfo is UTC
    assert stored == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("with_station", "with_duty"), [(False, False), (True, True)])
def test_assignment_needs_exactly_one_of_station_or_duty(
    make_site, make_shift, make_station, make_staff, with_station, with_duty
):
    site = make_site()
    shift = make_shift(site)
    station = make_station(site)
    person = make_staff(site)
    duty = Duty(site=site, name="Inventory count", kind=DutyKind.INVENTORY_COUNT, minutes=240)
    rota = Rota(site=site, week_start=MONDAY)
    db.session.add_all([duty, rota])
    db.session.commit()
    db.session.add(
        RotaAssignment(
            rota=rota,
            staff=person,
            on_date=MONDAY,
            shift_type=shift,
            station=station if with_station else None,
            duty=duty if with_duty else None,
        )
    )
    with pytest.raises(IntegrityError, match="station_xor_duty"):
        db.session.commit()
    db.session.rollback()


def test_cover_line_needs_a_weekday_or_a_date(make_site, make_shift, make_station, make_cover):
    site = make_site()
    shift = make_shift(site)
    station = make_station(site)
    make_cover(station, shift, weekday=0)
    make_cover(station, shift, on_date=MONDAY)
    db.session.commit()
    with pytest.raises(IntegrityError, match="weekday_xor_date"):
        make_cover(station, shift, weekday=1, on_date=MONDAY)
    db.session.rollback()


def test_one_rota_version_per_site_week(make_site, make_rota):
    site = make_site()
    make_rota(site, version=1)
    db.session.commit()
    with pytest.raises(IntegrityError):
        make_rota(site, version=1)
    db.session.rollback()


def test_foreign_keys_are_enforced(make_site, make_shift):
    site = make_site()
    make_shift(site)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(text("INSERT INTO stations (site_id, name) VALUES (999, 'Ghost')"))
    db.session.rollback()
