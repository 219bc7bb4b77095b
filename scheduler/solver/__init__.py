"""The rota engine: plain-data problem, CP-SAT model, validator and explanations.

Nothing in this package imports Flask or SQLAlchemy.
"""

from .faults import ProblemError, problem_faults
from .problem import (
    Assignment,
    Competency,
    Contract,
    Cover,
    Duty,
    Goal,
    Level,
    Mode,
    Offer,
    OfferKind,
    PastShift,
    Person,
    Problem,
    RatioRule,
    Request,
    Role,
    Rota,
    ShiftType,
    Site,
    Skill,
    Station,
    Weights,
)
from .solve import Progress, SolveResult, solve
from .validate import Report, validate

__all__ = [
    "Assignment",
    "Competency",
    "Contract",
    "Cover",
    "Duty",
    "Goal",
    "Level",
    "Mode",
    "Offer",
    "OfferKind",
    "PastShift",
    "Person",
    "Problem",
    "ProblemError",
    "Progress",
    "RatioRule",
    "Report",
    "Request",
    "Role",
    "Rota",
    "ShiftType",
    "Site",
    "Skill",
    "SolveResult",
    "Station",
    "Weights",
    "problem_faults",
    "solve",
    "validate",
]
