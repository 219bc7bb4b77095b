"""Enums stored as strings, and the column helpers every model module uses."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import Enum

ALL_WEEKDAYS = "0123456"


def utcnow() -> datetime:
    """The current moment as an aware UTC datetime."""
    return datetime.now(UTC)


def str_enum(cls: type[enum.Enum], length: int | None = 32) -> Enum:
    """A column type that stores a Python enum by its string value, without a native DB enum.

    ``length`` is the column's declared length (None: a VARCHAR without one).
    """
    return Enum(
        cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def weekday_set(text: str | None) -> frozenset[int] | None:
    """Weekdays (0=Monday) from a digit string such as '01234', or None for any day."""
    if text is None:
        return None
    return frozenset(int(ch) for ch in text)


# ----- enums ---------------------------------------------------------------


class SiteKind(enum.StrEnum):
    """The kind of pharmacy."""

    HOSPITAL = "hospital"
    RETAIL = "retail"
    LONG_TERM_CARE = "long_term_care"

    @property
    def label(self) -> str:
        """The kind as people say it."""
        return {
            "hospital": "Hospital (inpatient)",
            "retail": "Retail / community",
            "long_term_care": "Long-term care",
        }[self.value]


class StaffRole(enum.StrEnum):
    """A person's job."""

    PHARMACIST = "pharmacist"
    TECHNICIAN = "technician"
    TRAINEE = "trainee"  # trainee technician

    @property
    def label(self) -> str:
        """The job as people say it."""
        return {
            "pharmacist": "Pharmacist",
            "technician": "Technician",
            "trainee": "Trainee technician",
        }[self.value]


class SkillLevel(enum.StrEnum):
    """How far a person has come in a competency."""

    OBSERVE = "observe"
    SUPERVISED = "supervised"
    INDEPENDENT = "independent"
    TRAINER = "trainer"

    @property
    def label(self) -> str:
        """The level as people say it."""
        return {
            "observe": "Observe",
            "supervised": "Supervised",
            "independent": "Independent",
            "trainer": "Trainer",
        }[self.value]


class DutyKind(enum.StrEnum):
    """Work beyond station cover."""

    INVENTORY_COUNT = "inventory_count"
    CABINET_RESTOCK = "cabinet_restock"
    QI_PROJECT = "qi_project"
    TRAINING = "training"
    PROTECTED_LEARNING = "protected_learning"

    @property
    def label(self) -> str:
        """The duty as people say it."""
        return {
            "inventory_count": "Inventory count",
            "cabinet_restock": "Cabinet restock",
            "qi_project": "Quality improvement project",
            "training": "Training others",
            "protected_learning": "Protected learning time",
        }[self.value]


class GoalStatus(enum.StrEnum):
    """Where a development goal stands."""

    ACTIVE = "active"
    MET = "met"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """The state as people say it."""
        return {
            "active": "Active",
            "met": "Met",
            "cancelled": "Cancelled",
        }[self.value]


class OfferKind(enum.StrEnum):
    """What a person volunteers for in a week."""

    DUTY = "duty"
    TRAIN = "train"
    EXTRA_SHIFTS = "extra_shifts"
    STATION = "station"

    @property
    def label(self) -> str:
        """The offer as people say it."""
        return {
            "duty": "Take on a duty",
            "train": "Train others",
            "extra_shifts": "Work extra shifts",
            "station": "Cross-train at a station",
        }[self.value]


class LeaveKind(enum.StrEnum):
    """Why a person is away."""

    ANNUAL = "annual"
    SICK = "sick"
    TRAINING = "training"
    UNAVAILABLE = "unavailable"

    @property
    def label(self) -> str:
        """The reason as people say it."""
        return {
            "annual": "Annual leave",
            "sick": "Sick leave",
            "training": "Training or course",
            "unavailable": "Unavailable",
        }[self.value]

    @property
    def short_label(self) -> str:
        """The reason in a rota's day cell, where space is short."""
        return {
            "annual": "Annual leave",
            "sick": "Sick",
            "training": "Training",
            "unavailable": "Unavailable",
        }[self.value]


class CECategory(enum.StrEnum):
    """Continuing-education categories that PTCB recertification counts."""

    LAW = "law"
    PATIENT_SAFETY = "patient_safety"
    TECHNICIAN = "technician"
    GENERAL = "general"

    @property
    def label(self) -> str:
        """The category as people say it."""
        return {
            "law": "Pharmacy law",
            "patient_safety": "Patient safety",
            "technician": "Technician-specific",
            "general": "General",
        }[self.value]


class RotaStatus(enum.StrEnum):
    """Whether a rota is still being worked on or has been published to staff."""

    DRAFT = "draft"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        """The state as people say it."""
        return {
            "draft": "Draft",
            "published": "Published",
        }[self.value]


class AssignmentMode(enum.StrEnum):
    """How a person stands at a station: counted in cover, or as a supernumerary trainee."""

    WORKS = "works"
    TRAINEE = "trainee"

    @property
    def label(self) -> str:
        """The way of standing as people say it."""
        return {
            "works": "Works",
            "trainee": "Trainee",
        }[self.value]


class SolveStatus(enum.StrEnum):
    """The life of a solve run."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        """The state as people say it."""
        return {
            "queued": "Queued",
            "running": "Running",
            "done": "Done",
            "failed": "Failed",
            "stopped": "Stopped",
        }[self.value]


class AccountRole(enum.StrEnum):
    """What an account may do in the app."""

    SUPERVISOR = "supervisor"
    PHARMACIST_IN_CHARGE = "pic"
    TECHNICIAN = "technician"

    @property
    def label(self) -> str:
        """The role as people say it."""
        return {
            "supervisor": "Supervisor",
            "pic": "Pharmacist-in-charge",
            "technician": "Technician",
        }[self.value]


class SolveOutcome(enum.StrEnum):
    """How the solve that made a rota ended (the solver's own status names)."""

    OPTIMAL = "optimal"  # proven best
    FEASIBLE = "feasible"  # a rota, not proven best
    INFEASIBLE = "infeasible"  # no rota keeps the hard rules
    UNKNOWN = "unknown"  # none found in the time
    INVALID = "invalid"  # the model was malformed


class SolveKind(enum.StrEnum):
    """What a solve run makes: a whole rota, a rota around the pins, or a sick call's re-plan."""

    FULL = "full"
    COMPLETE = "complete"
    REPLAN = "replan"


class LinkPurpose(enum.StrEnum):
    """What an emailed account link is for."""

    INVITE = "invite"
    RESET = "reset"
