"""The commissioning cycle around the tenders: projects, market engagement, the
pipeline, contracts and their performance, social value, decommissioning.

Spend reporting and ward pages read these models; they add none of their own.
"""

from commissioning.models.contracts import (
    Contract,
    ContractKind,
    ContractSupplier,
    SupplierRole,
)
from commissioning.models.decommissioning import (
    Decommissioning,
    DecommissioningKind,
    DecommissioningNotice,
)
from commissioning.models.engagement import EngagementEvent, EventKind, Registration
from commissioning.models.performance import (
    Frequency,
    Kpi,
    KpiReturn,
    KpiReturnCorrection,
    PerformanceRating,
    Rating,
    ReturnReminder,
)
from commissioning.models.pipeline import PipelineFollow, PipelineItem
from commissioning.models.projects import (
    CoProductionPartner,
    Outcome,
    Phase,
    PhaseMove,
    Project,
    ProjectDocument,
)
from commissioning.models.social_value import (
    Pledge,
    PostcodeWard,
    SocialValueLine,
    SocialValueReturn,
)
from commissioning.models.supply_chain import Subcontract, SubcontractApplication

__all__ = [
    "CoProductionPartner",
    "Contract",
    "ContractKind",
    "ContractSupplier",
    "Decommissioning",
    "DecommissioningKind",
    "DecommissioningNotice",
    "EngagementEvent",
    "EventKind",
    "Frequency",
    "Kpi",
    "KpiReturn",
    "KpiReturnCorrection",
    "Outcome",
    "PerformanceRating",
    "Phase",
    "PhaseMove",
    "PipelineFollow",
    "PipelineItem",
    "Pledge",
    "PostcodeWard",
    "Project",
    "ProjectDocument",
    "Rating",
    "Registration",
    "ReturnReminder",
    "SocialValueLine",
    "SocialValueReturn",
    "Subcontract",
    "SubcontractApplication",
    "SupplierRole",
]
