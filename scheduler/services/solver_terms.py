"""Database rows in the solver's words: the solver ids of rows, and stored rotas, assignments,
ratio laws and skill levels as the engine's plain data.

Solver ids carry a prefix and the database id ("p12" is staff 12, "st3" station 3,
"sh2" shift type 2, "d4" duty 4, "c5" competency 5, "s1" site 1); :class:`IdMap`
maps them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .. import solver as sv
from ..models import Rota, RotaAssignment, Site

PREFIX = {
    "site": "s",
    "staff": "p",
    "station": "st",
    "shift": "sh",
    "duty": "d",
    "competency": "c",
}


@dataclass
class IdMap:
    """Solver ids of one problem and the database ids they stand for."""

    sites: dict[str, int] = field(default_factory=dict)
    staff: dict[str, int] = field(default_factory=dict)
    stations: dict[str, int] = field(default_factory=dict)
    shifts: dict[str, int] = field(default_factory=dict)
    duties: dict[str, int] = field(default_factory=dict)
    competencies: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, db_id: int) -> str:
        """Register a database row and return its solver id."""
        key = f"{PREFIX[kind]}{db_id}"
        self._table(kind)[key] = db_id
        return key

    def _table(self, kind: str) -> dict[str, int]:
        return {
            "site": self.sites,
            "staff": self.staff,
            "station": self.stations,
            "shift": self.shifts,
            "duty": self.duties,
            "competency": self.competencies,
        }[kind]

    @staticmethod
    def key(kind: str, db_id: int) -> str:
        """The solver id of a database row (whether or not it is in this problem)."""
        return f"{PREFIX[kind]}{db_id}"


def solver_level(name: str) -> sv.Level:
    """A stored skill level's value ("competent") as the solver's Level."""
    return sv.Level[name.upper()]


def assignment_to_solver(a: RotaAssignment, week_start: date) -> sv.Assignment:
    """One stored assignment in the solver's words, its day counted from ``week_start``."""
    activity = (
        IdMap.key("station", a.station_id)
        if a.station_id is not None
        else IdMap.key("duty", a.duty_id)
    )
    return sv.Assignment(
        person=IdMap.key("staff", a.staff_id),
        day=(a.on_date - week_start).days,
        shift=IdMap.key("shift", a.shift_type_id),
        activity=activity,
        mode=sv.Mode(a.mode.value),
        trainer=IdMap.key("staff", a.trainer_id) if a.trainer_id is not None else None,
    )


def rota_to_solver(rota: Rota) -> sv.Rota:
    """A stored rota as the solver's plain Rota, for the validator or as a reference."""
    return sv.Rota(tuple(assignment_to_solver(a, rota.week_start) for a in rota.assignments))


def ratio_rule(site: Site) -> sv.RatioRule | None:
    """The site's ratio law as the engine reads it, or None when it has none."""
    rule = site.ratio_rule
    if rule is None:
        return None
    return sv.RatioRule(
        name=rule.label,
        techs_per_pharmacist=rule.techs_per_pharmacist,
        offset=rule.offset,
        certified_extra=rule.certified_extra,
        trainees_count=rule.trainees_count,
        source=rule.source,
    )
