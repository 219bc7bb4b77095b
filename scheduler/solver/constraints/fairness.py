"""Shared work spread fairly over time: nights, weekends, each duty and training shifts.

Each *kind* of shared work is priced on its own rule and weight: ``night``
(night shifts worked, FAIR_NIGHTS, ``night_fairness``), ``weekend`` (weekends
worked: a weekend counts once when the person works any shift on its Saturday
or Sunday inside the horizon, FAIR_WEEKENDS, ``weekend_fairness``),
``duty:<id>`` (assignments to that duty, FAIR_DUTIES, ``duty_fairness``) and
``training`` (TRAINEE-mode shifts, FAIR_TRAINING, ``training_fairness``).
``Person.past[kind]`` is the person's count over the site's window of published
weeks before the horizon (``Problem.fairness_weeks``, used in words only).

Pool P (who shares a kind), from the problem alone:
- night, weekend: per (home site, role group: pharmacists | technicians with
  trainees), the members with at least one slot of that kind open to them
  (available, and some station WORKS/TRAINEE placement or duty possible on it at
  that shift's site);
- duty d: the people with a slot where they may take d (available, eligible);
  when some of them offered to take d, the volunteers share it and every other
  member of the pool gets an allowance of 0 ("volunteers first");
- training: the people with at least one possible TRAINEE placement.

Demand D in the horizon:
- night: the cover ``minimum`` of the night lines at the group's site that some
  member of the group could work (WORKS, available) on that slot;
- weekend: per weekend, the largest over its days of the group's day demand
  (the minimum of that day's lines some member could work), summed over weekends;
- duty d: ``per_week`` times the weeks of the horizon;
- training: the pool's goal targets (``goals.target``) of goals that progress by
  TRAINEE shifts (not mentored ones).
A kind with D == 0 and no past counts in its pool is not priced.

Fair share and cost: T = ceil((sum of past over the sharing pool + D) / its size);
allowance_i = max(0, T - past_i) (0 for a non-volunteer); person i pays
``weight * max(0, x_i - allowance_i)`` with x_i the count in this rota. The model
gives a term only to people whose possible count in the horizon exceeds their
allowance (nobody else can pay); ``check`` prices every pool member, so a rota
made by hand that places someone where they cannot go is priced the same way.
Everything but x_i comes from the problem alone (``_shares``); ``check`` counts
x_i from the rota on its own (``_rota_counts``), so the validator reproduces the
model exactly.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from ..penalties import Cost, Subject
from ..priorities import Rule
from ..problem import Duty, Mode, OfferKind, Person, Problem, Role, Rota
from .base import ModelContext, SoftFamily, literal, priced
from .goals import mentored, target

Slot = tuple[int, str]  # (day, shift type)


@dataclass(frozen=True)
class Share:
    """One person's priced share of one kind of work: what they may take before it costs."""

    kind: str  # "night", "weekend", "duty:<id>" or "training"
    person: Person
    past: int  # count in the fairness window before the horizon
    fair: int  # T: the fair share of the window and the horizon together
    allowance: int  # how many of this kind this rota may give them at no cost
    possible: int  # the most of this kind the horizon could give them
    slots: tuple[Slot, ...]  # the open slots of this kind (weekend: every open weekend slot)
    behind_volunteers: bool = False  # allowance 0 because others volunteered for the duty

    @property
    def key(self) -> str:
        """The stable key of this share's cost."""
        return f"fairness:{self.kind}:{self.person.id}"


# kind -> (its rule, the name of its weight); every other kind is a duty's
_PRICING: dict[str, tuple[Rule, str]] = {
    "night": (Rule.FAIR_NIGHTS, "night_fairness"),
    "weekend": (Rule.FAIR_WEEKENDS, "weekend_fairness"),
    "training": (Rule.FAIR_TRAINING, "training_fairness"),
}
_DUTY_PRICING = (Rule.FAIR_DUTIES, "duty_fairness")


def rule_of(kind: str) -> Rule:
    """The soft rule a kind of shared work is priced under."""
    return _PRICING.get(kind, _DUTY_PRICING)[0]


def weight_of(problem: Problem, kind: str) -> int:
    """The weight per unit beyond the allowance for a kind of shared work."""
    return getattr(problem.weights, _PRICING.get(kind, _DUTY_PRICING)[1])


def _priced(problem: Problem, kind: str) -> bool:
    """Whether a kind carries any weight once the site's strength is applied."""
    return priced(problem, rule_of(kind), weight_of(problem, kind))[1] > 0


# ----- from the problem alone ----------------------------------------------------------


def _group(person: Person) -> tuple[str, str]:
    """The (site, role group) nights and weekends are shared in."""
    return person.site, "pharmacists" if person.role is Role.PHARMACIST else "technicians"


def _slot_open(problem: Problem, person: Person, day: int, shift: str) -> bool:
    """Whether the person could be placed on a slot at all (mirrors the variables' creation)."""
    if person.is_unavailable(day, shift):
        return False
    site = problem.shift[shift].site
    for station in problem.stations:
        if station.site == site and (
            problem.can_work(person, station, day)
            or problem.training_competencies(person, station, day)
        ):
            return True
    return any(problem.can_do_duty(person, duty, day, shift) for duty in problem.duties)


def _trainee_slot(problem: Problem, person: Person, day: int, shift: str) -> bool:
    """Whether the person could stand somewhere as a trainee on a slot."""
    if person.is_unavailable(day, shift):
        return False
    site = problem.shift[shift].site
    return any(
        station.site == site and problem.training_competencies(person, station, day)
        for station in problem.stations
    )


def _duty_slots(problem: Problem, person: Person, duty: Duty) -> tuple[Slot, ...]:
    """The slots where a person may take a duty (available and eligible)."""
    return tuple(
        (d, st.id)
        for d in range(problem.days)
        for st in problem.shift_types
        if not person.is_unavailable(d, st.id) and problem.can_do_duty(person, duty, d, st.id)
    )


def _line_workable(
    problem: Problem, members: list[Person], day: int, shift: str, station: str
) -> bool:
    """Whether some member of a group could work (WORKS) a cover line and is available for it."""
    return any(
        not m.is_unavailable(day, shift) and problem.can_work(m, problem.station[station], day)
        for m in members
    )


def _night_demand(problem: Problem, site: str, members: list[Person]) -> int:
    """Heads wanted on the night slots at the group's site that the group could work."""
    return sum(
        line.minimum
        for line in problem.cover
        if line.minimum > 0
        and problem.shift[line.shift].site == site
        and problem.shift[line.shift].night
        and _line_workable(problem, members, line.day, line.shift, line.station)
    )


def _weekend_demand(problem: Problem, site: str, members: list[Person]) -> int:
    """People needed each weekend (its busiest day at the group's site), summed over weekends."""
    per_day: dict[int, int] = defaultdict(int)
    for line in problem.cover:
        if (
            line.minimum > 0
            and problem.is_weekend(line.day)
            and problem.shift[line.shift].site == site
            and _line_workable(problem, members, line.day, line.shift, line.station)
        ):
            per_day[line.day] += line.minimum
    return sum(max(per_day[d] for d in weekend) for weekend in problem.weekends)


def _allot(
    kind: str,
    pool: dict[str, tuple[Person, int, tuple[Slot, ...]]],
    demand: int,
    sharing: set[str] | None = None,
) -> list[Share]:
    """The shares of a pool: (person, possible count, open slots) by id, and its demand.

    ``sharing`` names the volunteers when some pool members volunteered: they alone
    share the work and the others' allowance is 0.
    """
    if not pool:
        return []
    if demand <= 0 and not any(p.past.get(kind, 0) for p, _n, _s in pool.values()):
        return []
    sharers = [pool[pid][0] for pid in pool if sharing is None or pid in sharing]
    fair = math.ceil((sum(p.past.get(kind, 0) for p in sharers) + demand) / len(sharers))
    out = []
    for pid, (person, possible, slots) in pool.items():
        past = person.past.get(kind, 0)
        behind = sharing is not None and pid not in sharing
        allowance = 0 if behind else max(0, fair - past)
        out.append(Share(kind, person, past, fair, allowance, possible, slots, behind))
    return out


def _group_shares(problem: Problem, kind: str, is_kind: Callable[[int, str], bool]) -> list[Share]:
    """Night or weekend shares, computed per (home site, role group)."""
    groups: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for person in problem.people:
        groups[_group(person)].append(person)
    of_kind = [
        (d, st.id) for d in range(problem.days) for st in problem.shift_types if is_kind(d, st.id)
    ]
    out = []
    for (site, _role), members in groups.items():
        pool = {}
        for m in members:
            slots = tuple(s for s in of_kind if _slot_open(problem, m, *s))
            if not slots:
                continue
            if kind == "weekend":
                possible = sum(1 for w in problem.weekends if any(d in w for d, _s in slots))
            else:
                possible = len(slots)
            pool[m.id] = (m, possible, slots)
        demand = (_night_demand if kind == "night" else _weekend_demand)(problem, site, members)
        out.extend(_allot(kind, pool, demand))
    return out


def _duty_shares(problem: Problem, duty: Duty) -> list[Share]:
    """The shares of one duty among the people able to take it, volunteers first."""
    kind = f"duty:{duty.id}"
    pool = {}
    for person in problem.people:
        slots = _duty_slots(problem, person, duty)
        if slots:
            pool[person.id] = (person, len(slots), slots)
    volunteers = {
        o.person
        for o in problem.offers
        if o.kind is OfferKind.DUTY and o.duty == duty.id and o.person in pool
    }
    demand = duty.per_week * len(problem.weeks)
    return _allot(kind, pool, demand, volunteers or None)


def _training_shares(problem: Problem) -> list[Share]:
    """The shares of training shifts among the people who could train in the horizon."""
    pool = {}
    for person in problem.people:
        slots = tuple(
            (d, st.id)
            for d in range(problem.days)
            for st in problem.shift_types
            if _trainee_slot(problem, person, d, st.id)
        )
        if slots:
            pool[person.id] = (person, len(slots), slots)
    demand = sum(
        target(problem, goal)
        for goal in problem.goals
        if goal.person in pool and not mentored(problem, goal)
    )
    return _allot("training", pool, demand)


def _shares(problem: Problem) -> list[Share]:
    """Every priced share of the problem, kind by kind."""
    out: list[Share] = []
    if _priced(problem, "night"):
        out += _group_shares(problem, "night", lambda d, s: problem.shift[s].night)
    if _priced(problem, "weekend"):
        out += _group_shares(problem, "weekend", lambda d, s: problem.is_weekend(d))
    if _priced(problem, "duty:"):
        for duty in problem.duties:
            out += _duty_shares(problem, duty)
    if _priced(problem, "training"):
        out += _training_shares(problem)
    return out


def _sentence(problem: Problem, share: Share) -> str:
    """What taking more than the allowance says, in plain words."""
    n, past, fair = problem.fairness_weeks, share.past, share.fair
    name = literal(f"{share.person.name}: ")
    if share.kind == "night":
        return name + (
            f"{{amount}} night shift(s) beyond a fair share ({past} in the last {n} "
            f"weeks; fair share with this week {fair})"
        )
    if share.kind == "weekend":
        return name + (
            f"{{amount}} weekend(s) beyond a fair share ({past} of the last {n} "
            f"weekends; fair share with this week {fair})"
        )
    if share.kind == "training":
        return name + (
            f"{{amount}} training shift(s) beyond a fair share ({past} in the last "
            f"{n} weeks; fair share with this week {fair})"
        )
    duty = share.kind.removeprefix("duty:")
    what = literal(problem.duty[duty].name)
    if share.behind_volunteers:
        return name + f"{{amount}} {what} beyond a fair share (volunteers first)"
    return name + (
        f"{{amount}} {what} beyond a fair share ({past} in the last {n} weeks; "
        f"fair share with this week {fair})"
    )


def _subject(share: Share) -> Subject:
    """Who (and for a duty, which duty) a share's cost is about."""
    duty = share.kind.removeprefix("duty:") if share.kind.startswith("duty:") else None
    return Subject(person=share.person.id, activity=duty)


# ----- from the rota alone (the validator's count) ------------------------------------------


def _saturday(day: date) -> date:
    """The Saturday of the weekend a Saturday or Sunday belongs to."""
    return day - timedelta(days=day.weekday() - 5)


def _rota_counts(problem: Problem, rota: Rota) -> dict[tuple[str, str], int]:
    """Each (kind, person)'s count of shared work in a rota, read from its assignments alone."""
    found: dict[tuple[str, str], set] = defaultdict(set)
    for a in rota.assignments:
        slot = (a.day, a.shift)
        if a.shift in problem.shift and problem.shift[a.shift].night:
            found[("night", a.person)].add(slot)
        on = problem.start + timedelta(days=a.day)
        if 0 <= a.day < problem.days and on.weekday() >= 5:
            found[("weekend", a.person)].add(_saturday(on))
        if a.activity in problem.duty:
            found[(f"duty:{a.activity}", a.person)].add(slot)
        if a.mode is Mode.TRAINEE:
            found[("training", a.person)].add(slot)
    return {key: len(items) for key, items in found.items()}


class FairnessFamily(SoftFamily):
    """Penalise nights, weekends, duties and training beyond a fair share over time."""

    name = "fairness"
    title = "Nights, weekends, duties and training shared fairly over time"

    def build(self, ctx: ModelContext) -> None:
        """Count each share's work in the model and price the part beyond the allowance."""
        if ctx.diagnose:  # a diagnosis looks at the hard rules alone
            return
        p, v = ctx.problem, ctx.vars
        for share in _shares(p):
            if share.possible <= share.allowance:
                continue  # the horizon cannot give them more than their allowance
            pid = share.person.id
            if share.kind == "weekend":
                count = 0
                for weekend in p.weekends:
                    days = sorted({d for d, _s in share.slots if d in weekend})
                    worked = [v.worked(pid, d) for d in days]
                    worked = [w for w in worked if not isinstance(w, int)]
                    if len(worked) == 1:
                        count += worked[0]
                    elif worked:
                        any_day = ctx.model.new_bool_var(f"{share.key}:{weekend[0]}")
                        ctx.model.add_max_equality(any_day, worked)
                        count += any_day
            elif share.kind == "night":
                count = sum(v.worked(pid, d, s) for d, s in share.slots)
            elif share.kind == "training":
                count = sum(v.select(person=pid, mode=Mode.TRAINEE))
            else:
                count = sum(v.select(person=pid, activity=share.kind.removeprefix("duty:")))
            amount = ctx.positive_part(
                count - share.allowance, share.possible - share.allowance, share.key
            )
            ctx.penalise(
                self.name,
                rule_of(share.kind),
                share.key,
                weight_of(p, share.kind),
                amount,
                _sentence(p, share),
                _subject(share),
            )

    def check(self, problem: Problem, rota: Rota) -> list[Cost]:
        """Count each person's shared work in the rota and price the part beyond the allowance."""
        counts = _rota_counts(problem, rota)
        out = []
        for share in _shares(problem):
            beyond = counts.get((share.kind, share.person.id), 0) - share.allowance
            if beyond > 0:
                out.append(
                    self.cost(
                        problem,
                        rule_of(share.kind),
                        share.key,
                        weight_of(problem, share.kind),
                        beyond,
                        _sentence(problem, share),
                        _subject(share),
                    )
                )
        return out
