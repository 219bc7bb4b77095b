"""What a re-plan of a week keeps: the days already worked or before a sick call, and the
rota it should change least (:func:`replan_inputs`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..clock import site_today
from ..models import Rota, Site, SolveKind
from .rota_lookup import latest_rota, planned_with, published_rota


@dataclass(frozen=True)
class Keep:
    """What a re-plan keeps: the days before ``days`` exactly as in ``rotas``.

    ``short_notice_days``: a change on a day before this one is short notice (today
    and tomorrow) and counts three times.
    """

    rotas: tuple[Rota, ...] = ()
    days: int = 0
    short_notice_days: int = 0


@dataclass(frozen=True)
class Replan:
    """How a solve of a week treats what people were already given.

    ``reference`` is the rota people were given (the published version at each site
    that has one; for a sick call of a week never published, the version re-planned
    from); ``keep`` the days that are not re-planned at all.
    """

    reference: list[Rota] | None
    keep: Keep

    @property
    def all_kept(self) -> bool:
        """Whether every day of the week is kept: nothing is left to plan."""
        return self.keep.days >= 7


def replan_inputs(
    site: Site,
    week_start: date,
    kind: SolveKind = SolveKind.FULL,
    chosen: Rota | None = None,
    keep_before: date | None = None,
) -> Replan:
    """What a solve of a site's week (with its group) must keep, and the rota to change least.

    - Days already worked are history: when the week has a published version at any
      site planned with this one, the days before the site's today are kept as the
      latest version has them.
    - A sick call (``kind`` REPLAN, first absent day ``keep_before``) also keeps the
      days before the absence, as the version re-planned from (``chosen``) has them.
    - The changes are counted against the published version of each site that has one,
      and the latest version of a site of the group that has none; a sick call of a week
      never published counts them against ``chosen`` and the latest versions of the
      other sites.
    - A change today or tomorrow is short notice.
    """
    sites = planned_with(site)
    current = [r for r in (latest_rota(s.id, week_start) for s in sites) if r is not None]
    if chosen is not None:
        current = [chosen if r.site_id == chosen.site_id else r for r in current]
    published = [r for r in (published_rota(s.id, week_start) for s in sites) if r is not None]
    today = (site_today(site) - week_start).days
    days = 0
    if published:
        days = min(7, max(0, today))
    if kind == SolveKind.REPLAN and keep_before is not None:
        days = max(days, min(7, max(0, (keep_before - week_start).days)))
    if published:  # a site of the group never published: its latest version is what it has
        done = {r.site_id for r in published}
        reference = published + [r for r in current if r.site_id not in done]
    elif kind == SolveKind.REPLAN:
        reference = current
    else:
        reference = None
    keep = Keep(
        rotas=tuple(current) if days else (),
        days=days,
        short_notice_days=min(7, max(0, today + 2)),
    )
    return Replan(reference, keep)
