"""A small training world for the technician and sign-off tests: a site, a trainer, a trainee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scheduler.clock import site_today
from scheduler.extensions import db
from scheduler.models import (
    Competency,
    DevelopmentGoal,
    ShiftType,
    Site,
    SkillLevel,
    Staff,
    Station,
)


@dataclass
class World:
    """The rows a test needs by name."""

    site: Site
    today: date
    day: ShiftType
    night: ShiftType
    asep: Competency
    fill: Competency
    iv_room: Station
    central_fill: Station
    trainer: Staff
    trainee: Staff
    other: Staff
    goal: DevelopmentGoal


def build_world(make_site, make_shift, make_competency, make_station, make_staff) -> World:
    """A Chicago hospital with an IV room; Tia trains aseptic technique, Tom is learning it."""
    site = make_site("Lakeside Hospital")
    day = make_shift(site, "D", (7, 0), (15, 0), name="Day")
    night = make_shift(site, "N", (23, 0), (7, 0), name="Night", night=True)
    asep = make_competency("ASEP", name="Aseptic technique", requalify_days=365)
    fill = make_competency("CF", name="Central fill")
    iv_room = make_station(site, "IV room", [asep])
    central_fill = make_station(site, "Central fill", [fill])
    trainer = make_staff(site, "Tia", {asep: "trainer", fill: "independent"})
    trainee = make_staff(site, "Tom", {asep: "supervised", fill: "independent"})
    other = make_staff(site, "Una", {fill: "independent"})
    goal = DevelopmentGoal(
        staff=trainee, competency=asep, target_level=SkillLevel.INDEPENDENT, shifts_needed=4
    )
    db.session.add(goal)
    db.session.commit()
    return World(
        site=site,
        today=site_today(site),
        day=day,
        night=night,
        asep=asep,
        fill=fill,
        iv_room=iv_room,
        central_fill=central_fill,
        trainer=trainer,
        trainee=trainee,
        other=other,
        goal=goal,
    )
