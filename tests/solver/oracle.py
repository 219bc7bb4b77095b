"""A brute-force oracle for tiny rota problems: every rota enumerated, every rule re-derived.

Each rule below is written again from its sentence (the docstrings at the top of the
constraint families, ``DOMAIN.md`` and ``FAIRNESS_SPEC.md``), without a single helper
of the engine: no constraint family, no ``variables``, ``validate``, ``reasons`` or
``construct``, and none of the rule-bearing methods of ``Problem`` (``slot_window``,
``can_work``, ``training_competencies``, ``can_train``, ``can_do_duty``,
``weeks_to``). It reads the plain dataclasses and the trivial lookups
(``problem.person[...]``, ``problem.date_of``, ``problem.weeks``, ``problem.weekends``),
and the priority levels and strengths as data.

A rota is judged by ``judge``: whether it keeps every hard rule, the breaches in words,
and its score per priority level. ``best`` enumerates every rota of a tiny problem (each
person-day off, or one placement: shift, station or duty, mode and trainer) and returns
the lexicographic minimum of the feasible ones. Enumeration goes person by person: the
rules about one person alone (one placement a day, qualification, leave, rest, working
time, pins, hard contracts) are applied to each person's own sequences first, which is
exact, and only the surviving sequences are combined and judged whole.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler.solver.priorities import Rule
from scheduler.solver.problem import (
    Assignment,
    Level,
    Mode,
    OfferKind,
    Person,
    Problem,
    Role,
    Rota,
)

FREE_TRAINER_SHIFTS = 2  # shifts beside the same trainer before variety is asked for
NO_DEADLINE_WEEKS = 8  # a goal without a deadline is paced over eight weeks


@dataclass(frozen=True)
class Judgement:
    """The oracle's verdict on one rota: hard rules kept, breaches in words, score per level."""

    ok: bool
    breaches: tuple[str, ...]
    levels: tuple[int, ...]


@dataclass(frozen=True)
class Best:
    """The best rota of a problem by brute force, or None when no rota keeps the hard rules."""

    levels: tuple[int, ...] | None
    rota: Rota | None
    feasible: int  # how many rotas keep every hard rule
    judged: int  # how many whole rotas were judged


class Oracle:
    """Every rule of one problem, re-derived; caches what depends on the problem alone."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self._windows: dict[tuple[int, str], tuple[int, int]] = {}
        self._fair: list | None = None

    # ----- time ----------------------------------------------------------

    def window(self, day: int, shift: str) -> tuple[int, int]:
        """Real (start, end) of a shift in minutes from midnight UTC of the first day.

        The shift starts at its wall-clock time on its date in the site's zone and ends
        at the wall-clock time its nominal length later, so a night across a clock
        change is an hour shorter or longer.
        """
        key = (day, shift)
        if key not in self._windows:
            p = self.p
            st = p.shift[shift]
            zone = ZoneInfo(p.site[st.site].timezone)
            epoch = datetime(p.start.year, p.start.month, p.start.day, tzinfo=UTC)
            wall_start = datetime.combine(p.start + timedelta(days=day), st.start)
            wall_end = wall_start + timedelta(minutes=st.minutes)
            self._windows[key] = tuple(
                int((w.replace(tzinfo=zone) - epoch).total_seconds() // 60)
                for w in (wall_start, wall_end)
            )
        return self._windows[key]

    def length(self, day: int, shift: str) -> int:
        """Real minutes of a shift on a day."""
        a, b = self.window(day, shift)
        return b - a

    # ----- who may stand where ----------------------------------------

    def level(self, person: Person, competency: str, day: int) -> int:
        """The person's level in a competency on the shift's date; 0 when absent or lapsed."""
        held = person.skills.get(competency)
        if held is None:
            return 0
        on = self.p.start + timedelta(days=day)
        if held.valid_until is not None and on > held.valid_until:
            return 0
        return int(held.level)

    def away(self, person: Person, day: int, shift: str) -> bool:
        """Leave (whole day) or unavailability (one shift)."""
        return (day, None) in person.unavailable or (day, shift) in person.unavailable

    def qualified(self, person: Person, station_id: str, day: int) -> bool:
        """Counts toward cover: own site, every competency independent and valid that day."""
        station = self.p.station[station_id]
        return station.site == person.site and all(
            self.level(person, c, day) >= Level.INDEPENDENT for c in station.competencies
        )

    def learning(self, person: Person, station_id: str, day: int) -> tuple[str, ...]:
        """Competencies learned as a trainee at a station that day, () when training is impossible.

        Each competency is held independently or being learned (a record below
        independent, or a development goal) with its prerequisite independent that
        day; at least one is being learned; at another site only a goal takes them.
        """
        p = self.p
        station = p.station[station_id]
        goals = {g.competency for g in p.goals if g.person == person.id}
        out = []
        for c in station.competencies:
            if self.level(person, c, day) >= Level.INDEPENDENT:
                continue
            held = person.skills.get(c)
            if not (c in goals or (held is not None and held.level < Level.INDEPENDENT)):
                return ()
            comp = next((x for x in p.competencies if x.id == c), None)
            pre = comp.prerequisite if comp is not None else None
            if pre and self.level(person, pre, day) < Level.INDEPENDENT:
                return ()
            out.append(c)
        if not out:
            return ()
        if station.site != person.site and not goals.intersection(out):
            return ()
        return tuple(out)

    def may_train(self, trainer: Person, competencies: Iterable[str], day: int) -> bool:
        """A signed-off trainer in every competency learned, and not a trainee themselves."""
        return trainer.role is not Role.TRAINEE and all(
            self.level(trainer, c, day) >= Level.TRAINER for c in competencies
        )

    def duty_open(self, person: Person, duty_id: str, day: int, shift: str) -> bool:
        """Whether a person may take a duty on a slot (site, people, weekday, shift, skill)."""
        p = self.p
        duty = p.duty[duty_id]
        if duty.site != person.site or p.shift[shift].site != duty.site:
            return False
        if duty.people is not None and person.id not in duty.people:
            return False
        if duty.days is not None and p.date_of(day).weekday() not in duty.days:
            return False
        if duty.shifts is not None and shift not in duty.shifts:
            return False
        return duty.competency is None or self.level(person, duty.competency, day) >= duty.min_level

    def site_of(self, activity: str) -> str:
        """The site of a station or a duty."""
        p = self.p
        return p.station[activity].site if activity in p.station else p.duty[activity].site

    # ----- hard rules ----------------------------------------------------

    def placement_breach(self, a: Assignment) -> str | None:
        """What is wrong with one assignment on its own, or None."""
        p = self.p
        if a.person not in p.person or a.shift not in p.shift:
            return "unknown person or shift"
        if not 0 <= a.day < p.days:
            return "outside the horizon"
        if a.activity not in p.station and a.activity not in p.duty:
            return "unknown activity"
        who = p.person[a.person]
        if p.shift[a.shift].site != self.site_of(a.activity):
            return "shift of another site"
        if self.away(who, a.day, a.shift):
            return "on leave or unavailable"
        if a.activity in p.duty:
            if a.mode is not Mode.WORKS or not self.duty_open(who, a.activity, a.day, a.shift):
                return "may not take the duty"
            return None
        if a.mode is Mode.WORKS:
            return None if self.qualified(who, a.activity, a.day) else "not qualified"
        learned = self.learning(who, a.activity, a.day)
        if not learned:
            return "not in training there"
        if a.trainer is None or a.trainer == a.person or a.trainer not in p.person:
            return "no trainer"
        if not self.may_train(p.person[a.trainer], learned, a.day):
            return "trainer not signed off"
        return None

    def person_breaches(self, person: Person, mine: list[Assignment]) -> list[str]:
        """Breaches of the rules about one person alone, given all of their assignments."""
        p, out = self.p, []
        for a in mine:
            why = self.placement_breach(a)
            if why:
                out.append(f"{a}: {why}")
        per_day = Counter(a.day for a in mine)
        out.extend(f"{person.id} twice on day {d}" for d, n in per_day.items() if n > 1)
        slots = sorted(
            {(a.day, a.shift) for a in mine if a.shift in p.shift and 0 <= a.day < p.days}
        )
        out.extend(self._rest(person, slots))
        out.extend(self._working_time(person, slots))
        present = {(a.day, a.shift, a.activity, a.mode): a.trainer for a in mine}
        for pin in p.pins:
            if pin.person != person.id:
                continue
            key = (pin.day, pin.shift, pin.activity, pin.mode)
            beside = pin.mode is Mode.TRAINEE and pin.trainer is not None
            if key not in present or (beside and present[key] != pin.trainer):
                out.append(f"pin {pin} not kept")
        kept = {
            (k.day, k.shift, k.activity, k.mode): k.trainer for k in p.kept if k.person == person.id
        }
        on_kept = {key: t for key, t in present.items() if key[0] < p.kept_days}
        for key, trainer in kept.items():
            beside = key[3] is Mode.TRAINEE and trainer is not None
            if key not in on_kept or (beside and on_kept[key] != trainer):
                out.append(f"kept {person.id} {key} not kept")
        out.extend(f"{person.id} added on kept day {key}" for key in on_kept if key not in kept)
        if p.priorities.contracts_hard:
            out.extend(f"{person.id}: {rule} {n}" for rule, n in self._contract(person, slots) if n)
        return out

    def _rest(self, person: Person, slots: list[tuple[int, str]]) -> list[str]:
        """Forbidden successions, overlaps and too little rest, history included."""
        p = self.p
        past = [(h.day, h.shift) for h in person.history if h.day < 0 and h.shift in p.shift]
        every = sorted(set(past) | set(slots))
        inside = set(slots)
        out = []
        for first, second in itertools.combinations(every, 2):
            if first[0] == second[0] or second not in inside and first not in inside:
                continue
            early, late = sorted((first, second))
            if late[0] == early[0] + 1 and late[1] in p.shift[early[1]].forbidden_next:
                out.append(f"{person.id}: {late} may not follow {early}")
                continue
            a1, b1 = self.window(*early)
            a2, b2 = self.window(*late)
            gap = max(a1, a2) - min(b1, b2)
            if gap < person.contract.min_rest_minutes:
                out.append(f"{person.id}: only {gap} minutes between {early} and {late}")
        return out

    def _working_time(self, person: Person, slots: list[tuple[int, str]]) -> list[str]:
        """Most minutes (raised by volunteered extra shifts) and most shifts of a type."""
        p, c, out = self.p, person.contract, []
        if c.max_minutes is not None:
            extra = sum(
                o.count
                for o in p.offers
                if o.person == person.id and o.kind is OfferKind.EXTRA_SHIFTS
            )
            longest = max(
                (
                    self.length(d, st.id)
                    for st in p.shift_types
                    if st.site == person.site
                    for d in range(p.days)
                ),
                default=0,
            )
            worked = sum(self.length(*s) for s in slots)
            if worked > c.max_minutes + extra * longest:
                out.append(f"{person.id}: {worked} minutes over the maximum")
        for shift, cap in c.max_shifts.items():
            n = sum(1 for _d, s in slots if s == shift)
            if n > cap:
                out.append(f"{person.id}: {n} {shift} shifts over {cap}")
        return out

    def _contract(self, person: Person, slots: list[tuple[int, str]]) -> list[tuple[str, int]]:
        """The contract rules' amounts: minutes short, pattern breaches, weekends over."""
        p, c = self.p, person.contract
        worked = sum(self.length(*s) for s in slots)
        out = [("minutes_short", max(0, c.min_minutes - worked) if c.min_minutes > 0 else 0)]
        first, last = -p.history_days, p.days - 1
        past = {h.day for h in person.history}
        days_on = {d for d, _s in slots}
        flags = {d: (d in past if d < 0 else d in days_on) for d in range(first, last + 1)}
        pattern = 0
        start = first
        for d in range(first + 1, last + 2):
            if d <= last and flags[d] == flags[start]:
                continue
            end, worked_run, size = d - 1, flags[start], d - start
            if worked_run and c.max_consecutive_days is not None:
                # every day that is day max + 1 or later of the run, from day 0 on
                pattern += max(0, end - max(start + c.max_consecutive_days, 0) + 1)
            if start > first and end < last and end >= -1:
                least = c.min_consecutive_days if worked_run else c.min_consecutive_days_off
                pattern += size < least
            start = d
        out.append(("pattern", pattern))
        if c.max_weekends is not None:
            n = sum(1 for days in p.weekends if days_on.intersection(days))
            out.append(("weekends_over", max(0, n - c.max_weekends)))
        return out

    def joint_breaches(self, items: list[Assignment]) -> list[str]:
        """Breaches of the rules that join people: trainers beside trainees, ratio, duty caps."""
        p, out = self.p, []
        works = {(a.person, a.day, a.shift, a.activity) for a in items if a.mode is Mode.WORKS}
        load: Counter = Counter()
        for a in items:
            if a.mode is not Mode.TRAINEE or a.trainer not in p.person:
                continue
            load[(a.trainer, a.day, a.shift)] += 1
            if (a.trainer, a.day, a.shift, a.activity) not in works:
                out.append(f"{a}: trainer not at the station")
        for (trainer, day, shift), n in load.items():
            if n > p.person[trainer].max_trainees:
                out.append(f"{trainer} supervises {n} on {day} {shift}")
        out.extend(self._ratio(items))
        done = Counter((a.activity, a.day) for a in items)
        for duty in p.duties:
            for week in p.weeks:
                if sum(done[(duty.id, d)] for d in week) > duty.per_week:
                    out.append(f"{duty.id} over its weekly count from day {week[0]}")
            if duty.per_day is not None:
                out.extend(
                    f"{duty.id} over its daily cap on {d}"
                    for d in range(p.days)
                    if done[(duty.id, d)] > duty.per_day
                )
        out.extend(f"pin of unknown {pin.person}" for pin in p.pins if pin.person not in p.person)
        return out

    def _ratio(self, items: list[Assignment]) -> list[str]:
        """At every moment each ruled site's technicians stay within what its pharmacists allow."""
        p, out = self.p, []
        for site in p.sites:
            rule = site.ratio
            if rule is None:
                continue
            here = [a for a in items if self.site_of(a.activity) == site.id]
            cuts = sorted({t for a in here for t in self.window(a.day, a.shift)})
            for t0, t1 in itertools.pairwise(cuts):
                on = {
                    a.person
                    for a in here
                    if self.window(a.day, a.shift)[0] <= t0 and t1 <= self.window(a.day, a.shift)[1]
                }
                people = [p.person[x] for x in on]
                pharmacists = sum(1 for x in people if x.role is Role.PHARMACIST)
                plain = sum(1 for x in people if x.role is Role.TECHNICIAN and not x.certified)
                plain += sum(1 for x in people if x.role is Role.TRAINEE and rule.trainees_count)
                certified = sum(1 for x in people if x.role is Role.TECHNICIAN and x.certified)
                most_plain = max(0, rule.techs_per_pharmacist * pharmacists + rule.offset)
                most_all = max(
                    0,
                    (rule.techs_per_pharmacist + rule.certified_extra) * pharmacists + rule.offset,
                )
                if plain > most_plain or plain + certified > most_all:
                    out.append(
                        f"ratio at {site.id} from minute {t0}: {pharmacists} pharmacists, "
                        f"{plain} plain, {certified} certified"
                    )
        return out

    # ----- soft rules ----------------------------------------------------

    def costs(self, items: list[Assignment]) -> list[tuple[Rule, int]]:
        """Each soft term's (rule, points before the site's strength) for a rota."""
        p, w = self.p, self.p.weights
        out: list[tuple[Rule, int]] = []
        mine: dict[str, list[Assignment]] = defaultdict(list)
        for a in items:
            mine[a.person].append(a)
        works = Counter((a.day, a.shift, a.activity) for a in items if a.mode is Mode.WORKS)
        # cover: heads short of the minimum (level 1), short of / above the ideal
        for line in p.cover:
            x = works[(line.day, line.shift, line.station)]
            out.append((Rule.COVER, line.under_weight * max(0, line.minimum - x)))
            out.append((Rule.IDEAL_COVER, line.ideal_weight * max(0, line.ideal - x)))
            out.append((Rule.IDEAL_COVER, line.over_weight * max(0, x - line.ideal)))
        # contracts: level 2 unless hard
        if not p.priorities.contracts_hard:
            for person in p.people:
                slots = sorted({(a.day, a.shift) for a in mine[person.id]})
                for rule, n in self._contract(person, slots):
                    if rule == "minutes_short":
                        out.append((Rule.CONTRACT_HOURS, w.minute_short * n))
                    else:
                        out.append((Rule.WORK_PATTERN, w.pattern * n))
        # duties: each occurrence short of the weekly count
        done = Counter((a.activity, a.day) for a in items)
        for duty in p.duties:
            if duty.per_week <= 0 or duty.weight <= 0:
                continue
            rule = Rule.REQUIRED_DUTIES if duty.required else Rule.DUTIES
            for week in p.weeks:
                n = sum(done[(duty.id, d)] for d in week)
                out.append((rule, duty.weight * max(0, duty.per_week - n)))
        out.extend(self._goal_costs(mine, items))
        # volunteering: an offer never given
        for offer in p.offers:
            weight = offer.weight * w.volunteer
            if offer.kind is OfferKind.EXTRA_SHIFTS or weight <= 0 or offer.person not in p.person:
                continue
            if offer.kind is OfferKind.TRAIN:
                given = any(a.mode is Mode.TRAINEE and a.trainer == offer.person for a in items)
            else:
                wanted = offer.duty if offer.kind is OfferKind.DUTY else offer.station
                given = any(a.activity == wanted for a in mine[offer.person])
            out.append((Rule.VOLUNTEERING, 0 if given else weight))
        # wishes
        for r in p.requests:
            if not r.weight or r.person not in p.person:
                continue
            worked = any(
                a.day == r.day and (r.shift is None or a.shift == r.shift) for a in mine[r.person]
            )
            out.append((Rule.WISHES, r.weight if worked != r.want else 0))
        # stability: each person-day unlike the reference
        if p.reference is not None and w.change > 0:
            ref = {
                (a.person, a.day): (a.shift, a.activity)
                for a in p.reference
                if a.person in p.person and 0 <= a.day < p.days
            }
            for person in p.people:
                affected = False
                for day in range(p.kept_days, p.days):
                    now = {(a.shift, a.activity) for a in mine[person.id] if a.day == day}
                    was = ref.get((person.id, day))
                    changed = now != ({was} if was else set())
                    price = w.change_short_notice if day < p.short_notice_days else w.change
                    out.append((Rule.STABILITY, price if changed else 0))
                    affected = affected or changed
                out.append((Rule.STABILITY, w.change_person if affected else 0))
        # variety: shifts beside one trainer beyond the second
        if w.trainer_variety > 0:
            pairs = Counter(
                (a.trainer, a.person)
                for a in items
                if a.mode is Mode.TRAINEE and a.trainer in p.person
            )
            out.extend(
                (Rule.VARIETY, w.trainer_variety * max(0, n - FREE_TRAINER_SHIFTS))
                for n in pairs.values()
            )
        out.extend(self._fair_costs(mine))
        return out

    def levels(self, items: list[Assignment]) -> tuple[int, ...]:
        """The rota's score per priority level (lower is better), weighed as the site says."""
        pr = self.p.priorities
        totals = [0] * pr.level_count
        for rule, points in self.costs(items):
            lv = pr.level(rule)
            while len(totals) < lv:
                totals.append(0)
            totals[lv - 1] += points * pr.multiplier(rule)
        return tuple(totals)

    # goals --------------------------------------------------------------

    def goal_target(self, goal) -> int:
        """Supervised shifts wanted in this rota: weekly pace x weeks, capped by need and days."""
        if goal.shifts_needed <= 0:
            return 0
        p = self.p
        if goal.deadline is None:
            weeks = NO_DEADLINE_WEEKS
        else:
            weeks = max(1, math.ceil((goal.deadline - p.start).days / 7))
        pace = math.ceil(goal.shifts_needed / weeks)
        return min(goal.shifts_needed, pace * len(p.weeks), p.days)

    def mentored_on(self, goal, day: int) -> bool:
        """Whether on this shift's date the goal progresses beside a trainer (independent then)."""
        person = self.p.person[goal.person]
        return (
            goal.target_level >= Level.TRAINER
            and self.level(person, goal.competency, day) >= Level.INDEPENDENT
        )

    def _goal_costs(self, mine, items) -> list[tuple[Rule, int]]:
        """Each share shift k not reached costs goal weight x priority x (share - k + 1)."""
        p, out = self.p, []
        works = {
            (a.person, a.day, a.shift, a.activity)
            for a in items
            if a.mode is Mode.WORKS and a.activity in p.station
        }
        for goal in p.goals:
            if goal.person not in p.person:
                continue
            share = self.goal_target(goal)
            unit = p.weights.goal * goal.priority
            if share <= 0 or unit <= 0:
                continue
            person = p.person[goal.person]
            progress = 0
            for a in mine[goal.person]:
                if a.activity not in p.station:
                    continue
                if self.mentored_on(goal, a.day):
                    progress += a.mode is Mode.WORKS and (
                        goal.competency in p.station[a.activity].competencies
                        and any(
                            (t.id, a.day, a.shift, a.activity) in works
                            for t in p.people
                            if t.id != person.id
                            and self.level(t, goal.competency, a.day) >= Level.TRAINER
                        )
                    )
                else:
                    progress += a.mode is Mode.TRAINEE and (
                        goal.competency in self.learning(person, a.activity, a.day)
                    )
            out.extend((Rule.GOALS, unit * (share - k + 1)) for k in range(progress + 1, share + 1))
        return out

    # fairness (FAIRNESS_SPEC.md) ------------------------------------------

    def slot_open(self, person: Person, day: int, shift: str) -> bool:
        """Available, and some station placement (working or training) or duty possible there."""
        p = self.p
        if self.away(person, day, shift):
            return False
        site = p.shift[shift].site
        for station in p.stations:
            if station.site == site and (
                self.qualified(person, station.id, day) or self.learning(person, station.id, day)
            ):
                return True
        return any(self.duty_open(person, d.id, day, shift) for d in p.duties)

    def fair_terms(self) -> list[tuple[Rule, int, str, str, int]]:
        """Each priced (rule, weight, person, kind, allowance) of fairness over time."""
        if self._fair is not None:
            return self._fair
        p, w = self.p, self.p.weights
        slots = [(d, st.id) for d in range(p.days) for st in p.shift_types]
        out = []

        def past(person: Person, kind: str) -> int:
            return (getattr(person, "past", None) or {}).get(kind, 0)

        def allowances(rule, weight, kind, pool, demand, zero=()) -> None:
            if weight <= 0 or not pool:
                return
            total_past = sum(past(m, kind) for m in pool)
            if demand == 0 and total_past == 0:
                return
            share = math.ceil((total_past + demand) / len(pool))
            out.extend((rule, weight, m.id, kind, max(0, share - past(m, kind))) for m in pool)
            out.extend((rule, weight, m.id, kind, 0) for m in zero)

        groups: dict[tuple[str, bool], list[Person]] = defaultdict(list)
        for person in p.people:
            groups[(person.site, person.role is Role.PHARMACIST)].append(person)

        def line_demand(line, members) -> int:
            return (
                line.minimum
                if any(
                    not self.away(m, line.day, line.shift)
                    and self.qualified(m, line.station, line.day)
                    for m in members
                )
                else 0
            )

        for (site, _pharm), members in groups.items():
            here = [c for c in p.cover if p.shift[c.shift].site == site]
            nights = [(d, s) for d, s in slots if p.shift[s].night]
            pool = [m for m in members if any(self.slot_open(m, d, s) for d, s in nights)]
            demand = sum(line_demand(c, members) for c in here if p.shift[c.shift].night)
            allowances(Rule.FAIR_NIGHTS, w.night_fairness, "night", pool, demand)
            weekend_days = {d for days in p.weekends for d in days}
            pool = [
                m
                for m in members
                if any(self.slot_open(m, d, s) for d, s in slots if d in weekend_days)
            ]
            demand = sum(
                max(sum(line_demand(c, members) for c in here if c.day == d) for d in days)
                for days in p.weekends
            )
            allowances(Rule.FAIR_WEEKENDS, w.weekend_fairness, "weekend", pool, demand)
        for duty in p.duties:
            pool = [
                m
                for m in p.people
                if any(
                    not self.away(m, d, s) and self.duty_open(m, duty.id, d, s) for d, s in slots
                )
            ]
            volunteers = [
                m
                for m in pool
                if any(
                    o.person == m.id and o.kind is OfferKind.DUTY and o.duty == duty.id
                    for o in p.offers
                )
            ]
            sharing = volunteers or pool
            others = [m for m in pool if m not in sharing]
            allowances(
                Rule.FAIR_DUTIES,
                getattr(w, "duty_fairness", 0),
                f"duty:{duty.id}",
                sharing,
                duty.per_week * len(p.weeks),
                others,
            )
        pool = [
            m
            for m in p.people
            if any(
                not self.away(m, d, s)
                and any(
                    st.site == p.shift[s].site and self.learning(m, st.id, d) for st in p.stations
                )
                for d, s in slots
            )
        ]
        demand = sum(
            self.goal_target(g)
            for m in pool
            for g in p.goals
            if g.person == m.id and not any(self.mentored_on(g, d) for d in range(p.days))
        )
        allowances(Rule.FAIR_TRAINING, getattr(w, "training_fairness", 0), "training", pool, demand)
        self._fair = out
        return out

    def _fair_costs(self, mine) -> list[tuple[Rule, int]]:
        """weight x max(0, count - allowance) per person and kind."""
        p, out = self.p, []
        for rule, weight, pid, kind, allowance in self.fair_terms():
            items = mine[pid]
            if kind == "night":
                x = len({(a.day, a.shift) for a in items if p.shift[a.shift].night})
            elif kind == "weekend":
                x = sum(1 for days in p.weekends if any(a.day in days for a in items))
            elif kind == "training":
                x = sum(1 for a in items if a.mode is Mode.TRAINEE)
            else:
                x = sum(1 for a in items if a.activity == kind.removeprefix("duty:"))
            out.append((rule, weight * max(0, x - allowance)))
        return out

    # ----- verdicts and enumeration --------------------------------------

    def judge(self, rota: Rota) -> Judgement:
        """The verdict on any rota: every hard rule, then the score per level."""
        items = list(rota.assignments)
        mine: dict[str, list[Assignment]] = defaultdict(list)
        breaches = []
        for a in items:
            if a.person in self.p.person:
                mine[a.person].append(a)
            else:
                breaches.append(f"{a}: unknown person")
        for pid in self.p.person:
            breaches.extend(self.person_breaches(self.p.person[pid], mine[pid]))
        # the joint rules look at the possible placements (the rest are breaches already)
        breaches.extend(self.joint_breaches([a for a in items if self.placement_breach(a) is None]))
        return Judgement(not breaches, tuple(breaches), self.levels(items))

    def options(self, person: Person, day: int) -> list[Assignment | None]:
        """Every placement a person-day could hold on its own (off first), before joint rules."""
        p = self.p
        out: list[Assignment | None] = [None]
        for st in p.shift_types:
            for station in p.stations:
                if station.site != st.site:
                    continue
                out.append(Assignment(person.id, day, st.id, station.id))
                out.extend(
                    Assignment(person.id, day, st.id, station.id, Mode.TRAINEE, t.id)
                    for t in p.people
                    if t.id != person.id
                )
            out.extend(
                Assignment(person.id, day, st.id, duty.id)
                for duty in p.duties
                if duty.site == st.site
            )
        return [a for a in out if a is None or self.placement_breach(a) is None]

    def sequences(self, person: Person) -> list[tuple[Assignment, ...]]:
        """Every sequence of one person's placements that keeps the rules about them alone."""
        per_day = [self.options(person, d) for d in range(self.p.days)]
        out = []
        for combo in itertools.product(*per_day):
            mine = [a for a in combo if a is not None]
            if not self.person_breaches(person, mine):
                out.append(tuple(mine))
        return out

    def count(self) -> int:
        """How many rotas survive the rules about each person alone (what ``best`` judges)."""
        return math.prod(len(self.sequences(person)) for person in self.p.people)

    def rotas(self) -> Iterator[list[Assignment]]:
        """Every rota whose people each keep the rules about them alone."""
        each = [self.sequences(person) for person in self.p.people]
        for combo in itertools.product(*each):
            yield [a for seq in combo for a in seq]

    def best(self) -> Best:
        """The lexicographic minimum of the levels over every feasible rota."""
        best_levels, best_rota, feasible, judged = None, None, 0, 0
        for items in self.rotas():
            judged += 1
            if self.joint_breaches(items):
                continue
            feasible += 1
            levels = self.levels(items)
            if best_levels is None or levels < best_levels:
                best_levels, best_rota = levels, Rota(tuple(items))
        return Best(best_levels, best_rota, feasible, judged)


def judge(problem: Problem, rota: Rota) -> Judgement:
    """The oracle's verdict on one rota of a problem."""
    return Oracle(problem).judge(rota)


def best(problem: Problem) -> Best:
    """The best rota of a tiny problem by brute force."""
    return Oracle(problem).best()
