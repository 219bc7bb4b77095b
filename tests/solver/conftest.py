"""Factories for tiny rota problems: sensible defaults, override only what a test is about."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from scheduler.solver import (
    Competency,
    Contract,
    Cover,
    Level,
    Person,
    Problem,
    Role,
    ShiftType,
    Site,
    Skill,
    Station,
    solve,
    validate,
)

MONDAY = date(2026, 3, 2)  # a Monday; no daylight-saving change in the first week in UTC


@pytest.fixture
def make_person():
    """Build a person: a technician at site S, independent in 'fill', no limits by default."""

    def build(pid: str = "ann", **overrides) -> Person:
        fields = {
            "id": pid,
            "name": pid.title(),
            "role": Role.TECHNICIAN,
            "site": "S",
            "skills": {"fill": Skill(Level.INDEPENDENT)},
            "contract": Contract(),
        }
        contract = overrides.pop("contract", None)
        if contract is not None:
            if not isinstance(contract, Contract):
                contract = Contract(**contract)
            fields["contract"] = contract
        fields.update(overrides)
        return Person(**fields)

    return build


@pytest.fixture
def make_problem(make_person):
    """Build a problem: one site S, one 'day' shift 07:00-15:00, one station 'fill'.

    No cover unless given; ``days`` defaults to 7 from a Monday.
    """

    def build(**overrides) -> Problem:
        fields = {
            "start": MONDAY,
            "days": 7,
            "sites": (Site("S", "Site"),),
            "shift_types": (ShiftType("day", "Day", "S", time(7, 0), 480),),
            "competencies": (Competency("fill", "Fill"),),
            "stations": (Station("fill", "Fill", "S", ("fill",)),),
            "people": (make_person("ann"),),
        }
        fields.update(overrides)
        for key in (
            "sites",
            "shift_types",
            "competencies",
            "stations",
            "people",
            "cover",
            "duties",
            "goals",
            "offers",
            "requests",
            "pins",
        ):
            if key in fields and isinstance(fields[key], list):
                fields[key] = tuple(fields[key])
        return Problem(**fields)

    return build


def cover_all(
    problem: Problem, station: str = "fill", minimum: int = 1, ideal: int | None = None, **weights
) -> tuple[Cover, ...]:
    """Cover lines asking for ``minimum`` people at a station on every slot of its site."""
    site = problem.station[station].site
    return tuple(
        Cover(d, st.id, station, minimum, minimum if ideal is None else ideal, **weights)
        for d in range(problem.days)
        for st in problem.shifts_at(site)
    )


def with_cover(problem: Problem, **kwargs) -> Problem:
    """The same problem with :func:`cover_all` cover lines."""
    return replace(problem, cover=cover_all(problem, **kwargs))


@pytest.fixture
def run():
    """Solve a tiny problem in at most 10 s and check the rota with the validator.

    Returns the result; asserts the validator finds no hard violation and the same
    objective as the model whenever a rota came back.
    """

    def go(problem: Problem, time_limit: float = 10.0, **kwargs):
        result = solve(problem, time_limit=time_limit, workers=2, **kwargs)
        if result.rota is not None:
            report = validate(problem, result.rota)
            assert report.violations == []
            assert report.objective == result.objective
        return result

    return go
