"""A fast first rota for independent people: one person at a time, by dynamic programming.

CP-SAT finds a rota for one person over a year slowly (seconds, sometimes tens of
seconds): the sums over the horizon (minutes, shifts of a type, weekends) interact
with the day-to-day sequence rules in a way its search does not see. A person's rota
is, however, a path through the days whose state is small: the length of the current
run of work or of days off, and the shift worked the day before. Dynamic programming
finds the most valuable path that keeps the sequence rules (most and fewest days in a
row, fewest days off in a row, forbidden successions, days off); the sums over the
horizon are priced with Lagrange multipliers, adjusted until the path keeps them too.

Working a slot is worth what it adds to the cover that people placed earlier left
short (the problem's own cover weights) plus the person's requests, so later people
fill the gaps earlier ones left. Every path is checked against the person's contract
here; whoever the multipliers cannot bring within it is left to CP-SAT by the caller,
and the whole rota is checked by the validator before anyone sees it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numba import njit

from .problem import Assignment, Mode, Person, Problem, Rota
from .validate import validate

NEG = -1e15  # the value of an impossible state
OUTER = 30  # rounds of shift-type and weekend price updates before a person is handed back
ATTEMPTS = 2  # tie-breaks tried per person
DECAY = 0.85  # each round moves those prices less
BISECTIONS = 30  # halvings of the price of a minute per round
REFINE = 16  # further halvings toward a smaller price once a path keeps every sum


@dataclass
class Slots:
    """Per day and shift type: the value of working it and the station it would be worked at."""

    value: np.ndarray  # days x shift types; NEG where the person may not work
    station: np.ndarray  # days x shift types: index of the station it would be worked at


class CoverTable:
    """The problem's cover lines as arrays, with the head count standing at each."""

    def __init__(self, problem: Problem, fixed: Iterable[Assignment] = ()) -> None:
        shift_index = {s.id: i for i, s in enumerate(problem.shift_types)}
        station_index = {s.id: i for i, s in enumerate(problem.stations)}
        lines = [c for c in problem.cover if c.station in station_index]
        self.problem = problem
        self.index = {(c.day, c.shift, c.station): i for i, c in enumerate(lines)}
        self.day = np.array([c.day for c in lines], dtype=np.int64)
        self.shift = np.array([shift_index[c.shift] for c in lines], dtype=np.int64)
        self.station = np.array([station_index[c.station] for c in lines], dtype=np.int64)
        self.minimum = np.array([c.minimum for c in lines], dtype=float)
        self.ideal = np.array([c.ideal for c in lines], dtype=float)
        self.under_gain = np.array([c.under_weight + c.ideal_weight for c in lines], dtype=float)
        self.ideal_gain = np.array([c.ideal_weight for c in lines], dtype=float)
        self.over_cost = np.array([c.over_weight for c in lines], dtype=float)
        self.count = np.zeros(len(lines))
        for a in fixed:
            self.add(a)
        self.minutes = np.array(
            [
                [problem.slot_minutes(d, st.id) for st in problem.shift_types]
                for d in range(problem.days)
            ],
            dtype=float,
        )

    def add(self, a: Assignment) -> None:
        """Count one more person standing at an assignment's cover line."""
        i = self.index.get((a.day, a.shift, a.activity))
        if i is not None and a.mode is Mode.WORKS:
            self.count[i] += 1

    def workable(self, person: Person) -> np.ndarray:
        """(stations x days): where the person counts toward cover, skills' expiry included."""
        p = self.problem
        out = np.zeros((len(p.stations), p.days), dtype=bool)
        last = p.date_of(p.days - 1)
        for i, station in enumerate(p.stations):
            if station.site != person.site:
                continue
            expiring = any(
                (held := person.skills.get(c)) is not None
                and held.valid_until is not None
                and held.valid_until < last
                for c in station.competencies
            )
            if expiring:
                out[i] = [p.can_work(person, station, d) for d in range(p.days)]
            else:
                out[i] = p.can_work(person, station, 0)
        return out

    def slot_values(self, person: Person) -> Slots:
        """What working each slot would add to the rota, given who already stands where."""
        p = self.problem
        n = len(p.shift_types)
        blocked = np.zeros((p.days, n), dtype=bool)
        for i, st in enumerate(p.shift_types):
            if st.site != person.site or person.contract.max_shifts.get(st.id, 1) == 0:
                blocked[:, i] = True
        shift_index = {s.id: i for i, s in enumerate(p.shift_types)}
        for day, shift in person.unavailable:
            if 0 <= day < p.days:
                blocked[day, slice(None) if shift is None else shift_index[shift]] = True
        usable = self.workable(person)[self.station, self.day] & ~blocked[self.day, self.shift]
        gain = np.where(
            self.count < self.minimum,
            self.under_gain,
            np.where(self.count < self.ideal, self.ideal_gain, -self.over_cost),
        )
        rows = np.flatnonzero(usable)
        rows = rows[np.argsort(gain[rows], kind="stable")]  # the best line of a slot goes last
        value = np.full((p.days, n), NEG)
        station = np.full((p.days, n), -1, dtype=np.int64)
        value[self.day[rows], self.shift[rows]] = gain[rows]
        station[self.day[rows], self.shift[rows]] = self.station[rows]
        for r in p.requests:
            if r.person != person.id or not 0 <= r.day < p.days:
                continue
            row = value[r.day]
            mask = row > NEG / 2
            if r.shift is not None:
                mask &= np.arange(n) == shift_index[r.shift]
            row[mask] += r.weight if r.want else -r.weight
        return Slots(value, station)


def _allowed(problem: Problem, person: Person) -> np.ndarray:
    """allowed[d, a, b]: whether shift type b on day d may follow shift type a on day d - 1.

    The rest between them is measured on the real clock (``Problem.slot_window``), so a
    daylight-saving change between two shifts lengthens or shortens it; day 0 follows
    the day before the horizon, where the history's last shift was worked.
    """
    types = problem.shift_types
    rest = person.contract.min_rest_minutes
    out = np.ones((problem.days, len(types), len(types)), dtype=bool)
    for d in range(problem.days):
        for i, a in enumerate(types):
            end = problem.slot_window(d - 1, a.id)[1]
            for j, b in enumerate(types):
                gap = problem.slot_window(d, b.id)[0] - end
                out[d, i, j] = b.id not in a.forbidden_next and gap >= rest
    return out


def _initial(problem: Problem, person: Person) -> tuple[int, int, int | None]:
    """The runs before day 0: (days of work in a row, days off in a row, last shift index)."""
    if problem.history_days == 0:
        return 0, 0, None
    worked = {h.day: h.shift for h in person.history}
    work = off = 0
    for d in range(-1, -problem.history_days - 1, -1):
        if d in worked and not off:
            work += 1
        elif d not in worked and not work:
            off += 1
        else:
            break
    index = {s.id: i for i, s in enumerate(problem.shift_types)}
    return work, off, index.get(worked.get(-1, ""))


def _weekend_roles(problem: Problem) -> np.ndarray:
    """Per day: 0 not a weekend day, 1 first day of a weekend, 2 a later day of the same weekend."""
    roles = np.zeros(problem.days, dtype=np.int8)
    for days in problem.weekends:
        for i, d in enumerate(days):
            roles[d] = 1 if i == 0 or d != days[i - 1] + 1 else 2
    return roles


def best_path(
    problem: Problem,
    person: Person,
    value: np.ndarray,
    allowed: np.ndarray,
    weekend_price: float = 0.0,
) -> np.ndarray:
    """The most valuable path (shift index per day, -1 off) within the person's sequence rules.

    ``value`` is the priced (days x shift types) grid, ``allowed`` the successions
    (``_allowed``: day x shift type before x shift type); ``weekend_price`` is charged
    once per weekend worked. A run that touches the first known day, or reaches the end
    of the horizon, is exempt from the minimums.
    """
    c = person.contract
    days = value.shape[0]
    hd = problem.history_days
    kmax = min(c.max_consecutive_days or days + hd + 1, days + hd + 1)
    jmin = max(1, c.min_consecutive_days_off)
    n = value.shape[1]
    w0, o0, last = _initial(problem, person)
    if w0 and last is not None:
        init = (min(w0, kmax) - 1) * n + last
    elif o0:
        init = kmax * n + min(o0, jmin) - 1
    else:
        init = kmax * n + jmin - 1  # no history: free to start either way
    return _paths(
        np.ascontiguousarray(value, dtype=np.float64),
        allowed,
        _weekend_roles(problem),
        float(weekend_price),
        kmax,
        c.min_consecutive_days,
        jmin,
        hd,
        init,
    )


@njit(cache=True)
def _paths(value, allowed, roles, weekend_price, kmax, kmin, jmin, hd, init):
    """The dynamic programme behind ``best_path``, compiled.

    States, flat: k days of work in a row ending on shift s at (k - 1) * n + s for k up
    to ``kmax``, then j days off in a row at kmax * n + j - 1 for j up to ``jmin``
    (the last meaning "jmin or more").
    """
    days, n = value.shape
    off0 = kmax * n
    size = off0 + jmin
    half = NEG / 2
    state = np.full(size, NEG)
    state[init] = 0.0
    new = np.empty(size)
    back = np.zeros((days, size), dtype=np.int32)
    for d in range(days):
        touching = d + hd  # a run this long ending yesterday began on the first known day
        new[:] = NEG
        price = weekend_price if roles[d] == 1 else 0.0
        start_price = weekend_price if roles[d] != 0 else 0.0
        for k in range(1, kmax):  # carry on working: run k on shift a -> run k + 1 on b
            for b in range(n):
                vb = value[d, b]
                if vb <= half:
                    continue
                best = NEG
                arg = 0
                for a in range(n):
                    x = state[(k - 1) * n + a]
                    if allowed[d, a, b] and x > best:
                        best = x
                        arg = a
                if best > half:
                    new[k * n + b] = best + vb - price
                    back[d, k * n + b] = (k - 1) * n + arg
        best = NEG  # start working after enough days off (or an exempt first run)
        arg = 0
        for j in range(1, jmin + 1):
            x = state[off0 + j - 1]
            if (j >= jmin or j == touching) and x > best:
                best = x
                arg = off0 + j - 1
        if best > half:
            for b in range(n):
                vb = value[d, b]
                if vb > half and best + vb - start_price > new[b]:
                    new[b] = best + vb - start_price
                    back[d, b] = arg
        best = NEG  # stop working after enough days (or an exempt first run)
        arg = 0
        for k in range(1, kmax + 1):
            if k >= kmin or k == touching:
                for a in range(n):
                    x = state[(k - 1) * n + a]
                    if x > best:
                        best = x
                        arg = (k - 1) * n + a
        if best > half:
            new[off0] = best
            back[d, off0] = arg
        for j in range(jmin):  # stay off
            x = state[off0 + j]
            target = off0 + min(j + 1, jmin - 1)
            if x > half and x > new[target]:
                new[target] = x
                back[d, target] = off0 + j
        state[:] = new
    path = np.full(days, -1, dtype=np.int32)
    at = 0
    for s in range(size):
        if state[s] > state[at]:
            at = s
    if state[at] <= half:
        return path  # no path keeps the rules: the caller sees the contract broken
    for d in range(days - 1, -1, -1):
        if at < off0:
            path[d] = at % n
        at = back[d, at]
    return path


@dataclass
class Outcome:
    """One person's constructed path and how far its sums are from the contract (0: within)."""

    path: np.ndarray  # per day: shift index, or -1 for a day off
    excess: float


@dataclass
class _Sums:
    """What a contract bounds over the horizon, for a batch of paths."""

    minutes: np.ndarray  # (batch,)
    weekends: np.ndarray  # (batch,)
    counts: np.ndarray  # (batch, shift types)


class _Contract:
    """A person's sums and their bounds, measured on batches of paths."""

    def __init__(self, problem: Problem, person: Person, minutes: np.ndarray) -> None:
        c = person.contract
        self.minutes = minutes
        self.low = float(c.min_minutes)
        self.high = float("inf") if c.max_minutes is None else float(c.max_minutes)
        self.max_weekends = np.inf if c.max_weekends is None else c.max_weekends
        self.caps = np.array(
            [c.max_shifts.get(st.id, np.inf) for st in problem.shift_types], dtype=float
        )
        self.weekend_of = np.full(problem.days, -1)
        for i, days in enumerate(problem.weekends):
            self.weekend_of[list(days)] = i
        self.weekends = len(problem.weekends)

    def sums(self, paths: np.ndarray) -> _Sums:
        """Minutes, weekends worked and shifts of each type, per path."""
        batch, days = paths.shape
        worked = paths >= 0
        shift = np.where(worked, paths, 0)
        minutes = (self.minutes[np.arange(days)[None, :], shift] * worked).sum(axis=1)
        counts = np.zeros((batch, self.minutes.shape[1]))
        np.add.at(counts, (np.nonzero(worked)[0], shift[worked]), 1)
        weekend = np.zeros((batch, self.weekends + 1), dtype=bool)
        rows, cols = np.nonzero(worked & (self.weekend_of >= 0)[None, :])
        weekend[rows, self.weekend_of[cols]] = True
        return _Sums(minutes, weekend.sum(axis=1), counts)

    def excess(self, sums: _Sums) -> np.ndarray:
        """How far each path's sums lie outside the contract (0 when within)."""
        over_minutes = np.maximum(0, sums.minutes - self.high)
        under_minutes = np.maximum(0, self.low - sums.minutes)
        over_weekends = np.maximum(0, sums.weekends - self.max_weekends)
        over_types = np.maximum(0, sums.counts - self.caps[None, :]).sum(axis=1)
        return over_minutes + under_minutes + 480 * (over_weekends + over_types)


def person_path(
    problem: Problem, person: Person, slots: Slots, minutes: np.ndarray, seed: int = 0
) -> Outcome:
    """The best path for one person whose sums keep their contract, found by pricing the sums.

    The price of a minute is bisected until the path's minutes fall inside the
    contract's window (a negative price is a bonus for working), then further toward a
    smaller price, keeping the most valuable path that keeps every sum. Shifts of a
    type over its cap are swapped, day by day, for types with room (``_swap_types``);
    what that cannot mend, and weekends over the cap, raise their prices for the next
    round by how far they are over (a subgradient step that shrinks every round). Slot
    values get a random tie-break too small to outweigh one unit of real value, or
    equal slots would all be taken or all dropped at the same price.
    """
    days, n = slots.value.shape
    contract = _Contract(problem, person, minutes)
    allowed = _allowed(problem, person)
    open_ = slots.value > NEG / 2
    finite = slots.value[open_]
    scale = max(1.0, float(np.abs(finite).max()) if finite.size else 1.0)
    rng = np.random.default_rng(seed)
    noise = rng.uniform(0, 1 / (days + 1), slots.value.shape)  # sums below one unit of value
    value = np.where(open_, slots.value + noise, NEG)
    shortest = max(1.0, float(minutes.min()))
    mu = np.zeros(n)  # price of one shift of each type
    nu, nu_low, nu_high = 0.0, 0.0, np.inf  # price of a weekend, bisected like the minute's
    rate = scale / 10  # how far a shift type's price moves per shift over (or under) its cap
    best = Outcome(np.full(days, -1, dtype=np.int32), np.inf)
    best_worth = -np.inf
    for _ in range(OUTER):
        reach = (2 * scale + nu + float(mu.max())) / shortest
        lo, hi = -reach, reach
        refine = -1  # once a path keeps every sum: halvings left toward a smaller price
        for _ in range(BISECTIONS):
            lam = (lo + hi) / 2
            path = best_path(problem, person, value - lam * minutes - mu[None, :], allowed, nu)
            path = _swap_types(path, value, minutes, allowed, contract)
            sums = contract.sums(path[None])
            excess = float(contract.excess(sums)[0])
            if excess == 0:
                worth = float(slots.value[np.arange(days), path][path >= 0].sum())
                if worth > best_worth:
                    best, best_worth = Outcome(path, 0.0), worth
                if refine < 0:
                    refine = REFINE
            elif excess < best.excess:
                best = Outcome(path, excess)
            if refine == 0:
                break
            if refine > 0:
                refine -= 1
            if sums.minutes[0] > contract.high:
                lo = lam
            elif sums.minutes[0] < contract.low:
                hi = lam
            elif refine > 0:  # inside the window: does a smaller price (or bonus) stay inside?
                if lam > 0:
                    hi = lam
                else:
                    lo = lam
            else:
                break  # inside the window, but another sum is broken: reprice it
        if best.excess == 0:
            return best
        over_types = sums.counts[0] - contract.caps
        over_weekends = sums.weekends[0] - contract.max_weekends
        if not (over_types > 0).any() and over_weekends <= 0 and nu == 0:
            break  # only the minutes are out of reach: other prices would not help
        mu = np.maximum(0.0, mu + rate * np.where(np.isfinite(over_types), over_types, 0))
        rate *= DECAY
        if over_weekends > 0:
            nu_low = nu
        elif nu > 0:
            nu_high = nu
        nu = (nu_low + nu_high) / 2 if np.isfinite(nu_high) else max(2 * nu, scale / 4)
    return best


def _swap_types(
    path: np.ndarray,
    value: np.ndarray,
    minutes: np.ndarray,
    allowed: np.ndarray,
    contract: _Contract,
) -> np.ndarray:
    """Move shifts of types over their cap to types with room, keeping days worked and minutes.

    The least valuable shifts of an over-cap type go first; each moves to the most
    valuable type with room that may follow the day before and precede the day after,
    so runs, weekends and successions stay as they were.
    """
    counts = np.bincount(path[path >= 0], minlength=len(contract.caps)).astype(float)
    if not (counts > contract.caps).any():
        return path
    path = path.copy()
    total = float(minutes[np.arange(len(path)), np.maximum(path, 0)][path >= 0].sum())
    days = len(path)
    for s in np.flatnonzero(counts > contract.caps):
        for d in sorted(np.flatnonzero(path == s), key=lambda d: value[d, s]):
            if counts[s] <= contract.caps[s]:
                break
            room = (counts < contract.caps) & (value[d] > NEG / 2)
            if d > 0 and path[d - 1] >= 0:
                room &= allowed[d, path[d - 1]]
            if d + 1 < days and path[d + 1] >= 0:
                room &= allowed[d + 1, :, path[d + 1]]
            moved = total - minutes[d, s] + minutes[d]
            room &= (moved >= contract.low) & (moved <= contract.high)
            if not room.any():
                continue
            t = int(np.argmax(np.where(room, value[d], NEG)))
            path[d] = t
            counts[s] -= 1
            counts[t] += 1
            total = float(moved[t])
    return path


def construct(
    problem: Problem, order: list[str], fixed: Iterable[Assignment] = ()
) -> tuple[list[Assignment], list[str]]:
    """Place people one at a time in ``order`` against the cover the others already give.

    Returns the assignments of everyone whose path keeps their contract, and the ids of
    the people left unplaced (for CP-SAT to place).
    """
    table = CoverTable(problem, fixed)
    placed: list[Assignment] = []
    left: list[str] = []
    shifts = [s.id for s in problem.shift_types]
    for pid in order:
        person = problem.person[pid]
        slots = table.slot_values(person)
        for attempt in range(ATTEMPTS):  # another tie-break can reach a tight window
            outcome = person_path(problem, person, slots, table.minutes, seed=attempt)
            if not outcome.excess:
                break
        if outcome.excess:
            left.append(pid)
            continue
        for d, s in enumerate(outcome.path.tolist()):
            if s >= 0:
                station = problem.stations[int(slots.station[d, s])].id
                placed.append(Assignment(pid, d, shifts[s], station))
                table.add(placed[-1])
    return placed, left


def first_rota(problem: Problem, order: list[str] | None = None) -> tuple[Rota, list[str]]:
    """A rota for everyone the construction can place within every hard rule.

    The paths are checked by the validator, so a rule the dynamic programme does not
    model (rest across more than one day, say) is never broken silently: anyone with a
    violation is dropped from the rota and returned among the people left to place.
    """
    placed, left = construct(problem, order or [p.id for p in problem.people])
    broken = {v.subject.person for v in validate(problem, Rota(tuple(placed))).violations}
    if None in broken:  # a violation about no one in particular: trust nobody's path
        return Rota(()), [p.id for p in problem.people]
    kept = tuple(a for a in placed if a.person not in broken)
    return Rota(kept), [*left, *sorted(p for p in broken if p not in left)]
