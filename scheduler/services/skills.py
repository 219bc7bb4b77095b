"""Competencies and the skills matrix: who holds which level of what, and until when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..extensions import db
from ..models import Competency, Site, SkillLevel, Staff, StaffCompetency
from ..models.people import level_rank
from .archive import competencies_in_use
from .development import SKILL_WARNING_DAYS
from .setup import clash as setup_clash
from .staff import ROLE_ORDER

LEVEL_ABBREVIATIONS = {
    SkillLevel.OBSERVE: "Obs",
    SkillLevel.SUPERVISED: "Sup",
    SkillLevel.INDEPENDENT: "Ind",
    SkillLevel.TRAINER: "Trn",
}


# ----- competencies ----------------------------------------------------------


def all_competencies() -> list[Competency]:
    """Every competency in use (not archived), by name: the list and the forms' choices."""
    return competencies_in_use()


def holders_count(competency: Competency) -> int:
    """How many people hold any level in a competency."""
    return len(competency.holders)


def clash(column: str, value: str, except_id: int | None = None) -> Competency | None:
    """Another competency (archived or not) that has this name or code (ignoring case)."""
    return setup_clash(Competency, column, value, except_id)


def prerequisite_loops(competency_id: int | None, prerequisite_id: int | None) -> bool:
    """Whether making ``prerequisite_id`` the prerequisite of a competency would form a loop."""
    if competency_id is None or prerequisite_id is None:
        return False
    seen: set[int] = set()
    current = db.session.get(Competency, prerequisite_id)
    while current is not None and current.id not in seen:
        if current.id == competency_id:
            return True
        seen.add(current.id)
        current = current.prerequisite
    return False


def save_competency(competency: Competency | None, values: dict[str, Any]) -> Competency:
    """Create or update a competency (name, code, requalification days, prerequisite); commit."""
    if competency is None:
        competency = Competency()
        db.session.add(competency)
    competency.name = values["name"]
    competency.code = values["code"]
    competency.requalify_days = values["requalify_days"]
    competency.prerequisite_id = values["prerequisite_id"]
    db.session.commit()
    return competency


# ----- the skills matrix --------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One person's standing in one competency, as the matrix shows it."""

    level: SkillLevel | None
    valid_until: date | None
    state: str | None  # "expired", "soon" or None

    @property
    def abbreviation(self) -> str:
        """The level's short form (Obs, Sup, Ind, Trn), or '' when none is held."""
        return LEVEL_ABBREVIATIONS[self.level] if self.level else ""

    @property
    def label(self) -> str:
        """The level in words, or 'None'."""
        return self.level.label if self.level else "None"


@dataclass(frozen=True)
class Row:
    """A person and their cells, one per competency of the matrix."""

    person: Staff
    cells: list[Cell]


@dataclass(frozen=True)
class Group:
    """The people of one role."""

    role: str
    rows: list[Row]


@dataclass(frozen=True)
class Matrix:
    """People down (grouped by role), competencies across, and per competency who can cover it."""

    competencies: list[Competency]
    groups: list[Group]
    qualified: list[int]  # independent or trainer, and valid today, per competency
    trainers: list[int]  # trainer level and valid today, per competency


def expiry_state(valid_until: date | None, today: date) -> str | None:
    """'expired' once the valid-until day has passed, 'soon' within the warning window."""
    if valid_until is None:
        return None
    left = (valid_until - today).days
    if left < 0:
        return "expired"
    return "soon" if left <= SKILL_WARNING_DAYS else None


def matrix_competencies(site: Site, people: list[Staff]) -> list[Competency]:
    """The competencies a site's matrix shows: needed by its stations or duties, or held
    (archived ones left out)."""
    ids = {c.id for st in site.stations_in_use for c in st.competencies}
    ids |= {d.competency_id for d in site.duties_in_use if d.competency_id}
    ids |= {s.competency_id for p in people for s in p.skills}
    if not ids:
        return []
    return list(
        db.session.scalars(
            db.select(Competency)
            .where(Competency.id.in_(ids), Competency.archived_at.is_(None))
            .order_by(Competency.name)
        )
    )


def skills_matrix(site: Site, today: date) -> Matrix:
    """The skills matrix of a site's active staff on a day (valid until judged on that day)."""
    people = list(
        db.session.scalars(
            db.select(Staff)
            .where(Staff.home_site_id == site.id, Staff.active.is_(True))
            .order_by(Staff.name)
        )
    )
    competencies = matrix_competencies(site, people)
    qualified = [0] * len(competencies)
    trainers = [0] * len(competencies)
    groups = []
    for role in ROLE_ORDER:
        rows = []
        for person in (p for p in people if p.role == role):
            held: dict[int, StaffCompetency] = {s.competency_id: s for s in person.skills}
            cells = []
            for i, comp in enumerate(competencies):
                skill = held.get(comp.id)
                if skill is None:
                    cells.append(Cell(None, None, None))
                    continue
                state = expiry_state(skill.valid_until, today)
                cells.append(Cell(skill.level, skill.valid_until, state))
                if state != "expired" and level_rank(skill.level) >= level_rank(
                    SkillLevel.INDEPENDENT
                ):
                    qualified[i] += 1
                    trainers[i] += skill.level == SkillLevel.TRAINER
            rows.append(Row(person, cells))
        if rows:
            groups.append(Group(role.label, rows))
    return Matrix(competencies, groups, qualified, trainers)
