"""Every constraint family, in one ordered registry: hard rules first, then soft.

The soft families come roughly in the order of their default level: cover (1),
the contract rules (2, hard for the benchmark), then the site-ranked rules.
"""

from __future__ import annotations

from .base import ConstraintFamily, ContractFamily, HardFamily, ModelContext, SoftFamily
from .contract_hours import ContractHoursFamily
from .cover import CoverFamily
from .duties import DutiesFamily
from .duty_limits import DutyLimitsFamily
from .fairness import FairnessFamily
from .goals import GoalsFamily
from .kept import KeptFamily
from .pins import PinsFamily
from .placement import PlacementFamily
from .ratio import RatioFamily
from .requests import RequestsFamily
from .rest import RestFamily
from .sequences import SequencesFamily
from .stability import StabilityFamily
from .supervision import SupervisionFamily
from .variety import VarietyFamily
from .volunteering import VolunteeringFamily
from .weekends import WeekendsFamily
from .workload import WorkloadFamily

REGISTRY: tuple[ConstraintFamily, ...] = (
    PlacementFamily(),
    SupervisionFamily(),
    RestFamily(),
    WorkloadFamily(),
    RatioFamily(),
    DutyLimitsFamily(),
    PinsFamily(),
    KeptFamily(),
    CoverFamily(),
    ContractHoursFamily(),
    SequencesFamily(),
    WeekendsFamily(),
    RequestsFamily(),
    GoalsFamily(),
    VolunteeringFamily(),
    DutiesFamily(),
    FairnessFamily(),
    StabilityFamily(),
    VarietyFamily(),
)

__all__ = [
    "REGISTRY",
    "ConstraintFamily",
    "ContractFamily",
    "HardFamily",
    "ModelContext",
    "SoftFamily",
    "family",
]


def family(name: str) -> ConstraintFamily:
    """The registered family with this name."""
    for fam in REGISTRY:
        if fam.name == name:
            return fam
    raise KeyError(name)
