"""The Curtois & Qu benchmark: parse an instance, map it to a Problem, score a roster.

The mapping uses the engine's own families: one station with no competency, one
site in UTC, shift types starting at midnight (so only the benchmark's explicit
successions apply), contracts carrying the benchmark's hard limits, days off as
unavailability, ON/OFF requests as Requests and cover as Cover lines whose
minimum equals the ideal. Every other soft weight is zero, so the engine's
objective is exactly the benchmark's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..solver.priorities import Priorities
from ..solver.problem import (
    Assignment,
    Contract,
    Cover,
    Person,
    Problem,
    Request,
    Role,
    Rota,
    ShiftType,
    Site,
    Station,
    Weights,
)

START = date(2024, 1, 1)  # a Monday: every instance starts on a Monday
STATION = "cover"
SITE = "ward"


@dataclass(frozen=True)
class NrpShift:
    """A benchmark shift type: length in minutes and the shifts that may not follow it."""

    id: str
    minutes: int
    forbidden_next: tuple[str, ...]


@dataclass(frozen=True)
class NrpStaff:
    """A benchmark employee with their hard limits."""

    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int


@dataclass
class NrpInstance:
    """One benchmark instance as read from its text file."""

    name: str
    days: int
    shifts: list[NrpShift] = field(default_factory=list)
    staff: list[NrpStaff] = field(default_factory=list)
    days_off: dict[str, list[int]] = field(default_factory=dict)
    on_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    off_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    cover: list[tuple[int, str, int, int, int]] = field(default_factory=list)


def _sections(text: str) -> dict[str, list[str]]:
    """Split the file into its sections' data lines (comments and blanks dropped)."""
    out: dict[str, list[str]] = {}
    current = None
    for raw in text.replace("\r", "").split("\n"):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line[len("SECTION_") :]
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return out


def parse(path: str | Path) -> NrpInstance:
    """Read a benchmark instance file."""
    path = Path(path)
    sec = _sections(path.read_text(encoding="ascii"))
    inst = NrpInstance(name=path.stem, days=int(sec["HORIZON"][0]))
    for line in sec.get("SHIFTS", []):
        sid, minutes, *rest = line.split(",")
        forbidden = tuple(s for s in (rest[0] if rest else "").split("|") if s)
        inst.shifts.append(NrpShift(sid, int(minutes), forbidden))
    for line in sec.get("STAFF", []):
        eid, maxs, maxm, minm, maxc, minc, mino, maxw = line.split(",")
        limits = {}
        for pair in filter(None, maxs.split("|")):
            sid, n = pair.split("=")
            limits[sid] = int(n)
        inst.staff.append(
            NrpStaff(eid, limits, int(maxm), int(minm), int(maxc), int(minc), int(mino), int(maxw))
        )
    for line in sec.get("DAYS_OFF", []):
        eid, *days = line.split(",")
        inst.days_off[eid] = [int(d) for d in days if d]
    for key, target in (
        ("SHIFT_ON_REQUESTS", inst.on_requests),
        ("SHIFT_OFF_REQUESTS", inst.off_requests),
    ):
        for line in sec.get(key, []):
            eid, day, sid, weight = line.split(",")
            target.append((eid, int(day), sid, int(weight)))
    for line in sec.get("COVER", []):
        day, sid, req, under, over = line.split(",")
        inst.cover.append((int(day), sid, int(req), int(under), int(over)))
    return inst


def to_problem(inst: NrpInstance) -> Problem:
    """Express an instance with the engine's own data and families."""
    site = Site(SITE, "Ward")
    shifts = tuple(
        ShiftType(s.id, s.id, SITE, minutes=s.minutes, forbidden_next=frozenset(s.forbidden_next))
        for s in inst.shifts
    )
    people = tuple(
        Person(
            id=e.id,
            name=e.id,
            role=Role.TECHNICIAN,
            site=SITE,
            contract=Contract(
                min_minutes=e.min_minutes,
                max_minutes=e.max_minutes,
                max_consecutive_days=e.max_consecutive,
                min_consecutive_days=e.min_consecutive,
                min_consecutive_days_off=e.min_days_off,
                max_weekends=e.max_weekends,
                max_shifts=dict(e.max_shifts),
            ),
            unavailable=frozenset((d, None) for d in inst.days_off.get(e.id, ())),
        )
        for e in inst.staff
    )
    requests = tuple(
        [Request(e, d, s, True, w) for e, d, s, w in inst.on_requests]
        + [Request(e, d, s, False, w) for e, d, s, w in inst.off_requests]
    )
    cover = tuple(
        Cover(d, s, STATION, r, r, under_weight=wu, ideal_weight=0, over_weight=wo)
        for d, s, r, wu, wo in inst.cover
    )
    return Problem(
        start=START,
        days=inst.days,
        sites=(site,),
        shift_types=shifts,
        competencies=(),
        stations=(Station(STATION, "Cover", SITE),),
        people=people,
        cover=cover,
        requests=requests,
        weights=Weights(0, 0, 0, 0, 0, 0),
        priorities=Priorities.benchmark(),  # the benchmark's one objective, contracts hard
    )


def roster_lines(inst: NrpInstance, rota: Rota) -> list[str]:
    """The roster grid: each employee's ID, then a shift ID or '.' for every day."""
    worked = {(a.person, a.day): a.shift for a in rota.assignments}
    return [
        " ".join([e.id] + [worked.get((e.id, d), ".") for d in range(inst.days)])
        for e in inst.staff
    ]


def read_roster(inst: NrpInstance, lines: list[str]) -> Rota:
    """Parse a roster grid back into a rota at the benchmark's single station."""
    out = []
    for line in lines:
        eid, *tokens = line.split()
        out.extend(Assignment(eid, d, tok, STATION) for d, tok in enumerate(tokens) if tok != ".")
    return Rota(tuple(out))


def score(inst: NrpInstance, rota: Rota) -> int:
    """The benchmark's objective for a roster, computed straight from FORMAT.md section 4."""
    worked = {(a.person, a.day): a.shift for a in rota.assignments}
    total = sum(w for e, d, s, w in inst.on_requests if worked.get((e, d)) != s)
    total += sum(w for e, d, s, w in inst.off_requests if worked.get((e, d)) == s)
    for d, s, req, under, over in inst.cover:
        x = sum(1 for (_e, day), sid in worked.items() if day == d and sid == s)
        total += under * max(0, req - x) + over * max(0, x - req)
    return total
