"""A stored rota laid out as a wall chart: stations down the side, days across the top."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..models import AssignmentMode, Rota, RotaAssignment
from .rotas import shown_rows, with_people


@dataclass
class GridRow:
    """One station or duty with, per day, the people on it (grouped by shift)."""

    label: str
    kind: str  # "station" | "duty"
    cells: list[list[str]] = field(default_factory=list)


def person_label(a: RotaAssignment) -> str:
    """A person's name on the chart, marking trainees with their trainer."""
    if a.mode is AssignmentMode.TRAINEE:
        trainer = a.trainer.name if a.trainer is not None else "?"
        return f"{a.staff.name} (trainee of {trainer})"
    return a.staff.name


def station_grid(rota: Rota) -> tuple[list[date], list[GridRow]]:
    """The rota's days and one row per station then per duty, each cell 'Shift: names'."""
    with_people(rota)
    days = [rota.week_start + timedelta(days=d) for d in range(7)]
    index = {d: i for i, d in enumerate(days)}
    rows: dict[tuple[str, int], GridRow] = {}
    shown = shown_rows(rota)
    for station in shown.stations:
        rows[("station", station.id)] = GridRow(station.name, "station", [[] for _ in days])
    for duty in shown.duties:
        rows[("duty", duty.id)] = GridRow(duty.name, "duty", [[] for _ in days])
    shift_order = {st.id: i for i, st in enumerate(rota.site.shift_types)}
    ordered = sorted(
        rota.assignments,
        key=lambda a: (a.on_date, shift_order.get(a.shift_type_id, 0), a.staff.name),
    )
    grouped: dict[tuple[tuple[str, int], int, str], list[str]] = {}
    for a in ordered:
        key = ("station", a.station_id) if a.station_id is not None else ("duty", a.duty_id)
        if key not in rows or a.on_date not in index:
            continue
        grouped.setdefault((key, index[a.on_date], a.shift_type.code), []).append(person_label(a))
    for (key, day, code), names in grouped.items():
        rows[key].cells[day].append(f"{code}: {', '.join(names)}")
    return days, list(rows.values())
