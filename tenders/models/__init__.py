"""The competition behind an opportunity: its evaluation method, bids and the sealed bid box.

Split by subject; import from here (``from tenders.models import Bid``).
"""

from tenders.models.audit import TenderEvent
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
from tenders.models.method import (
    DEFAULT_DESCRIPTORS,
    Criterion,
    CriterionGroup,
    PriceFormula,
    PriceLine,
    Tender,
    TieBreak,
)

__all__ = [
    "DEFAULT_DESCRIPTORS",
    "Answer",
    "Bid",
    "BidAttachment",
    "BidPartner",
    "BidVersion",
    "CostBreakdown",
    "Criterion",
    "CriterionGroup",
    "FundingDeclaration",
    "LivingWage",
    "PartnerKind",
    "PriceEntry",
    "PriceFormula",
    "PriceLine",
    "SocialValueCommitment",
    "Tender",
    "TenderEvent",
    "TieBreak",
]
