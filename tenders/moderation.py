"""Reads for moderation and the duplication check: who may moderate, who is still to
submit, every evaluator's scores for a bid side by side, and the other awards of a
bid's organisations.

Each read runs a fixed number of queries, however many bids, questions or
evaluators there are; the pages build on them and write through
``tenders.actions.moderation``.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Q

from opportunities.actions import is_commissioner
from tenders.evaluation import lots_of, seat_of, slots_of
from tenders.models import (
    AwardDecision,
    Bid,
    CheckStage,
    Consensus,
    DuplicationFinding,
    PanelMember,
    Score,
    ScoreSheet,
)
from tenders.queries import without_conflicts

# Evaluators' scores this far apart on one question are shown as a disagreement.
DISAGREEMENT = 2


def chair_of(user, tender):
    """``user``'s seat on ``tender``'s panel if they chair it and have declared; else None."""
    seat = seat_of(user, tender)
    return seat if seat is not None and seat.is_chair and seat.has_declared else None


def may_check_duplication(user, tender):
    """The panel's chair and the publisher's commissioners record duplication findings."""
    if not user.is_authenticated:
        return False
    return is_commissioner(user, tender.opportunity.publisher) or chair_of(user, tender) is not None


def reads_results(user, tender):
    """The publisher's commissioners and the panel's chair read the results and the
    evaluation report (each without the bids they declared a conflict with)."""
    return is_commissioner(user, tender.opportunity.publisher) or chair_of(user, tender) is not None


def all_moderated(tender):
    """True once every submitted bid has a consensus score for every question it needs.
    Four queries, whoever asks: the evaluation report is made for everyone."""
    criteria = list(tender.criteria.all())
    lots = lots_of(tender)
    bids = (
        Bid.objects.filter(tender=tender)
        .submitted()
        .annotate(frozen_lots=F("current_version__content__lots"))
        .only("pk")
    )
    needed = {
        (bid.pk, slot.criterion.pk, slot.lot.pk if slot.lot else None)
        for bid in bids
        for slot in slots_of(bid, criteria, lots)
    }
    if not needed:
        return False
    recorded = set(
        Consensus.objects.filter(bid__in={pk for pk, _c, _l in needed}).values_list(
            "bid_id", "criterion_id", "lot_id"
        )
    )
    return needed <= recorded


def moderated_bid(user, tender, reference):
    """The submitted bid ``reference`` of ``tender`` as ``user`` may read it, with its
    organisation, version and ``frozen_lots``; None if the gate hides it."""
    return (
        Bid.objects.visible_to(user)
        .filter(tender=tender, reference=reference)
        .submitted()
        .select_related("organisation", "current_version", "tender")
        .annotate(frozen_lots=F("current_version__content__lots"))
        .first()
    )


def still_to_submit(tender, bids):
    """``{bid id: [PanelMember]}``: for each bid, the panel members without a conflict with
    it who have not submitted their score sheet for it. Three queries."""
    panel = list(
        PanelMember.objects.filter(tender=tender)
        .select_related("user")
        .prefetch_related("conflicts")
    )
    submitted = set(
        ScoreSheet.objects.filter(
            member__tender=tender, bid__in=[bid.pk for bid in bids], submitted_at__isnull=False
        ).values_list("member_id", "bid_id")
    )
    conflicted = {(member.pk, bid.pk) for member in panel for bid in member.conflicts.all()}
    return {
        bid.pk: [
            member
            for member in panel
            if (member.pk, bid.pk) not in conflicted and (member.pk, bid.pk) not in submitted
        ]
        for bid in bids
    }


@dataclass
class SlotScores:
    """One question (for one lot) of a bid: each evaluator's score, and the consensus."""

    slot: object  # tenders.evaluation.Slot
    scores: list = field(default_factory=list)  # [Score] with sheet.member.user
    consensus: object = None

    @property
    def key(self):
        lot = self.slot.lot
        return f"q{self.slot.criterion.pk}-{lot.pk if lot else 0}"

    @property
    def low(self):
        return min((s.score for s in self.scores), default=None)

    @property
    def high(self):
        return max((s.score for s in self.scores), default=None)

    @property
    def difference(self):
        return self.high - self.low if self.scores else 0

    @property
    def disagree(self):
        return self.difference >= DISAGREEMENT

    @property
    def revision(self):
        return self.consensus.revision if self.consensus else 0


def slot_scores(bid, criteria, lots):
    """Every slot of ``bid`` with the submitted scores and its consensus. Two queries.

    Scores of a member who declared a conflict with the bid after scoring it are left
    out, as ``still_to_submit`` leaves the member out."""
    sheets = without_conflicts(ScoreSheet.objects.filter(bid=bid, submitted_at__isnull=False))
    scores = defaultdict(list)
    for score in (
        Score.objects.filter(sheet__in=sheets)
        .select_related("sheet__member__user")
        .order_by("sheet__member__added_at", "sheet__member_id")
    ):
        scores[(score.criterion_id, score.lot_id)].append(score)
    consensus = {
        (c.criterion_id, c.lot_id): c
        for c in Consensus.objects.filter(bid=bid).select_related("recorded_by")
    }
    rows = []
    for slot in slots_of(bid, criteria, lots):
        key = (slot.criterion.pk, slot.lot.pk if slot.lot else None)
        rows.append(SlotScores(slot, scores[key], consensus.get(key)))
    return rows


def conflicts_declared(user, tender):
    """How many of ``tender``'s bids ``user`` declared a conflict with (hidden from them)."""
    return PanelMember.conflicts.through.objects.filter(
        panelmember__tender=tender, panelmember__user=user
    ).count()


def moderation_started(bid):
    return Consensus.objects.filter(bid=bid).exists()


def duplication_stage(bid):
    """The stage a finding recorded now is for: at opening until moderation starts."""
    return CheckStage.MODERATION if moderation_started(bid) else CheckStage.OPENING


def findings_of(bids):
    """``{bid id: [DuplicationFinding]}``, at opening before at moderation. One query."""
    order = {stage: n for n, stage in enumerate(CheckStage.values)}
    found = defaultdict(list)
    findings = DuplicationFinding.objects.filter(bid__in=[b.pk for b in bids])
    for finding in sorted(findings.select_related("recorded_by"), key=lambda f: order[f.stage]):
        found[finding.bid_id].append(finding)
    return found


def checked_organisations(bid):
    """The bid's lead organisation, then its partners that did not decline: ``[(name,
    organisation or None, role)]``; unregistered partners have no organisation."""
    partners = bid.partners.filter(declined_at__isnull=True).select_related("organisation")
    return [(bid.organisation.name, bid.organisation, "lead")] + [
        (partner.display_name, partner.organisation, partner.get_kind_display())
        for partner in partners
    ]


@dataclass
class OtherAward:
    decision: object  # AwardDecision
    bid: object
    as_lead: bool


def other_awards(organisations, tender):
    """``{organisation id: [OtherAward]}``: current award decisions on other tenders where
    each organisation leads a winning bid or is a partner of one (and has not left it).
    Two queries."""
    ids = [o.pk for o in organisations]
    winners = (
        AwardDecision.winners.through.objects.filter(awarddecision__withdrawn_at__isnull=True)
        .exclude(awarddecision__tender=tender)
        .filter(
            Q(bid__organisation__in=ids)
            | Q(
                bid__partners__organisation__in=ids,
                bid__partners__declined_at__isnull=True,
                bid__partners__left_at__isnull=True,
            )
        )
        .select_related(
            "awarddecision__tender__opportunity", "awarddecision__lot", "bid__organisation"
        )
        .prefetch_related("bid__partners")
        .order_by("-awarddecision__intention_sent_at", "pk")
        .distinct()
    )
    found = defaultdict(list)
    for row in winners:
        partners = {
            p.organisation_id
            for p in row.bid.partners.all()
            if p.declined_at is None and p.left_at is None
        }
        for organisation_id in ids:
            if row.bid.organisation_id == organisation_id or organisation_id in partners:
                found[organisation_id].append(
                    OtherAward(
                        row.awarddecision, row.bid, row.bid.organisation_id == organisation_id
                    )
                )
    return found
