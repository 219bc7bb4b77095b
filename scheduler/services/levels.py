"""Levels of a site's people in the competencies it needs, set many at once.

The guide's "Their competencies" step: people down, competencies across, a level in
each cell. A new level counts for the competency's requalification interval from
today at the site, as one added on a person's page does; a changed level loses its
trainer's sign-off (a supervisor's record is not a sign-off). One commit saves all.
"""

from __future__ import annotations

from ..clock import site_today
from ..extensions import db
from ..models import Competency, Site, SkillLevel, Staff, StaffCompetency
from .signoff import default_valid_until
from .skills import matrix_competencies
from .staff import site_staff


def grid_people(site: Site) -> list[Staff]:
    """The site's active people, pharmacists first, then by name."""
    return site_staff(site.id, active_only=True)


def grid_competencies(site: Site, people: list[Staff]) -> list[Competency]:
    """The competencies its stations or duties need or its people hold; every competency in
    use when none is yet."""
    needed = [c for c in matrix_competencies(site, people) if c.archived_at is None]
    if needed:
        return needed
    return list(
        db.session.scalars(
            db.select(Competency).where(Competency.archived_at.is_(None)).order_by(Competency.name)
        )
    )


def held_levels(people: list[Staff]) -> dict[tuple[int, int], SkillLevel]:
    """(staff id, competency id) -> the level held, for these people."""
    return {(s.staff_id, s.competency_id): s.level for p in people for s in p.skills}


def save_levels(
    site: Site, people: list[Staff], wanted: dict[tuple[int, int], SkillLevel | None]
) -> int:
    """Record every level chosen that differs from the one held; commit. How many changed.

    None ("not held") leaves a level alone: levels are removed on a person's page.
    """
    today = site_today(site)
    skills = {(s.staff_id, s.competency_id): s for p in people for s in p.skills}
    by_id = {p.id: p for p in people}
    changed = 0
    for (staff_id, competency_id), level in wanted.items():
        skill = skills.get((staff_id, competency_id))
        if level is None or (skill is not None and skill.level == level):
            continue
        if skill is None:
            competency = db.session.get(Competency, competency_id)
            skill = StaffCompetency(
                staff=by_id[staff_id],
                competency=competency,
                valid_until=default_valid_until(competency, today),
            )
            db.session.add(skill)
        skill.level = level
        skill.signed_off_by_id = None
        skill.signed_off_at = None
        changed += 1
    db.session.commit()
    return changed
