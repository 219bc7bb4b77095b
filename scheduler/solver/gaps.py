"""Why a cover gap stayed open: for each person who could stand there, what kept them off.

A gap is a station on a day and shift with fewer people working there than its
minimum cover. The people asked about are those of the station's site who hold
every competency it needs at independent level or above (even when one has lapsed),
and the trainee technicians learning there. For each, in this order:

1. leave or unavailability, then a competency not valid that day (the placement rule);
2. another shift, station or duty already theirs that day ("Dan works the evening at
   Dispensary");
3. what adding them would break: rest after or before another shift, the contract's
   most hours or shifts of a type, the ratio law at some moment of the shift, a
   trainee with no free trainer beside them (or, beside one, not counting toward cover),
   and any other hard rule of the registry;
4. when no hard rule stops them, the level-2 work patterns it would cost (days in a
   row, weekends) - else that nothing keeps them off.

Each check runs on the few assignments it concerns (the person's own for rest, hours
and patterns; the site's around the shift for the ratio), so a whole week's gaps
take milliseconds. The words reuse the rules' own sentences where they are short.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .constraints import REGISTRY, HardFamily
from .constraints.placement import placement_reason
from .constraints.ratio import counts_as, moment_label, slices
from .constraints.rest import gap_minutes, succession_sentence, too_close
from .constraints.sequences import SequencesFamily
from .constraints.weekends import WeekendsFamily
from .constraints.workload import max_minutes
from .penalties import Cost, Violation
from .problem import Assignment, Level, Mode, Person, Problem, RatioRule, Role, Rota, Station
from .reasons import unavailable_reason
from .validate import new_violations

Slot = tuple[int, str]  # day, shift type
GapKey = tuple[int, str, str]  # day, shift type, station

# Families whose rules the checks below put in short words; any other hard family of the
# registry is checked on the whole rota and named in its own sentence.
SHORT_WORDS = frozenset({"placement", "rest", "workload", "ratio", "supervision"})
PATTERNS = (SequencesFamily(), WeekendsFamily())


@dataclass(frozen=True)
class Reason:
    """One rule keeping one person off one placement, in short words.

    ``family`` is the constraint family the rule belongs to; ``hard`` is False for
    a cost the placement would add (a work pattern) or when nothing keeps them off.
    """

    person: str
    family: str
    text: str
    hard: bool = True


@dataclass(frozen=True)
class Gap:
    """A station below its minimum on one slot, with every asked person's reasons."""

    day: int
    shift: str
    station: str
    short: int
    reasons: tuple[Reason, ...]

    @property
    def key(self) -> GapKey:
        """(day, shift, station), as a cover cost's subject names it."""
        return (self.day, self.shift, self.station)

    @property
    def texts(self) -> list[str]:
        """The reasons' words, person by person."""
        return [r.text for r in self.reasons]


def gap_reasons(problem: Problem, rota: Rota, site: str | None = None) -> dict[GapKey, list[str]]:
    """Each cover gap of a rota (at one site, or all) with why each qualified person is off it."""
    return {g.key: g.texts for g in GapCheck(problem, rota).gaps(site)}


class GapCheck:
    """A rota read once for asking, gap after gap and person after person, why not them."""

    def __init__(self, problem: Problem, rota: Rota) -> None:
        self.problem = problem
        self.rota = rota
        self._of_day: dict[tuple[str, int], list[Assignment]] = defaultdict(list)
        self._of_person: dict[str, list[Assignment]] = defaultdict(list)
        self._of_site: dict[str, list[Assignment]] = defaultdict(list)
        self._heads: Counter[GapKey] = Counter()
        for a in rota.assignments:
            if a.person not in problem.person or a.shift not in problem.shift:
                continue
            self._of_day[(a.person, a.day)].append(a)
            self._of_person[a.person].append(a)
            if a.activity in problem.station or a.activity in problem.duty:
                self._of_site[problem.activity_site(a.activity)].append(a)
            if a.mode is Mode.WORKS:
                self._heads[(a.day, a.shift, a.activity)] += 1
        self._patterns: dict[str, list] = {}
        self._others: dict[str, list[Violation]] | None = None

    # ----- the gaps --------------------------------------------------------------------

    def gaps(self, site: str | None = None) -> list[Gap]:
        """Every cover line below its minimum (at one site, or all) with its people's reasons."""
        out = []
        for line in self.problem.cover:
            station = self.problem.station[line.station]
            if site is not None and station.site != site:
                continue
            heads = self._heads[(line.day, line.shift, line.station)]
            if heads >= line.minimum:
                continue
            reasons: list[Reason] = []
            for person in self.asked(station, line.day, line.shift):
                reasons.extend(self.why_not(person.id, line.day, line.shift, line.station))
            out.append(
                Gap(line.day, line.shift, line.station, line.minimum - heads, tuple(reasons))
            )
        return out

    def asked(self, station: Station, day: int, shift: str) -> list[Person]:
        """The station's site's people who hold its competencies independently (even lapsed),
        or learn there as trainee technicians, and do not already work there that shift."""
        out = []
        for person in self.problem.people:
            if person.site != station.site:
                continue
            if any(
                a.shift == shift and a.activity == station.id and a.mode is Mode.WORKS
                for a in self._of_day.get((person.id, day), ())
            ):
                continue
            if _holds(person, station) or self._learning(person, station, day):
                out.append(person)
        return sorted(out, key=lambda p: p.name)

    def _learning(self, person: Person, station: Station, day: int) -> tuple[str, ...]:
        """The competencies a trainee technician learns at a station, () for anyone else."""
        if person.role is not Role.TRAINEE or _holds(person, station):
            return ()
        return self.problem.training_competencies(person, station, day)

    # ----- one person ------------------------------------------------------------------

    def why_not(
        self, person: str, day: int, shift: str, station: str, moving: bool = False
    ) -> list[Reason]:
        """What keeps a person off a station on a slot, first rules first.

        With ``moving`` their own assignment of that day is taken away first (as when
        moving them), instead of being the reason.
        """
        p = self.problem
        who, where = p.person[person], p.station[station]
        away = unavailable_reason(p, person, day, shift)
        if away:
            return [Reason(person, "placement", away)]
        blocked = placement_reason(p, Assignment(person, day, shift, station))
        learning = self._learning(who, where, day) if blocked else ()
        if blocked and not learning:
            return [Reason(person, "placement", blocked)]
        new = Assignment(person, day, shift, station, Mode.TRAINEE if learning else Mode.WORKS)
        today = self._of_day.get((person, day), [])
        if today and not moving:
            return [Reason(person, "placement", self._elsewhere(who, today[0], new))]
        mine = [a for a in self._of_person.get(person, []) if a.day != day]
        found = [
            *self._rest(who, mine, (day, shift)),
            *self._hours(who, mine, (day, shift)),
            *self._ratio(who, today, new),
            *self._trainee(who, learning, new),
        ]
        if not found:
            found = self._other_rules(today, new)
        patterns = self._patterns_added(who, mine, new)
        found += [r for r in patterns if r.hard]
        if found:
            return found
        if patterns:
            return patterns
        text = f"{who.name} could take it: no rule keeps them off"
        return [Reason(person, "", text, hard=False)]

    def _elsewhere(self, who: Person, a: Assignment, new: Assignment) -> str:
        """'Dan works the evening at Dispensary': what already holds a person that day."""
        p = self.problem
        shift = p.shift[a.shift].name.lower()
        if a.activity in p.duty:
            return f"{who.name} has the {p.duty[a.activity].name} duty on the {shift}"
        place, here = p.station[a.activity], p.station[new.activity]
        where = place.name
        if place.site != here.site:
            where += f" ({p.site[place.site].name})"
        if a.mode is not Mode.TRAINEE:
            return f"{who.name} works the {shift} at {where}"
        if (a.shift, a.activity) == (new.shift, new.activity):
            return f"{who.name} stands there as a trainee, and trainees do not count toward cover"
        return f"{who.name} trains at {where} on the {shift}"

    def _rest(self, who: Person, mine: list[Assignment], slot: Slot) -> list[Reason]:
        """Shifts of the person (or their history) too close to the slot, or a forbidden
        succession with it, as the rest rule reads them."""
        p = self.problem
        others = {(a.day, a.shift) for a in mine}
        others |= {(h.day, h.shift) for h in who.history if h.shift in p.shift and h.day < 0}
        hours = who.contract.min_rest_minutes / 60
        out = []
        for other in sorted(others):
            first, second = (other, slot) if other[0] < slot[0] else (slot, other)
            if second[0] == first[0] + 1 and second[1] in p.shift[first[1]].forbidden_next:
                text = succession_sentence(p, who, first[1], second[1])
            elif not too_close(p, who, first, second):
                continue
            elif gap_minutes(p, first, second) < 0:
                text = f"{who.name}: overlaps {p.slot_label(*other)}"
            else:
                side = "after" if other == first else "before"
                text = f"{who.name}: rest {side} {p.slot_label(*other)} (needs {hours:g} h)"
            out.append(Reason(who.id, "rest", text))
        return out

    def _hours(self, who: Person, mine: list[Assignment], slot: Slot) -> list[Reason]:
        """The contract's most hours, or most shifts of the slot's type, that one more passes."""
        p = self.problem
        slots = {(a.day, a.shift) for a in mine}
        out = []
        most = max_minutes(p, who)
        used = sum(p.slot_minutes(*s) for s in slots)
        if most is not None and used + p.slot_minutes(*slot) > most:
            text = f"{who.name}: {used / 60:g} h already rostered of the contract's {most / 60:g} h"
            out.append(Reason(who.id, "workload", text))
        cap = who.contract.max_shifts.get(slot[1])
        if cap is not None and sum(1 for s in slots if s[1] == slot[1]) + 1 > cap:
            name = p.shift[slot[1]].name
            text = (
                f"{who.name}'s contract: no {name} shifts"
                if cap == 0
                else f"{who.name}: {cap} {name} shift(s) already, the contract's most"
            )
            out.append(Reason(who.id, "workload", text))
        return out

    def _ratio(self, who: Person, today: list[Assignment], new: Assignment) -> list[Reason]:
        """The moments of the shift at which one more technician breaks the site's ratio law."""
        p = self.problem
        site = p.site[p.station[new.activity].site]
        rule = site.ratio
        kind = counts_as(rule, who) if rule is not None else None
        if kind not in ("technician", "certified"):
            return []
        start, end = p.slot_window(new.day, new.shift)
        windows = {}
        for a in self._of_site.get(site.id, ()):
            if a in today:
                continue  # moving: their own shift of that day is taken away first
            window = p.slot_window(a.day, a.shift)
            if window[0] < end and start < window[1]:
                windows[a] = window
        windows[new] = (start, end)
        spans: list[list] = []  # [start, end, words] of runs of broken moments
        for t0, t1, active in slices(windows):
            if new not in active:
                continue
            kinds = [counts_as(rule, p.person[x]) for x in {a.person for a in active} - {who.id}]
            words = _breach(rule, kinds, kind)
            if words and spans and spans[-1][1] == t0:
                spans[-1][1] = t1
            elif words:
                spans.append([t0, t1, words])
        return [
            Reason(who.id, "ratio", f"{who.name}: {words} on {moment_label(p, site, t0, t1)}")
            for t0, t1, words in spans
        ]

    def _trainee(self, who: Person, learning: tuple[str, ...], new: Assignment) -> list[Reason]:
        """A trainee technician needs a free trainer beside them, and never counts toward cover."""
        if not learning:
            return []
        p = self.problem
        load = Counter(
            a.trainer
            for a in self.rota.assignments
            if a.mode is Mode.TRAINEE and (a.day, a.shift) == (new.day, new.shift)
        )
        free = [
            a.person
            for a in self.rota.assignments
            if (a.day, a.shift, a.activity, a.mode)
            == (new.day, new.shift, new.activity, Mode.WORKS)
            and a.person in p.person
            and p.can_train(p.person[a.person], learning, new.day)
            and load[a.person] < p.person[a.person].max_trainees
        ]
        station = p.station[new.activity].name
        if not free:
            text = (
                f"{who.name} is a trainee: needs a trainer beside them, "
                f"and none is free at {station}"
            )
            return [Reason(who.id, "supervision", text)]
        trainer = p.person[min(free, key=lambda x: p.person[x].name)].name
        text = f"{who.name} could train beside {trainer}, but trainees do not count toward cover"
        return [Reason(who.id, "cover", text)]

    def _other_rules(self, today: list[Assignment], new: Assignment) -> list[Reason]:
        """Breaches of any other hard rule of the registry, in the rule's own sentence."""
        if self._others is None:
            self._others = {f.name: f.check(self.problem, self.rota) for f in _other_families()}
        after = Rota(tuple(a for a in self.rota.assignments if a not in today) + (new,))
        out = []
        for fam in _other_families():
            added = new_violations(self._others[fam.name], fam.check(self.problem, after))
            out.extend(Reason(new.person, fam.name, v.sentence) for v in added)
        return out

    def _patterns_added(self, who: Person, mine: list[Assignment], new: Assignment) -> list[Reason]:
        """Work-pattern rules (days in a row, weekends) the placement would add a cost to, or
        break when the contract keeps them hard."""
        if who.id not in self._patterns:
            own = Rota(tuple(self._of_person.get(who.id, ())))
            self._patterns[who.id] = [f.check(self.problem, own) for f in PATTERNS]
        after = Rota((*mine, new))
        out = []
        for fam, before in zip(PATTERNS, self._patterns[who.id], strict=True):
            found = [f for f in fam.check(self.problem, after) if f.subject.person == who.id]
            old = {f.key: f.amount for f in before if isinstance(f, Cost)}
            for f in found:
                if isinstance(f, Cost) and f.amount > old.get(f.key, 0):
                    out.append(Reason(who.id, fam.name, f.sentence, hard=False))
            seen = {f.sentence for f in before if isinstance(f, Violation)}
            out.extend(
                Reason(who.id, fam.name, f.sentence)
                for f in found
                if isinstance(f, Violation) and f.sentence not in seen
            )
        return out


def _holds(person: Person, station: Station) -> bool:
    """Whether a person holds every competency of a station at independent level, lapsed or not."""
    return all(
        (held := person.skills.get(c)) is not None and held.level >= Level.INDEPENDENT
        for c in station.competencies
    )


def _other_families() -> Iterable[HardFamily]:
    """The hard families of the registry that the short checks do not cover."""
    return [f for f in REGISTRY if isinstance(f, HardFamily) and f.name not in SHORT_WORDS]


def _breach(rule: RatioRule, kinds: list[str | None], kind: str) -> str:
    """What one more technician of ``kind`` breaks beside people who count as ``kinds`` (a
    moment already over the limit without them excepted), or '' when nothing."""
    pharmacists = kinds.count("pharmacist")
    plain = kinds.count("technician")
    everyone = plain + kinds.count("certified")
    most_plain, most_all = rule.limits(pharmacists)
    if plain > most_plain or everyone > most_all:
        return ""  # broken without them: not what keeps them off
    allow = f"{pharmacists} pharmacist(s) allow"
    if kind == "technician" and plain + 1 > most_plain and rule.certified_extra:
        return (
            f"a {_nth(plain + 1)} non-certified technician would break the ratio "
            f"({allow} {most_plain})"
        )
    if kind == "technician" and plain + 1 > most_plain or everyone + 1 > most_all:
        return f"a {_nth(everyone + 1)} technician would break the ratio ({allow} {most_all})"
    return ""


def _nth(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, 21st."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"
