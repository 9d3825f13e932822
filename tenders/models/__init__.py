"""The competition behind an opportunity: its evaluation method, bids and the sealed bid box.

Split by subject; import from here (``from tenders.models import Bid``).
"""

from tenders.models.audit import TenderEvent
from tenders.models.award import (
    STANDSTILL_WORKING_DAYS,
    AssessmentSummary,
    AwardDecision,
    ChangeKind,
    ConsortiumChange,
    EvaluationUpdate,
)
from tenders.models.bids import (
    Answer,
    Bid,
    BidAttachment,
    BidPartner,
    BidVersion,
    CostBreakdown,
    FundingDeclaration,
    LivingWage,
    PartnerKind,
    PriceEntry,
    SocialValueCommitment,
)
from tenders.models.evaluation import (
    CheckStage,
    Consensus,
    DuplicationFinding,
    PanelMember,
    PanelRole,
    Score,
    ScoreSheet,
)
from tenders.models.method import (
    DEFAULT_DESCRIPTORS,
    Criterion,
    CriterionGroup,
    PriceFormula,
    PriceLine,
    Tender,
    TieBreak,
)
from tenders.models.report import EvaluationReport

__all__ = [
    "DEFAULT_DESCRIPTORS",
    "STANDSTILL_WORKING_DAYS",
    "Answer",
    "AssessmentSummary",
    "AwardDecision",
    "Bid",
    "BidAttachment",
    "BidPartner",
    "BidVersion",
    "ChangeKind",
    "CheckStage",
    "Consensus",
    "ConsortiumChange",
    "CostBreakdown",
    "Criterion",
    "CriterionGroup",
    "DuplicationFinding",
    "EvaluationReport",
    "EvaluationUpdate",
    "FundingDeclaration",
    "LivingWage",
    "PanelMember",
    "PanelRole",
    "PartnerKind",
    "PriceEntry",
    "PriceFormula",
    "PriceLine",
    "Score",
    "ScoreSheet",
    "SocialValueCommitment",
    "Tender",
    "TenderEvent",
    "TieBreak",
]
