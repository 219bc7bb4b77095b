"""The pharmacy scheduler's data: sites, staff, competencies, cover, duties, wishes and rotas.

Typed SQLAlchemy 2 models. Enums are stored as their string values; timestamps
are timezone-aware and stored in UTC; calendar dates (shifts, leave, weeks) are
plain dates in the site's own time zone.
"""

from __future__ import annotations

from .accounts import AccountLink, User
from .audit import AuditEvent
from .calendar import CalendarFeed
from .enums import (
    ALL_WEEKDAYS,
    AccountRole,
    AssignmentMode,
    CECategory,
    DutyKind,
    GoalStatus,
    LeaveKind,
    LinkPurpose,
    OfferKind,
    RotaStatus,
    SiteKind,
    SkillLevel,
    SolveKind,
    SolveOutcome,
    SolveStatus,
    StaffRole,
    str_enum,
    utcnow,
    weekday_set,
)
from .people import (
    CEEntry,
    Certification,
    Competency,
    DevelopmentGoal,
    Leave,
    ShiftRequest,
    SignOff,
    Staff,
    StaffCompetency,
    VolunteerOffer,
)
from .rotas import Rota, RotaAssignment, RotaPolicy, SolveRun
from .sites import (
    CoverRequirement,
    Duty,
    OpeningHours,
    RatioRuleSet,
    ShiftType,
    Site,
    SiteGroup,
    Station,
    duty_people,
    duty_shift_types,
    shift_type_forbidden_next,
    station_competencies,
)

__all__ = [
    "ALL_WEEKDAYS",
    "AccountRole",
    "AssignmentMode",
    "AuditEvent",
    "CECategory",
    "CEEntry",
    "CalendarFeed",
    "Certification",
    "Competency",
    "CoverRequirement",
    "DevelopmentGoal",
    "Duty",
    "DutyKind",
    "GoalStatus",
    "Leave",
    "LeaveKind",
    "LinkPurpose",
    "OfferKind",
    "OpeningHours",
    "RatioRuleSet",
    "Rota",
    "RotaAssignment",
    "RotaPolicy",
    "RotaStatus",
    "ShiftRequest",
    "ShiftType",
    "SignOff",
    "Site",
    "SiteGroup",
    "SiteKind",
    "SkillLevel",
    "SolveKind",
    "SolveOutcome",
    "SolveRun",
    "SolveStatus",
    "Staff",
    "StaffCompetency",
    "StaffRole",
    "Station",
    "AccountLink",
    "User",
    "VolunteerOffer",
    "duty_people",
    "duty_shift_types",
    "shift_type_forbidden_next",
    "station_competencies",
    "str_enum",
    "utcnow",
    "weekday_set",
]
