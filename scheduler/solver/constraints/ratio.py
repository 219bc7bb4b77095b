"""Ratio: at every moment, a site's technicians stay within its pharmacist-to-technician law."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from ..penalties import Subject, Violation
from ..problem import Person, Problem, RatioRule, Role, Rota, Site
from .base import HardFamily, ModelContext


def slices(
    windows: dict[Hashable, tuple[int, int]],
) -> list[tuple[int, int, frozenset]]:
    """Cut the timeline at every window start and end: (start, end, active keys) per piece."""
    starts: dict[int, list] = defaultdict(list)
    ends: dict[int, list] = defaultdict(list)
    for key, (a, b) in windows.items():
        if a < b:
            starts[a].append(key)
            ends[b].append(key)
    cuts = sorted(set(starts) | set(ends))
    active: set = set()
    out = []
    for t0, t1 in pairwise(cuts):
        active.difference_update(ends.get(t0, ()))
        active.update(starts.get(t0, ()))
        if active:
            out.append((t0, t1, frozenset(active)))
    return out


def counts_as(rule: RatioRule, person: Person) -> str | None:
    """How a person counts for a ratio: 'pharmacist', 'technician', 'certified' or None."""
    if person.role == Role.PHARMACIST:
        return "pharmacist"
    if person.role == Role.TRAINEE:
        return "technician" if rule.trainees_count else None
    return "certified" if person.certified else "technician"


def describe(rule: RatioRule) -> str:
    """A ratio law in plain words, e.g. 'California: 2 technicians per pharmacist, minus 1'."""
    text = f"{rule.name}: {rule.techs_per_pharmacist} technician(s) per pharmacist"
    if rule.offset:
        text += f", {'plus' if rule.offset > 0 else 'minus'} {abs(rule.offset)}"
    if rule.certified_extra:
        text += f"; {rule.certified_extra} more per pharmacist if certified"
    return text


def moment_label(problem: Problem, site: Site, start: int, end: int) -> str:
    """Local wall-clock label of a piece of time at a site, e.g. 'Tue 3 Mar 16:00-20:00'."""
    zone = ZoneInfo(site.timezone)
    epoch = datetime.combine(problem.start, time(0, 0), tzinfo=UTC)
    a = (epoch + timedelta(minutes=start)).astimezone(zone)
    b = (epoch + timedelta(minutes=end)).astimezone(zone)
    return f"{a:%a} {a.day} {a:%b} {a:%H:%M}-{b:%H:%M}"


class RatioFamily(HardFamily):
    """Technicians on duty never exceed what the pharmacists on duty allow, at every moment."""

    name = "ratio"
    title = "Pharmacist-to-technician ratio"

    def build(self, ctx: ModelContext) -> None:
        """Bound technicians by pharmacists on each distinct piece of time at each ruled site."""
        p, v = ctx.problem, ctx.vars
        for site in p.sites:
            rule = site.ratio
            if rule is None:
                continue
            groups: dict[tuple[int, str], dict[str, list]] = {}
            windows = {}
            for st in p.shifts_at(site.id):
                for day in range(p.days):
                    group = {"pharmacist": [], "technician": [], "certified": []}
                    for key, x in v.placements(day=day, shift=st.id):
                        kind = counts_as(rule, p.person[key.person])
                        if kind and p.activity_site(key.activity) == site.id:
                            group[kind].append(x)
                    groups[(day, st.id)] = group
                    windows[(day, st.id)] = p.slot_window(day, st.id)
            seen: set[frozenset] = set()
            for start, end, active in slices(windows):
                if active in seen:
                    continue
                seen.add(active)
                self._bound(ctx, site, rule, [groups[k] for k in active], start, end)

    def _bound(
        self,
        ctx: ModelContext,
        site: Site,
        rule: RatioRule,
        groups: list[dict],
        start: int,
        end: int,
    ) -> None:
        """Post both limits of the rule on one piece of time."""

        def gather(kind: str) -> list:
            return [x for g in groups for x in g[kind]]

        pharmacists = gather("pharmacist")
        plain = gather("technician")
        everyone = plain + gather("certified")
        floor = max(0, rule.offset)  # the limit when no pharmacist is on
        if len(everyone) <= floor:
            return
        label = moment_label(ctx.problem, site, start, end)
        lits = ctx.guard(
            self.name, f"{site.id}:{start}", f"Ratio at {site.name} ({describe(rule)}) on {label}"
        )
        for techs, per in (
            (plain, rule.techs_per_pharmacist),
            (everyone, rule.techs_per_pharmacist + rule.certified_extra),
        ):
            if len(techs) <= floor:
                continue
            limit = per * sum(pharmacists) + rule.offset
            if rule.offset < 0:
                top = per * len(pharmacists) + rule.offset
                limit = ctx.positive_part(limit, top, f"ratio_limit[{site.id},{start},{per}]")
            ctx.model.add(sum(techs) <= limit).only_enforce_if(lits)

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Every moment at which a site has more technicians than its pharmacists allow."""
        out = []
        for site in problem.sites:
            rule = site.ratio
            if rule is None:
                continue
            windows = {
                a: problem.slot_window(a.day, a.shift)
                for a in rota.assignments
                if a.person in problem.person
                and a.shift in problem.shift
                and (a.activity in problem.station or a.activity in problem.duty)
                and 0 <= a.day < problem.days
                and problem.activity_site(a.activity) == site.id
            }
            for start, end, active in slices(windows):
                found = self._breach(problem, rule, {a.person for a in active})
                if found:
                    label = moment_label(problem, site, start, end)
                    out.append(
                        Violation(
                            self.name,
                            Subject(day=min(a.day for a in active)),
                            f"Ratio at {site.name} ({describe(rule)}) on {label}: {found}",
                        )
                    )
        return out

    @staticmethod
    def _breach(problem: Problem, rule: RatioRule, people: Iterable[str]) -> str | None:
        """What is wrong with one piece of time, or None when the ratio holds."""
        kinds = [counts_as(rule, problem.person[pid]) for pid in people]
        pharmacists = kinds.count("pharmacist")
        plain = kinds.count("technician")
        everyone = plain + kinds.count("certified")
        most_plain, most_all = rule.limits(pharmacists)
        if plain > most_plain:
            return (
                f"{pharmacists} pharmacist(s) allow {most_plain} non-certified technician(s), "
                f"but {plain} are on"
            )
        if everyone > most_all:
            return (
                f"{pharmacists} pharmacist(s) allow {most_all} technician(s), but {everyone} are on"
            )
        return None
