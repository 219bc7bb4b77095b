"""Finding a site's rotas for a week: the published and latest versions, and the sites
planned together with it (a site group is solved, stored and looked up as one)."""

from __future__ import annotations

from datetime import date

from ..extensions import db
from ..models import Rota, RotaStatus, Site


def published_rota(site_id: int, week_start: date) -> Rota | None:
    """The latest published version of a site's rota for a week, if any."""
    return db.session.scalar(
        db.select(Rota)
        .where(
            Rota.site_id == site_id,
            Rota.week_start == week_start,
            Rota.status == RotaStatus.PUBLISHED,
        )
        .order_by(Rota.version.desc())
        .limit(1)
    )


def latest_rota(site_id: int, week_start: date, status: RotaStatus | None = None) -> Rota | None:
    """The highest version of a site's rota for a week, optionally of one status."""
    query = db.select(Rota).where(Rota.site_id == site_id, Rota.week_start == week_start)
    if status is not None:
        query = query.where(Rota.status == status)
    return db.session.scalar(query.order_by(Rota.version.desc()).limit(1))


def planned_with(site: Site) -> list[Site]:
    """The sites solved together with a site: its whole group, or the site alone."""
    if site.group is None:
        return [site]
    return sorted(site.group.sites, key=lambda s: s.id)
