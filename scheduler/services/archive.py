"""Archiving set-up rows: kept for history, gone from lists, pickers and new rotas.

Stations, shift types and duties (per site) and competencies (shared by every site)
are archived rather than deleted: past rotas name them, so they stay in the database
and those rotas still show them. An archived row is left out of the set-up lists,
the forms' choices and every new solve (``problem_loader.build_problem``); restoring it
brings it back as it was, cover lines included.

The rules keep one thing true: nothing in use depends on an archived row.

- A competency cannot be archived while a station or duty in use needs it, or while
  a competency in use has it as its prerequisite.
- A shift type cannot be archived while a duty in use is limited to it.
- A station, duty or competency cannot be restored while something it depends on is
  archived (a competency it needs, a shift it is limited to, its prerequisite).

Stations and duties can always be archived (nothing in use depends on them), and a
shift type's cover lines and its place among other shifts' successors are simply
left out while it is archived. People's levels in an archived competency are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..extensions import db
from ..models import Competency, Duty, ShiftType, Site, Station, utcnow

Archivable = Station | ShiftType | Duty | Competency

KIND_WORDS = {Station: "station", ShiftType: "shift type", Duty: "duty", Competency: "competency"}


@dataclass(frozen=True)
class Blocker:
    """Something that stops an archive or a restore: its name, what to do, and where.

    Said as "<name> <sentence>", the name a link to ``endpoint`` with ``args``.
    """

    name: str
    sentence: str
    endpoint: str
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The whole sentence in plain words."""
        return f"{self.name} {self.sentence}"


class ArchiveRefused(Exception):
    """An archive or restore that would leave something in use depending on an archived row."""

    def __init__(self, heading: str, blockers: list[Blocker]) -> None:
        super().__init__(f"{heading} {' '.join(b.text for b in blockers)}")
        self.heading = heading
        self.blockers = blockers


# ----- names -------------------------------------------------------------------------------


def kind_word(row: Archivable) -> str:
    """'station', 'shift type', 'duty' or 'competency'."""
    return KIND_WORDS[type(row)]


def describe(row: Archivable) -> str:
    """The row in words: 'the station Central fill', 'the Day shift', 'the competency
    Central fill (CF)'."""
    if isinstance(row, ShiftType):
        return f"the {row.name} shift"
    if isinstance(row, Competency):
        return f"the competency {row.name} ({row.code})"
    return f"the {kind_word(row)} {row.name}"


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _several_sites() -> bool:
    return (db.session.scalar(db.select(db.func.count(Site.id))) or 0) > 1


def _at(row: Station | Duty, several: bool) -> str:
    """A station's or duty's name, with its site when there is more than one site."""
    return f"{row.name} at {row.site.name}" if several else row.name


# ----- what stops a change -------------------------------------------------------------------


def competencies_in_use() -> list[Competency]:
    """Every competency that is not archived, by name."""
    return list(
        db.session.scalars(
            db.select(Competency).where(Competency.archived_at.is_(None)).order_by(Competency.name)
        )
    )


def archived_competencies() -> list[Competency]:
    """Every archived competency, by name."""
    return list(
        db.session.scalars(
            db.select(Competency)
            .where(Competency.archived_at.is_not(None))
            .order_by(Competency.name)
        )
    )


def _competency_blockers(competency: Competency) -> list[Blocker]:
    """Stations and duties in use that need a competency, and competencies that come after it."""
    several = _several_sites()
    out = [
        Blocker(
            _at(station, several),
            "still needs it: remove it from the station first.",
            "setup.edit_station",
            {"station_id": station.id},
        )
        for station in sorted(competency.stations, key=lambda s: (s.site.name, s.name))
        if station.archived_at is None
    ]
    duties = db.session.scalars(
        db.select(Duty)
        .where(Duty.competency_id == competency.id, Duty.archived_at.is_(None))
        .order_by(Duty.name)
    )
    out += [
        Blocker(
            _at(duty, several),
            "(a duty) still needs it: choose another competency, or none, on the duty first.",
            "setup.edit_duty",
            {"duty_id": duty.id},
        )
        for duty in duties
    ]
    after = db.session.scalars(
        db.select(Competency)
        .where(Competency.prerequisite_id == competency.id, Competency.archived_at.is_(None))
        .order_by(Competency.name)
    )
    out += [
        Blocker(
            other.name,
            "has it as its prerequisite: choose another prerequisite, or none, first.",
            "skills.edit",
            {"competency_id": other.id},
        )
        for other in after
    ]
    return out


def _shift_blockers(shift: ShiftType) -> list[Blocker]:
    """Duties in use that are limited to a shift type."""
    return [
        Blocker(
            duty.name,
            "(a duty) is limited to this shift: untick it on the duty first.",
            "setup.edit_duty",
            {"duty_id": duty.id},
        )
        for duty in sorted(shift.site.duties, key=lambda d: d.name)
        if duty.archived_at is None and shift in duty.shift_types
    ]


def archive_blockers(row: Archivable) -> list[Blocker]:
    """What in use depends on a row and so stops it being archived (empty when nothing)."""
    if isinstance(row, Competency):
        return _competency_blockers(row)
    if isinstance(row, ShiftType):
        return _shift_blockers(row)
    return []


def _archived_competency(competency: Competency, sentence: str) -> Blocker:
    return Blocker(competency.name, sentence, "skills.index", {"_anchor": "archived"})


def _archived_shift(shift: ShiftType) -> Blocker:
    return Blocker(
        shift.name,
        "(a shift type it is limited to) is archived: restore that shift first.",
        "setup.site",
        {"site_id": shift.site_id, "_anchor": "archived-shifts"},
    )


def restore_blockers(row: Archivable) -> list[Blocker]:
    """What archived a row depends on, and so stops it being restored (empty when nothing)."""
    if isinstance(row, Station):
        return [
            _archived_competency(c, "(a competency it needs) is archived: restore it first.")
            for c in row.competencies
            if c.archived_at is not None
        ]
    if isinstance(row, Duty):
        out = [_archived_shift(st) for st in row.shift_types if st.archived_at is not None]
        if row.competency is not None and row.competency.archived_at is not None:
            out.append(
                _archived_competency(
                    row.competency, "(the competency it needs) is archived: restore it first."
                )
            )
        return out
    prerequisite = row.prerequisite if isinstance(row, Competency) else None
    if prerequisite is not None and prerequisite.archived_at is not None:
        return [
            _archived_competency(prerequisite, "(its prerequisite) is archived: restore it first.")
        ]
    return []


# ----- archiving and restoring ------------------------------------------------------------------


def archive(row: Archivable) -> bool:
    """Archive a row and commit; False when it already was. ArchiveRefused when something in
    use still depends on it."""
    if row.archived_at is not None:
        return False
    blockers = archive_blockers(row)
    if blockers:
        raise ArchiveRefused(f"{_first_upper(describe(row))} cannot be archived yet:", blockers)
    row.archived_at = utcnow()
    db.session.commit()
    return True


def restore(row: Archivable) -> bool:
    """Bring an archived row back into lists and new rotas, and commit; False when it was not
    archived. ArchiveRefused while something it depends on is archived."""
    if row.archived_at is None:
        return False
    blockers = restore_blockers(row)
    if blockers:
        raise ArchiveRefused(f"{_first_upper(describe(row))} cannot be restored yet:", blockers)
    row.archived_at = None
    db.session.commit()
    return True
