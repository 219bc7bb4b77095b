"""Rotas, their assignments, and the solve runs that produced them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import (
    AssignmentMode,
    RotaStatus,
    SolveKind,
    SolveOutcome,
    SolveStatus,
    str_enum,
    utcnow,
)

if TYPE_CHECKING:
    from .accounts import User
    from .people import Staff
    from .sites import Duty, ShiftType, Site, Station


# ----- rotas and solves -----------------------------------------------------


class Rota(db.Model):
    """A site's rota for one week (Monday start): drafts are versioned, one gets published."""

    __tablename__ = "rotas"
    __table_args__ = (UniqueConstraint("site_id", "week_start", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    week_start: Mapped[date]
    status: Mapped[RotaStatus] = mapped_column(str_enum(RotaStatus), default=RotaStatus.DRAFT)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    objective: Mapped[int | None]
    bound: Mapped[float | None]
    solve_status: Mapped[SolveOutcome | None] = mapped_column(str_enum(SolveOutcome, length=None))
    costs: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # the score breakdown
    reasons: Mapped[list[str] | None] = mapped_column(JSON)  # why no rota exists
    # proven bound of each priority level (None where unproven), level 1 first
    level_bounds: Mapped[list[float | None] | None] = mapped_column(JSON)
    # the site's priorities the solve used (Site.priorities form); None = defaults
    priorities: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(default="")
    # the version this one was re-planned or copied from (its changes are shown against it)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("rotas.id", ondelete="SET NULL"))
    # hard-rule findings of the last manual edit that was let through, as sentences
    violations: Mapped[list[str] | None] = mapped_column(JSON)
    # approval and publication
    submitted_at: Mapped[datetime | None]  # the supervisor asked the PIC to approve
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # optimistic lock: every UPDATE of the row adds one, and an UPDATE from a session that
    # read an older number matches no row (StaleDataError), so overlapping edits cannot
    # overwrite each other; edits of the assignments touch the row too
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    changed_at: Mapped[datetime | None]  # the last edit by hand, approval or publication
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __mapper_args__ = {"version_id_col": lock_version}

    site: Mapped[Site] = relationship(back_populates="rotas")
    based_on: Mapped[Rota | None] = relationship(remote_side=[id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id])
    assignments: Mapped[list[RotaAssignment]] = relationship(
        back_populates="rota", cascade="all, delete-orphan", order_by="RotaAssignment.on_date"
    )
    solve_runs: Mapped[list[SolveRun]] = relationship(
        back_populates="rota", foreign_keys="SolveRun.rota_id"
    )

    def __repr__(self) -> str:
        return f"<Rota {self.week_start} v{self.version} {self.status.value}>"


class RotaAssignment(db.Model):
    """One person on one shift of a date at a station or on a duty; trainees name a trainer."""

    __tablename__ = "rota_assignments"
    __table_args__ = (
        CheckConstraint("(station_id IS NULL) != (duty_id IS NULL)", name="station_xor_duty"),
        CheckConstraint("mode = 'trainee' OR trainer_id IS NULL", name="trainer_only_for_trainee"),
        UniqueConstraint("rota_id", "staff_id", "on_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rota_id: Mapped[int] = mapped_column(ForeignKey("rotas.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"))
    on_date: Mapped[date]
    shift_type_id: Mapped[int] = mapped_column(ForeignKey("shift_types.id", ondelete="CASCADE"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"))
    duty_id: Mapped[int | None] = mapped_column(ForeignKey("duties.id", ondelete="CASCADE"))
    mode: Mapped[AssignmentMode] = mapped_column(
        str_enum(AssignmentMode), default=AssignmentMode.WORKS
    )
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    pinned: Mapped[bool] = mapped_column(default=False)

    rota: Mapped[Rota] = relationship(back_populates="assignments")
    staff: Mapped[Staff] = relationship(foreign_keys=[staff_id])
    trainer: Mapped[Staff | None] = relationship(foreign_keys=[trainer_id])
    shift_type: Mapped[ShiftType] = relationship()
    station: Mapped[Station | None] = relationship()
    duty: Mapped[Duty | None] = relationship()


_ACTIVE_WHERE = text("status IN ('queued', 'running')")


class SolveRun(db.Model):
    """One run of the solver for a site's week, with its live progress and outcome.

    At most one run of a site's week is queued or running at a time: a partial
    unique index refuses a second, even from another web process.
    """

    __tablename__ = "solve_runs"
    __table_args__ = (
        Index(
            "uq_solve_runs_active_week",
            "site_id",
            "week_start",
            unique=True,
            sqlite_where=_ACTIVE_WHERE,
            postgresql_where=_ACTIVE_WHERE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rota_id: Mapped[int | None] = mapped_column(ForeignKey("rotas.id", ondelete="SET NULL"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    week_start: Mapped[date]
    status: Mapped[SolveStatus] = mapped_column(str_enum(SolveStatus), default=SolveStatus.QUEUED)
    kind: Mapped[SolveKind] = mapped_column(
        str_enum(SolveKind, length=None), default=SolveKind.FULL
    )
    reference_rota_id: Mapped[int | None] = mapped_column(
        ForeignKey("rotas.id", ondelete="SET NULL")
    )  # a re-plan keeps as close to this rota as it can
    # a sick call's first day: every day before it is kept exactly as the rota had it
    keep_before: Mapped[date | None]
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    time_limit: Mapped[float]
    # the best score found: the best so far while the solve runs, the final one once it ends
    best_objective: Mapped[float | None]
    # the proven bound on the score: so far while the solve runs, the final one once it ends
    best_bound: Mapped[float | None]
    best_levels: Mapped[list[int] | None] = mapped_column(JSON)  # progress: score per level
    best_level_bounds: Mapped[list[float | None] | None] = mapped_column(JSON)  # per level
    # progress: the best rota found so far, as rows, so the week page can show it live
    best_rota: Mapped[list | None] = mapped_column(JSON)
    # seconds spent solving: so far while the solve runs, in all once it ends
    elapsed: Mapped[float] = mapped_column(default=0.0)
    solutions: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # the process solving it refreshes this every few seconds; a stale one means it died
    heartbeat_at: Mapped[datetime | None]
    worker: Mapped[str | None]  # which worker (or web process thread) ran it
    # set by a stop from any process; the running job notices it and stops early
    stop_requested: Mapped[bool] = mapped_column(default=False, server_default=false())
    inputs_digest: Mapped[str | None]  # fingerprint of the problem the solve started from
    # staff, cover, leave or requests changed while the solve ran
    inputs_changed: Mapped[bool] = mapped_column(default=False, server_default=false())

    rota: Mapped[Rota | None] = relationship(back_populates="solve_runs", foreign_keys=[rota_id])
    reference_rota: Mapped[Rota | None] = relationship(foreign_keys=[reference_rota_id])
    site: Mapped[Site] = relationship()

    @property
    def finished(self) -> bool:
        """Whether the run has ended (done, stopped or failed)."""
        return self.status in (SolveStatus.DONE, SolveStatus.STOPPED, SolveStatus.FAILED)


class RotaPolicy(db.Model):
    """A site's publication rule: whether the pharmacist-in-charge must approve a rota first.

    A site without a row follows the app setting ``ROTA_APPROVAL_REQUIRED``.
    """

    __tablename__ = "rota_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), unique=True)
    requires_approval: Mapped[bool] = mapped_column(default=True)

    site: Mapped[Site] = relationship()
