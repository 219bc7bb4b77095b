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


class Worded(enum.StrEnum):
    """A string enum whose members carry the words people use for them, written beside
    their stored value: ``ANNUAL = "annual", "Annual leave"`` stores "annual" and reads
    ``LeaveKind.ANNUAL.label == "Annual leave"``."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class SiteKind(Worded):
    """The kind of pharmacy."""

    HOSPITAL = "hospital", "Hospital (inpatient)"
    RETAIL = "retail", "Retail / community"
    LONG_TERM_CARE = "long_term_care", "Long-term care"


class StaffRole(Worded):
    """A person's job."""

    PHARMACIST = "pharmacist", "Pharmacist"
    TECHNICIAN = "technician", "Technician"
    TRAINEE = "trainee", "Trainee technician"  # trainee technician


class SkillLevel(Worded):
    """How far a person has come in a competency."""

    OBSERVE = "observe", "Observe"
    SUPERVISED = "supervised", "Supervised"
    INDEPENDENT = "independent", "Independent"
    TRAINER = "trainer", "Trainer"


class DutyKind(Worded):
    """Work beyond station cover."""

    INVENTORY_COUNT = "inventory_count", "Inventory count"
    CABINET_RESTOCK = "cabinet_restock", "Cabinet restock"
    QI_PROJECT = "qi_project", "Quality improvement project"
    TRAINING = "training", "Training others"
    PROTECTED_LEARNING = "protected_learning", "Protected learning time"


class GoalStatus(Worded):
    """Where a development goal stands."""

    ACTIVE = "active", "Active"
    MET = "met", "Met"
    CANCELLED = "cancelled", "Cancelled"


class OfferKind(Worded):
    """What a person volunteers for in a week."""

    DUTY = "duty", "Take on a duty"
    TRAIN = "train", "Train others"
    EXTRA_SHIFTS = "extra_shifts", "Work extra shifts"
    STATION = "station", "Cross-train at a station"


class LeaveKind(Worded):
    """Why a person is away."""

    ANNUAL = "annual", "Annual leave"
    SICK = "sick", "Sick leave"
    TRAINING = "training", "Training or course"
    UNAVAILABLE = "unavailable", "Unavailable"

    @property
    def short_label(self) -> str:
        """The reason in a rota's day cell, where space is short."""
        return {
            "annual": "Annual leave",
            "sick": "Sick",
            "training": "Training",
            "unavailable": "Unavailable",
        }[self.value]


class CECategory(Worded):
    """Continuing-education categories that PTCB recertification counts."""

    LAW = "law", "Pharmacy law"
    PATIENT_SAFETY = "patient_safety", "Patient safety"
    TECHNICIAN = "technician", "Technician-specific"
    GENERAL = "general", "General"


class RotaStatus(Worded):
    """Whether a rota is still being worked on or has been published to staff."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class AssignmentMode(Worded):
    """How a person stands at a station: counted in cover, or as a supernumerary trainee."""

    WORKS = "works", "Works"
    TRAINEE = "trainee", "Trainee"


class SolveStatus(Worded):
    """The life of a solve run."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    STOPPED = "stopped", "Stopped"


class AccountRole(Worded):
    """What an account may do in the app."""

    SUPERVISOR = "supervisor", "Supervisor"
    PHARMACIST_IN_CHARGE = "pic", "Pharmacist-in-charge"
    TECHNICIAN = "technician", "Technician"


class SolveOutcome(Worded):
    """How the solve that made a rota ended (the solver's own status names)."""

    OPTIMAL = "optimal", "Proven best"
    FEASIBLE = "feasible", "A rota, not proven best"
    INFEASIBLE = "infeasible", "No rota keeps the hard rules"
    UNKNOWN = "unknown", "None found in the time"
    INVALID = "invalid", "The model was malformed"


class SolveKind(Worded):
    """What a solve run makes: a whole rota, a rota around the pins, or a sick call's re-plan."""

    FULL = "full", "Generate a rota"
    COMPLETE = "complete", "Complete around the pins"
    REPLAN = "replan", "Re-plan"


class LinkPurpose(Worded):
    """What an emailed account link is for; its label is the words before "link"."""

    INVITE = "invite", "invitation"
    RESET = "reset", "password-reset"
