"""The evaluation as the database holds it, read into ``tenders.results``' terms.

``tender_results`` is what the results page, the CSV, the evaluation report, the
award and the assessment summaries all call: the method, the submitted bids'
frozen prices and the moderated scores, in a fixed number of queries whatever
the number of bids, questions or evaluators. Nothing is cached, so results
are never stale: a changed consensus score shows at once.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F

from tenders import results
from tenders.models import Bid, Consensus, PanelMember


@dataclass(frozen=True)
class Slot:
    """One score a bid needs: a question, for one lot if it is answered per lot."""

    criterion: object  # Criterion
    lot: object  # Lot or None


def method_of(tender, criteria):
    return results.Method(
        criteria=tuple(
            results.CriterionSpec(
                key=criterion.pk,
                group=criterion.group,
                weight=criterion.weight,
                scale_max=criterion.scale_max,
                minimum=criterion.minimum_score,
                per_lot=criterion.per_lot,
            )
            for criterion in criteria
        ),
        price_weight=tender.price_weight,
        price_formula=tender.price_formula,
        abnormally_low_percent=tender.abnormally_low_percent,
        tie_break=tender.tie_break,
        max_lots_won=tender.max_lots_won,
    )


def lots_of(tender):
    """The opportunity's lots in order, or ``[None]`` for a contract without lots."""
    return list(tender.opportunity.lots.all()) or [None]


def _evaluated(bids):
    return list(
        bids.submitted()
        .select_related("organisation")
        .annotate(
            frozen_lots=F("current_version__content__lots"),
            frozen_prices=F("current_version__content__prices"),
        )
        .order_by("submitted_at", "pk")
    )


def evaluated_bids(tender, user):
    """The tender's submitted bids that ``user`` may read, lead organisation joined.

    Each carries ``frozen_lots`` (lot numbers) and ``frozen_prices`` from its
    current version, read as two keys of the JSON rather than the whole content,
    which holds every answer.
    """
    return _evaluated(Bid.objects.visible_to(user).filter(tender=tender))


def left_out_of(tender, evaluation):
    """The ids of ``tender``'s submitted bids that ``evaluation`` (one reader's) leaves out:
    those the reader declared a conflict with. One query."""
    shown = {bid.pk for bid in evaluation.bids}
    return set(Bid.objects.filter(tender=tender).submitted().values_list("pk", flat=True)) - shown


def evaluation_without(tender, left_out):
    """``tender``'s evaluation as a reader of every bid but ``left_out`` (ids) sees it: what
    the evaluation report's task draws, having no reader. Nothing before the box is opened."""
    bids = Bid.objects.filter(tender=tender) if tender.is_opened else Bid.objects.none()
    return _evaluation(tender, _evaluated(bids.exclude(pk__in=left_out)))


def _evaluation(tender, bids):
    return Evaluation(
        tender=tender,
        criteria=list(tender.criteria.all()),
        lots=lots_of(tender),
        bids=bids,
        consensus=consensus_of(bids),
    )


def bid_lots(bid, lots):
    """The lots of ``lots`` that ``bid`` is for: those frozen in its version, or ``[None]``."""
    if lots == [None]:
        return [None]
    numbers = set(bid.frozen_lots or [])
    return [lot for lot in lots if lot.number in numbers]


def slots_of(bid, criteria, lots):
    """Every score ``bid`` needs, in question order: per-lot questions once per lot."""
    return [
        Slot(criterion, lot)
        for criterion in criteria
        for lot in (bid_lots(bid, lots) if criterion.per_lot else [None])
    ]


def prices_of(bid, lots):
    """``{lot key: total price}`` from the bid's frozen price lines."""
    by_number = defaultdict(Decimal)
    for line in bid.frozen_prices or []:
        by_number[line["lot"]] += Decimal(line["total"])
    return {
        (lot.pk if lot else None): by_number[lot.number if lot else None]
        for lot in bid_lots(bid, lots)
    }


def consensus_of(bids):
    """``{(bid id, criterion id, lot id or None): Consensus}`` for ``bids``."""
    return {
        (c.bid_id, c.criterion_id, c.lot_id): c
        for c in Consensus.objects.filter(bid__in=[bid.pk for bid in bids])
    }


@dataclass
class Evaluation:
    """A tender's evaluation as one reader may see it: what the pages need, read once."""

    tender: object
    criteria: list
    lots: list
    bids: list
    consensus: dict

    def missing(self):
        """The (bid, slot) pairs with no consensus score yet."""
        return [
            (bid, slot)
            for bid in self.bids
            for slot in slots_of(bid, self.criteria, self.lots)
            if (bid.pk, slot.criterion.pk, slot.lot.pk if slot.lot else None) not in self.consensus
        ]

    @property
    def is_moderated(self):
        return bool(self.bids) and not self.missing()

    def results(self):
        """``{lot key: [tenders.results.Result]}``; only once every score is moderated."""
        if not self.is_moderated:
            raise ValueError("Results need a consensus score for every bid and question.")
        scores = defaultdict(dict)
        for (bid_id, criterion_id, lot_id), consensus in self.consensus.items():
            scores[bid_id][criterion_id, lot_id] = consensus.score
        scored = [
            results.BidScores(
                bid=bid,
                bidder=bid.organisation_id,
                prices=prices_of(bid, self.lots),
                scores=scores[bid.pk],
            )
            for bid in self.bids
        ]
        specs = [
            results.LotSpec(key=lot.pk, max_awards=lot.max_awards)
            if lot
            else results.LotSpec(key=None)
            for lot in self.lots
        ]
        return results.results(method_of(self.tender, self.criteria), specs, scored)


def evaluation_of(tender, user):
    """Read ``tender``'s evaluation as ``user`` may see it, in five queries."""
    return _evaluation(tender, evaluated_bids(tender, user))


def seat_of(user, tender):
    """``user``'s PanelMember on ``tender``, or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    return PanelMember.objects.filter(tender=tender, user=user).first()


@dataclass
class LotResults:
    lot: object  # Lot or None
    rows: list  # [tenders.results.Result], each with ``failed_criteria``


def lot_results(evaluation):
    """The evaluation's results lot by lot, each failure named by its question."""
    by_lot = evaluation.results()
    criteria = {criterion.pk: criterion for criterion in evaluation.criteria}
    lots = []
    for lot in evaluation.lots:
        rows = by_lot[lot.pk if lot else None]
        for row in rows:
            row.failed_criteria = [criteria[pk] for pk in row.failed]
        lots.append(LotResults(lot, rows))
    return lots
