"""Placement: one shift a day, only when available, only where qualified or trainable."""

from __future__ import annotations

from collections import defaultdict

from ..penalties import Subject, Violation
from ..problem import Assignment, Level, Mode, Problem, Rota
from ..reasons import competency_reason, unavailable_reason
from .base import HardFamily, ModelContext


def placement_reason(problem: Problem, a: Assignment) -> str | None:
    """Why one assignment is impossible on its own (unknown, unavailable, unqualified), or None."""
    if a.person not in problem.person:
        return f"unknown person '{a.person}'"
    if a.shift not in problem.shift:
        return f"unknown shift type '{a.shift}'"
    if not 0 <= a.day < problem.days:
        return f"day {a.day} is outside the rota"
    if a.activity not in problem.station and a.activity not in problem.duty:
        return f"unknown station or duty '{a.activity}'"
    who = problem.person[a.person]
    shift = problem.shift[a.shift]
    site = problem.activity_site(a.activity)
    if shift.site != site:
        return f"{shift.name} is a shift of another site than {_activity_name(problem, a.activity)}"
    away = unavailable_reason(problem, a.person, a.day, a.shift)
    if away:
        return away
    if a.activity in problem.duty:
        duty = problem.duty[a.activity]
        if a.mode != Mode.WORKS or not problem.can_do_duty(who, duty, a.day, a.shift):
            when = problem.slot_label(a.day, a.shift)
            return f"{who.name} may not take the duty {duty.name} on {when}"
        return None
    station = problem.station[a.activity]
    if a.mode == Mode.TRAINEE:
        if problem.training_competencies(who, station, a.day):
            return None
        return f"{who.name} is not in training for {station.name}"
    if station.site != who.site:
        return f"{who.name} works at another site than {station.name}"
    on = problem.date_of(a.day)
    for c in station.competencies:
        if (who.skill(c, on) or 0) < Level.INDEPENDENT:
            return competency_reason(problem, a.person, c, a.day)
    return None


def _activity_name(problem: Problem, activity: str) -> str:
    if activity in problem.station:
        return problem.station[activity].name
    return problem.duty[activity].name


class PlacementFamily(HardFamily):
    """Qualified, available, one shift a day; the variables already encode it."""

    name = "placement"
    title = "Qualified, available, one shift a day"

    def build(self, ctx: ModelContext) -> None:
        """Post nothing in a solve: variables exist only for possible placements.

        In a diagnostic solve the placements that leave or a competency rule out
        exist too; each rule keeping one out is posted as a named, guarded "not
        here", so a conflict can name the leave or the lapsed competency.
        """
        for _key, var, blocks in ctx.vars.blocked():
            for guard_key, sentence in blocks:
                lits = ctx.guard(self.name, guard_key, sentence)
                ctx.model.add(var == 0).only_enforce_if(lits)

    def check(self, problem: Problem, rota: Rota) -> list[Violation]:
        """Every assignment that is impossible, and every person placed twice on one day."""
        out = []
        per_day: dict[tuple[str, int], list[Assignment]] = defaultdict(list)
        for a in rota.assignments:
            subject = Subject(a.person, a.day, a.shift, a.activity)
            reason = placement_reason(problem, a)
            if reason:
                out.append(Violation(self.name, subject, f"{_describe(problem, a)}: {reason}"))
            per_day[(a.person, a.day)].append(a)
        for (person, day), items in per_day.items():
            if len(items) > 1:
                name = problem.person[person].name if person in problem.person else person
                label = problem.day_label(day) if 0 <= day < problem.days else f"day {day}"
                out.append(
                    Violation(
                        self.name,
                        Subject(person, day),
                        f"{name} has {len(items)} assignments on {label}; one shift a day at most",
                    )
                )
        return out


def _describe(problem: Problem, a: Assignment) -> str:
    """'Ann on Tue 3 Mar day at Fill' when the ids are known, raw ids otherwise."""
    try:
        who = problem.person[a.person].name
        where = _activity_name(problem, a.activity)
        when = problem.slot_label(a.day, a.shift)
    except KeyError:
        return f"{a.person} on day {a.day} {a.shift} at {a.activity}"
    mode = " as a trainee" if a.mode == Mode.TRAINEE else ""
    return f"{who} on {when} at {where}{mode}"
