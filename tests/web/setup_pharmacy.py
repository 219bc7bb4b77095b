"""A small pharmacy for the supervisor's pages: shifts, competencies, a station, staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from scheduler.clock import site_today
from scheduler.extensions import db
from scheduler.models import Competency, ShiftType, Site, StaffRole, Station
from scheduler.models import Staff as StaffRow


@dataclass
class Pharmacy:
    """The rows a test needs by name."""

    site: Site
    other_site: Site
    day: ShiftType
    night: ShiftType
    fill: Competency
    sterile: Competency
    central_fill: Station
    ann: StaffRow
    ben: StaffRow
    pat: StaffRow
    zoe: StaffRow  # at the other site

    @property
    def today(self):
        """Today at the site, in its time zone."""
        return site_today(self.site)

    def days(self, n: int):
        """The site's date n days from today."""
        return self.today + timedelta(days=n)


def build_pharmacy(make_site, make_shift, make_competency, make_station, make_staff) -> Pharmacy:
    """A Chicago hospital with a day and a night shift, Ann and Ben (technicians), Pat (RPh)."""
    site = make_site("Lakeside Hospital")
    other = make_site("Hill Pharmacy")
    day = make_shift(site, "D", (7, 0), (15, 0), name="Day")
    night = make_shift(site, "N", (23, 0), (7, 0), name="Night", night=True)
    fill = make_competency("CF", name="Central fill")
    sterile = make_competency("ASEP", name="Aseptic technique", requalify_days=365)
    station = make_station(site, "Central fill", [fill])
    ann = make_staff(site, "Ann", {fill: "independent"})
    ben = make_staff(site, "Ben", {fill: "supervised"})
    pat = make_staff(site, "Pat", role=StaffRole.PHARMACIST, min_minutes_per_week=0)
    zoe = make_staff(other, "Zoe", {fill: "trainer"})
    db.session.commit()
    return Pharmacy(site, other, day, night, fill, sterile, station, ann, ben, pat, zoe)
