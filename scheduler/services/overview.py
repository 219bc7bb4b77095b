"""What the home page shows: each site and the state of its rotas week by week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func

from ..dates import monday_of
from ..extensions import db
from ..models import Rota, RotaStatus, Site, Staff
from .rota_pages import site_score_line

WEEKS_AHEAD = 3


@dataclass(frozen=True)
class WeekStatus:
    """A site's week and its rota state: 'published', 'draft' or 'none'."""

    week_start: date
    status: str
    version: int | None
    assignments: int
    objective: int | None
    published_version: int | None
    score: str = "\u2013"  # the latest version's score level by level, its own site's part
    # the latest draft's approval: 'waiting' (sent to the pharmacist-in-charge), 'approved', ''
    approval: str = ""


@dataclass(frozen=True)
class SiteSummary:
    """One site for the home page."""

    site: Site
    staff_count: int
    weeks: tuple[WeekStatus, ...]


def site_overview(today: date) -> list[SiteSummary]:
    """Every site with its staff count and rota status for last week, this week and the next few."""
    this_week = monday_of(today)
    counts = dict(
        db.session.execute(
            db.select(Staff.home_site_id, func.count(Staff.id))
            .where(Staff.active.is_(True))
            .group_by(Staff.home_site_id)
        ).all()
    )
    out = []
    for site in db.session.scalars(db.select(Site).order_by(Site.name)):
        rotas = db.session.scalars(db.select(Rota).where(Rota.site_id == site.id)).all()
        weeks = {this_week + timedelta(weeks=n) for n in range(-1, WEEKS_AHEAD)}
        weeks.update(r.week_start for r in rotas)
        out.append(
            SiteSummary(
                site=site,
                staff_count=counts.get(site.id, 0),
                weeks=tuple(
                    _week_status(w, [r for r in rotas if r.week_start == w]) for w in sorted(weeks)
                ),
            )
        )
    return out


def _week_status(week: date, rotas: list[Rota]) -> WeekStatus:
    if not rotas:
        return WeekStatus(week, "none", None, 0, None, None)
    latest = max(rotas, key=lambda r: r.version)
    published = [r.version for r in rotas if r.status is RotaStatus.PUBLISHED]
    return WeekStatus(
        week_start=week,
        status=latest.status.value,
        version=latest.version,
        assignments=len(latest.assignments),
        objective=latest.objective,
        published_version=max(published) if published else None,
        score=site_score_line(latest),
        approval=_approval(latest),
    )


def _approval(rota: Rota) -> str:
    """Where a draft stands with the pharmacist-in-charge: 'waiting', 'approved' or ''."""
    if rota.status is not RotaStatus.DRAFT:
        return ""
    if rota.approved_at is not None:
        return "approved"
    return "waiting" if rota.submitted_at is not None else ""
