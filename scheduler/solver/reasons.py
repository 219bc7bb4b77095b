"""Why a person cannot stand somewhere, in plain words: shared by the variables and the rules."""

from __future__ import annotations

from datetime import date

from .problem import Problem


def unavailable_reason(problem: Problem, person: str, day: int, shift: str) -> str | None:
    """Why leave or unavailability rules a person out of a slot, or None when free."""
    who = problem.person[person]
    if (day, None) in who.unavailable:
        return f"{who.name} is on leave on {problem.day_label(day)}"
    if (day, shift) in who.unavailable:
        return f"{who.name} is not available on {problem.slot_label(day, shift)}"
    return None


def valid_until_reason(name: str, competency: str, until: date) -> str:
    """A competency past its last valid day, e.g. "Ben's Media fill was valid until Tue 3 Mar"."""
    return f"{name}'s {competency} was valid until {until:%a} {until.day} {until:%b}"


def competency_reason(problem: Problem, person: str, competency: str, day: int) -> str:
    """Why a person does not hold a competency independently on a day, in plain words."""
    who = problem.person[person]
    label = problem.competency[competency].name if competency in problem.competency else competency
    held = who.skills.get(competency)
    if held is None:
        return f"{who.name} does not hold {label}"
    if not held.valid_on(problem.date_of(day)):
        return valid_until_reason(who.name, label, held.valid_until)
    return f"{who.name} is not yet independent in {label}"
