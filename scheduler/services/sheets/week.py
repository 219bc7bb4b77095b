"""A week's rota as spreadsheet tables: by person (days across) and by station (shifts across).

The layouts come from the rota pages' own services (``wall_chart`` and ``by_person``),
so a download always says what the page says.
"""

from __future__ import annotations

import re
from datetime import date

from ...filters import day_label, shift_times
from ...models import AssignmentMode, Rota
from ..rota_pages import PersonDay, by_person, status_label, wall_chart
from .tables import Sheet

OFF = "off"


def week_title(rota: Rota) -> str:
    """The rota's name for a workbook, e.g. 'Riverside Hospital, week of Mon 2 Mar 2026, v2'."""
    monday = rota.week_start
    return (
        f"{rota.site.name}, week of {day_label(monday)} {monday.year}, "
        f"version {rota.version} ({status_label(rota)})"
    )


def file_stem(rota: Rota) -> str:
    """A download name without extension, e.g. 'riverside-hospital-2026-03-02-v2'."""
    return f"{slug(rota.site.name)}-{rota.week_start.isoformat()}-v{rota.version}"


def slug(text: str) -> str:
    """Lower-case words joined by hyphens, for file names."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "site"


def _trainees_by_trainer(rota: Rota) -> dict[tuple[int, date], list[str]]:
    """Whom each trainer trains on each day of the rota."""
    out: dict[tuple[int, date], list[str]] = {}
    for a in rota.assignments:
        if a.mode is AssignmentMode.TRAINEE and a.trainer_id is not None:
            out.setdefault((a.trainer_id, a.on_date), []).append(a.staff.name)
    return out


def _person_cell(day: PersonDay, trains: list[str]) -> str:
    """One person's day: 'D IV room', 'N Dispensary (trainee with Ann)', a shift at another
    site of the group ('at Riverside Hospital: IV room, day'), leave, or 'off'."""
    a = day.assignment
    if a is None and not day.visits:
        return day.leave or OFF
    parts = []
    if a is not None:
        where = a.station.name if a.station is not None else f"{a.duty.name} (duty)"
        text = f"{a.shift_type.code} {where}"
        if a.mode is AssignmentMode.TRAINEE:
            text += f" (trainee with {a.trainer.name if a.trainer else '?'})"
        if trains:
            text += f" (trains {', '.join(sorted(trains))})"
        parts.append(text)
    parts += [v.words for v in day.visits]
    if day.leave:
        parts.append(day.leave)
    return "; ".join(parts)


def person_sheet(rota: Rota) -> Sheet:
    """The rota by person: one row per person, a column per day, and their hours (shifts
    at other sites of the group included, as on the week page)."""
    rows = by_person(rota)
    days = [d.day for d in rows[0].days] if rows else []
    trains = _trainees_by_trainer(rota)
    sheet = Sheet(
        "By person", ["Person", "Role", *(day_label(d) for d in days), "Hours"], frozen="C2"
    )
    for row in rows:
        cells = [_person_cell(d, trains.get((row.staff.id, d.day), [])) for d in row.days]
        sheet.rows.append([row.staff.name, row.staff.role.label, *cells, row.minutes / 60])
    return sheet


def station_sheet(rota: Rota) -> Sheet:
    """The wall chart: one row per station or duty, a column per shift of each day."""
    chart = wall_chart(rota)
    header = ["Station or duty"]
    header += [f"{day_label(c.day)} {c.shift.code} {shift_times(c.shift)}" for c in chart.columns]
    sheet = Sheet("By station", header)
    for row in chart.rows:
        label = row.label if row.kind == "station" else f"{row.label} (duty)"
        cells: list = [label]
        for cell in row.cells:
            names = [
                f"{e.name} (trainee with {e.trainer_name or '?'})" if e.trainee else e.name
                for e in cell.entries
            ]
            if cell.short:
                names.append(f"gap: {cell.gap}")
            cells.append(tuple(names))
        sheet.rows.append(cells)
    return sheet
