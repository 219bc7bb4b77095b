"""The engine checks its input: every fault of a problem, in words, before anything is built.

A :class:`~.problem.Problem` runs :func:`problem_faults` when it is made (and when
``dataclasses.replace`` makes a changed copy); any fault raises one
:class:`ProblemError` that lists them all, one sentence each, naming the shift,
cover line, person or duty by name and date. Nothing wrong is dropped silently and
no constraint family meets an id it does not know.

What is checked here is what no rota could make sense of: unknown ids, lengths
and counts below zero, an ideal below its minimum, days outside the horizon. A pin
that is well formed but impossible (the person is on leave, lacks the competency)
is not a fault of the input: the diagnosis names it (``constraints/pins.py``).

The checks take time linear in the size of the problem: the benchmark's year-long
instances have some 40,000 cover lines.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import fields
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from .problem import Assignment, Problem

WEEKDAYS = range(7)
PRIORITIES = range(1, 4)


class ProblemError(ValueError):
    """A problem the engine cannot plan with; ``faults`` lists every fault, one sentence each."""

    def __init__(self, faults: list[str]) -> None:
        super().__init__("\n".join(faults))
        self.faults = list(faults)


def problem_faults(problem: Problem) -> list[str]:
    """Every fault of a problem in plain words, in the order of its parts (empty when sound)."""
    return _Check(problem).run()


def _unknown(kind: str, ident: str | None, verb: str = "names") -> str:
    """The end of a sentence about an id this problem does not have."""
    if kind in ("person", "trainer"):
        return f" {verb} {kind} '{ident}', who is not among the people of this plan"
    return f" {verb} {kind} '{ident}', which this plan does not have"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class _Check:
    """One pass over a problem's parts, collecting sentences."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.out: list[str] = []

    def run(self) -> list[str]:
        """Check every part in turn and return the faults found."""
        for part in (
            self.horizon,
            self.ids,
            self.sites,
            self.shift_types,
            self.competencies,
            self.stations,
            self.people,
            self.cover,
            self.duties,
            self.goals,
            self.offers,
            self.requests,
            self.pins,
            self.reference,
            self.kept,
            self.weights,
        ):
            part()
        self.out.extend(f"Priorities: {fault}" for fault in self.p.priorities.faults())
        return self.out

    # ----- names and dates ---------------------------------------------------------

    def in_horizon(self, day: int) -> bool:
        """Whether a day index lies inside the rota."""
        return 0 <= day < self.p.days

    def day(self, day: int) -> str:
        """'Tue 3 Mar' for a day of the rota, 'day 9' otherwise."""
        return self.p.day_label(day) if self.in_horizon(day) else f"day {day}"

    def outside(self, day: int) -> str:
        """The sentence for a day outside the rota."""
        days = self.p.days
        return f"day {day} is outside the rota's {_plural(days, 'day')} (0 to {days - 1})"

    def site(self, sid: str) -> str:
        """A site's name, or its id in quotes."""
        found = self.p.site.get(sid)
        return found.name if found is not None else f"'{sid}'"

    def shift(self, sid: str | None) -> str:
        """A shift type's name, or its id in quotes."""
        found = self.p.shift.get(sid) if sid is not None else None
        return found.name if found is not None else f"'{sid}'"

    def person(self, pid: str | None) -> str:
        """A person's name, or their id in quotes."""
        found = self.p.person.get(pid) if pid is not None else None
        return found.name if found is not None else f"'{pid}'"

    def activity(self, aid: str) -> str:
        """A station's or duty's name, or the id in quotes."""
        if aid in self.p.station:
            return self.p.station[aid].name
        if aid in self.p.duty:
            return self.p.duty[aid].name
        return f"'{aid}'"

    def unknown(self, what: str, kind: str, ident: str | None, verb: str = "names") -> None:
        """A fault: something names an id this problem does not have."""
        self.out.append(what + _unknown(kind, ident, verb))

    def negative(self, what: str, label: str, value: int | None) -> None:
        """A fault when a number that must not be negative is."""
        if value is not None and value < 0:
            self.out.append(f"{what}: {label} is {value}; it cannot be negative")

    # ----- the parts ---------------------------------------------------------------

    def horizon(self) -> None:
        """The rota covers at least one day; history reaches back zero days or more."""
        if self.p.days < 1:
            self.out.append(
                f"The rota covers {_plural(self.p.days, 'day')}; it must cover at least one day"
            )
        self.negative("The rota", "the number of history days", self.p.history_days)

    def ids(self) -> None:
        """Each id names one thing; a station and a duty never share one."""
        groups = (
            ("sites", self.p.sites),
            ("shift types", self.p.shift_types),
            ("competencies", self.p.competencies),
            ("stations", self.p.stations),
            ("people", self.p.people),
            ("duties", self.p.duties),
        )
        for many, items in groups:
            for ident, n in Counter(item.id for item in items).items():
                if n > 1:
                    names = ", ".join(item.name for item in items if item.id == ident)
                    self.out.append(
                        f"{n} {many} share the id '{ident}' ({names}); each needs its own"
                    )
        for ident, n in Counter(goal.id for goal in self.p.goals).items():
            if n > 1:
                self.out.append(f"{n} development goals share the id '{ident}'; each needs its own")
        for ident in self.p.station.keys() & self.p.duty.keys():
            self.out.append(
                f"Station {self.p.station[ident].name} and duty {self.p.duty[ident].name} "
                f"share the id '{ident}'; each needs its own"
            )

    def sites(self) -> None:
        """Each site's time zone is known; its ratio rule has no negative counts."""
        for site in self.p.sites:
            try:
                ZoneInfo(site.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                self.out.append(f"Site {site.name}: the time zone '{site.timezone}' is unknown")
            rule = site.ratio
            if rule is not None:
                what = f"Site {site.name}, ratio rule {rule.name}"
                self.negative(what, "technicians per pharmacist", rule.techs_per_pharmacist)
                self.negative(what, "extra certified technicians", rule.certified_extra)

    def shift_types(self) -> None:
        """Each shift type lasts a minute or more, at a known site, before known shift types."""
        for st in self.p.shift_types:
            what = f"Shift type {st.name} at {self.site(st.site)}"
            if st.site not in self.p.site:
                self.unknown(f"Shift type {st.name}", "site", st.site)
            if st.minutes <= 0:
                self.out.append(
                    f"{what}: length {st.minutes} minutes; a shift must last at least a minute"
                )
            for nxt in sorted(st.forbidden_next):
                if nxt not in self.p.shift:
                    self.unknown(what, "shift type", nxt, "may not be followed by")

    def competencies(self) -> None:
        """Each prerequisite is a known competency."""
        for c in self.p.competencies:
            if c.prerequisite is not None and c.prerequisite not in self.p.competency:
                self.unknown(
                    f"Competency {c.name}", "competency", c.prerequisite, "has as its prerequisite"
                )

    def stations(self) -> None:
        """Each station is at a known site and needs known competencies."""
        for station in self.p.stations:
            what = f"Station {station.name}"
            if station.site not in self.p.site:
                self.unknown(what, "site", station.site)
            for c in station.competencies:
                if c not in self.p.competency:
                    self.unknown(what, "competency", c, "needs")

    def people(self) -> None:
        """Each person's site, skills, contract, unavailability and history make sense."""
        for person in self.p.people:
            what = person.name
            if person.site not in self.p.site:
                self.unknown(what, "home site", person.site, "has")
            for c in sorted(person.skills):
                if c not in self.p.competency:
                    self.unknown(what, "competency", c, "holds a skill in")
            self.contract(person)
            self.negative(what, "the most trainees they may supervise", person.max_trainees)
            for day, shift in sorted(person.unavailable, key=lambda u: (u[0], u[1] or "")):
                if shift is not None and shift not in self.p.shift:
                    self.unknown(
                        f"{what} is unavailable on {self.day(day)}", "shift type", shift, "for"
                    )
            for past in person.history:
                if past.day >= 0:
                    self.out.append(
                        f"{what}: a past shift on day {past.day} is not before the rota; "
                        "history days are -1 (the day before) or earlier"
                    )
                if past.shift not in self.p.shift:
                    self.unknown(
                        f"{what}'s past shift on day {past.day}", "shift type", past.shift, "is of"
                    )

    def contract(self, person) -> None:
        """A contract's numbers are not negative, its minimum not above its maximum."""
        c = person.contract
        what = f"{person.name}'s contract"
        self.negative(what, "the fewest minutes", c.min_minutes)
        self.negative(what, "the most minutes", c.max_minutes)
        self.negative(what, "the most days in a row", c.max_consecutive_days)
        self.negative(what, "the most weekends", c.max_weekends)
        self.negative(what, "the rest between shifts in minutes", c.min_rest_minutes)
        if c.max_minutes is not None and c.min_minutes > c.max_minutes:
            self.out.append(
                f"{what}: the fewest minutes ({c.min_minutes}) are more than the most "
                f"({c.max_minutes})"
            )
        if c.min_consecutive_days < 1:
            self.out.append(
                f"{what}: the fewest working days in a row is {c.min_consecutive_days}; "
                "it must be 1 or more"
            )
        if c.min_consecutive_days_off < 1:
            self.out.append(
                f"{what}: the fewest days off in a row is {c.min_consecutive_days_off}; "
                "it must be 1 or more"
            )
        for shift, most in sorted(c.max_shifts.items()):
            if shift not in self.p.shift:
                self.unknown(what, "shift type", shift, "limits")
            else:
                self.negative(what, f"the most {self.shift(shift)} shifts", most)

    def cover(self) -> None:
        """Each cover line names a known station and shift of one site, on a day of the rota."""
        p = self.p
        seen: set[tuple[int, str, str]] = set()
        for line in p.cover:
            station = p.station.get(line.station)
            shift = p.shift.get(line.shift)
            tails = []
            if station is None:
                tails.append(_unknown("station", line.station))
            if shift is None:
                tails.append(_unknown("shift type", line.shift))
            if not 0 <= line.day < p.days:
                tails.append(f": {self.outside(line.day)}")
            if station is not None and shift is not None and station.site != shift.site:
                tails.append(
                    f": the station is at {self.site(station.site)} but the shift at "
                    f"{self.site(shift.site)}"
                )
            if line.minimum < 0 or line.ideal < 0:
                tails.append(
                    f": a head count cannot be negative (minimum {line.minimum}, "
                    f"ideal {line.ideal})"
                )
            elif line.ideal < line.minimum:
                tails.append(f": the ideal ({line.ideal}) is below the minimum ({line.minimum})")
            if line.under_weight < 0 or line.ideal_weight < 0 or line.over_weight < 0:
                tails.append(
                    f": a weight cannot be negative (under {line.under_weight}, "
                    f"ideal {line.ideal_weight}, over {line.over_weight})"
                )
            key = (line.day, line.shift, line.station)
            if key in seen:
                tails.append(": there is more than one cover line for it")
            seen.add(key)
            if tails:
                where = station.name if station is not None else f"'{line.station}'"
                what = f"Cover line for {where} on {self.day(line.day)} {self.shift(line.shift)}"
                self.out.extend(what + tail for tail in tails)

    def duties(self) -> None:
        """Each duty is at a known site, takes time, and names known days, shifts and people."""
        for duty in self.p.duties:
            what = f"Duty {duty.name}"
            if duty.site not in self.p.site:
                self.unknown(what, "site", duty.site)
            if duty.minutes <= 0:
                self.out.append(
                    f"{what}: {duty.minutes} minutes; a duty must take at least a minute"
                )
            self.negative(what, "the times a week", duty.per_week)
            self.negative(what, "the most times a day", duty.per_day)
            self.negative(what, "the weight", duty.weight)
            if duty.competency is not None and duty.competency not in self.p.competency:
                self.unknown(what, "competency", duty.competency)
            for day in sorted(duty.days or ()):
                if day not in WEEKDAYS:
                    self.out.append(
                        f"{what}: weekday {day} does not exist; weekdays are 0 (Monday) to "
                        "6 (Sunday)"
                    )
            for shift in sorted(duty.shifts or ()):
                st = self.p.shift.get(shift)
                if st is None:
                    self.unknown(what, "shift type", shift)
                elif st.site != duty.site:
                    self.out.append(
                        f"{what}: shift type {st.name} is at {self.site(st.site)}, not at the "
                        f"duty's site {self.site(duty.site)}"
                    )
            for pid in sorted(duty.people or ()):
                if pid not in self.p.person:
                    self.unknown(what, "person", pid, "may be taken only by")

    def goals(self) -> None:
        """Each goal is a known person's, in a known competency, with a sane count and priority."""
        for goal in self.p.goals:
            comp = self.p.competency.get(goal.competency)
            what = (
                f"Development goal of {self.person(goal.person)} in "
                f"{comp.name if comp is not None else repr(goal.competency)}"
            )
            if goal.person not in self.p.person:
                self.unknown(what, "person", goal.person)
            if comp is None:
                self.unknown(what, "competency", goal.competency)
            self.negative(what, "the shifts still needed", goal.shifts_needed)
            if goal.priority not in PRIORITIES:
                self.out.append(
                    f"{what}: priority {goal.priority}; it must be 1 (low), 2 (normal) or 3 (high)"
                )

    def offers(self) -> None:
        """Each offer is a known person's, naming a known duty or station when it needs one."""
        for offer in self.p.offers:
            what = f"Offer of {self.person(offer.person)} ({offer.kind.replace('_', ' ')})"
            if offer.person not in self.p.person:
                self.unknown(what, "person", offer.person)
            if offer.kind == "duty":
                if offer.duty is None:
                    self.out.append(f"{what}: it names no duty")
                elif offer.duty not in self.p.duty:
                    self.unknown(what, "duty", offer.duty)
            if offer.kind == "station":
                if offer.station is None:
                    self.out.append(f"{what}: it names no station")
                elif offer.station not in self.p.station:
                    self.unknown(what, "station", offer.station)
            if offer.count < 1:
                self.out.append(f"{what}: a count of {offer.count}; it must be 1 or more")
            self.negative(what, "the weight", offer.weight)

    def requests(self) -> None:
        """Each request is a known person's, on a day of the rota, for a known shift."""
        p = self.p
        for request in p.requests:
            tails = []
            if request.person not in p.person:
                tails.append(_unknown("person", request.person))
            if request.shift is not None and request.shift not in p.shift:
                tails.append(_unknown("shift type", request.shift))
            if not 0 <= request.day < p.days:
                tails.append(f": {self.outside(request.day)}")
            if request.weight < 0:
                tails.append(f": the weight is {request.weight}; it cannot be negative")
            if tails:
                kind = "to work" if request.want else "not to work"
                slot = "" if request.shift is None else f" {self.shift(request.shift)}"
                what = (
                    f"Request of {self.person(request.person)} {kind} {self.day(request.day)}{slot}"
                )
                self.out.extend(what + tail for tail in tails)

    def assignment(self, label: str, a: Assignment, trainer: bool) -> None:
        """An assignment names a known person, shift and station or duty (on a day of the rota)."""
        p = self.p
        tails = []
        if a.person not in p.person:
            tails.append(_unknown("person", a.person))
        if a.shift not in p.shift:
            tails.append(_unknown("shift type", a.shift))
        if a.activity not in p.station and a.activity not in p.duty:
            tails.append(_unknown("station or duty", a.activity))
        if trainer:
            if a.trainer is not None and a.trainer not in p.person:
                tails.append(_unknown("trainer", a.trainer))
            if not 0 <= a.day < p.days:
                tails.append(f": {self.outside(a.day)}")
        if tails:
            what = (
                f"{label}: {self.person(a.person)} on {self.day(a.day)} {self.shift(a.shift)} "
                f"at {self.activity(a.activity)}"
            )
            self.out.extend(what + tail for tail in tails)

    def pins(self) -> None:
        """Each pin is well formed; whether it can hold is the diagnosis's question."""
        for pin in self.p.pins:
            self.assignment("Pin", pin, trainer=True)

    def reference(self) -> None:
        """Each assignment of the reference rota names known people, shifts and activities.

        Days outside the horizon are allowed: the comparison leaves them out.
        """
        for a in self.p.reference or ():
            self.assignment("Reference rota", a, trainer=False)

    def kept(self) -> None:
        """Kept days lie inside the horizon, and each kept assignment on one of them."""
        p = self.p
        if not 0 <= p.kept_days <= p.days:
            self.out.append(
                f"Kept days: {p.kept_days}; a re-plan keeps 0 to {p.days} days of this rota"
            )
        if not 0 <= p.short_notice_days <= p.days:
            self.out.append(f"Short-notice days: {p.short_notice_days}; it must be 0 to {p.days}")
        for a in p.kept:
            self.assignment("Kept assignment", a, trainer=True)
            if 0 <= a.day < p.days and a.day >= p.kept_days:
                self.out.append(
                    f"Kept assignment: {self.person(a.person)} on {self.day(a.day)} is on a day "
                    f"the re-plan may change "
                    f"(only the first {_plural(p.kept_days, 'day')} are kept)"
                )

    def weights(self) -> None:
        """No weight of a soft rule is negative."""
        w = self.p.weights
        for f in fields(w):
            self.negative("Weights", f"the weight '{f.name}'", getattr(w, f.name))
