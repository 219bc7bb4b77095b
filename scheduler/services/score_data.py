"""A rota's score as stored JSON data and back: its costs (each cover gap with why nobody
filled it) and the proven bound of each priority level."""

from __future__ import annotations

import math
from collections.abc import Iterable

from .. import solver as sv
from ..models import Rota, Site
from ..solver.gaps import gap_reasons
from ..solver.penalties import Cost, Subject
from ..solver.priorities import Rule
from .solver_terms import IdMap


def cost_to_dict(cost: Cost) -> dict:
    """A solver cost as JSON-ready data for the rota's stored score breakdown."""
    s = cost.subject
    return {
        "family": cost.family,
        "key": cost.key,
        "weight": cost.weight,
        "amount": cost.amount,
        "total": cost.total,
        "sentence": cost.sentence,
        "subject": {"person": s.person, "day": s.day, "shift": s.shift, "activity": s.activity},
        "rule": cost.rule.value,
        "level": cost.level,
    }


def costs_with_reasons(
    problem: sv.Problem, rota: sv.Rota | None, costs: Iterable[Cost], site: Site
) -> list[dict]:
    """A rota's costs as stored data, each gap of the site's cover with its ``why``: for every
    person who could have filled it, the rule that kept them off (``solver/gaps.py``)."""
    why = gap_reasons(problem, rota, IdMap.key("site", site.id)) if rota is not None else {}
    out = [cost_to_dict(c) for c in costs]
    for cost in out:
        subject = cost["subject"]
        key = (subject["day"], subject["shift"], subject["activity"])
        if cost["family"] == "cover" and cost["rule"] == Rule.COVER.value and key in why:
            cost["why"] = why[key]
    return out


def stored_costs(rota: Rota) -> list[Cost]:
    """The rota's stored score breakdown as solver costs, ready for explain.format_breakdown."""
    return [
        Cost(
            family=c["family"],
            key=c["key"],
            weight=c["weight"],
            amount=c["amount"],
            subject=Subject(**c.get("subject", {})),
            sentence=c["sentence"],
            rule=Rule(c.get("rule", Rule.COVER)),
            level=c.get("level", 1),  # rotas stored before levels: one weighted sum
        )
        for c in rota.costs or []
    ]


def json_bounds(bounds: Iterable[float | None]) -> list[float | None] | None:
    """Per-level bounds as JSON can hold them: an infinite bound is none (None); no levels, None."""
    out = [b if b is not None and math.isfinite(b) else None for b in bounds]
    return out or None
