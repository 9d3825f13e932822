"""A tender's public events as OCDS releases: the bid box opened (tenderers and bid
statistics), an award's intention, withdrawal and confirmation.

Nothing about a bid is published before its tender's box is opened: the first
release to name a tenderer or count a bid is the one ``open_box`` records. After
that, only organisations' names and counts and the lowest and highest valid
prices per lot: never a bid's content, scores or an evaluator.
"""

from decimal import Decimal

from django.db.models import F, Prefetch

from opendata.actions import record_release
from opendata.ocds import amount, ocid, party, reference, value, when
from opportunities.ocds import buyer_parties, contract_period, tender_section
from tenders.awards import awarded_value, current_partners_of_bids


def _lot_key(lot):
    return str(lot.number) if lot else None


def _bidders(bid):
    """The lead and the consortium partners who confirmed and have not left."""
    return [bid.organisation] + [
        partner.organisation for partner in bid.partners.all() if partner.organisation
    ]


def _with_bidders(bids):
    """``bids`` with their lead and registered current partners (``_bidders``) and those
    organisations' register numbers, in a fixed number of queries."""
    partners = current_partners_of_bids().filter(organisation__isnull=False)
    return (
        bids.select_related("organisation")
        .prefetch_related(
            "organisation__identifiers",
            Prefetch("partners", queryset=partners.select_related("organisation")),
            "partners__organisation__identifiers",
        )
        .order_by("pk")
    )


def _submitted(tender):
    submitted = tender.bids.submitted().annotate(frozen_lots=F("current_version__content__lots"))
    return list(_with_bidders(submitted))


def _statistic(id_, measure, number, lot, date, *, money=False):
    entry = {"id": id_, "measure": measure, "value": amount(number) if money else number}
    if money:
        entry["currency"] = "GBP"
    if lot:
        entry["relatedLot"] = lot
    entry["date"] = when(date)
    return entry


def record_box_opened(tender):
    """The release of the bid box's opening: the tenderers and, for the tender and each
    lot, how many bids and how many from small organisations."""
    opportunity = tender.opportunity
    bids = _submitted(tender)
    lots = list(opportunity.lots.all()) or [None]
    tenderers = {}
    for bid in bids:
        for organisation in _bidders(bid):
            tenderers.setdefault(organisation.pk, organisation)
    statistics = []
    for lot in lots:
        key = _lot_key(lot)
        for_lot = [bid for bid in bids if lot is None or lot.number in (bid.frozen_lots or [])]
        prefix = f"lot-{key}-" if key else ""
        statistics.append(_statistic(f"{prefix}bids", "bids", len(for_lot), key, tender.opened_at))
        statistics.append(
            _statistic(
                f"{prefix}smeBids",
                "smeBids",
                sum(1 for bid in for_lot if bid.organisation.is_small),
                key,
                tender.opened_at,
            )
        )
    section = tender_section(opportunity, status="active")
    section["numberOfTenderers"] = len(tenderers)
    section["tenderers"] = [reference(organisation) for organisation in tenderers.values()]
    return record_release(
        ocid=ocid(opportunity.reference),
        tags=["tenderUpdate"],
        date=tender.opened_at,
        parties=buyer_parties(opportunity)
        + [party(organisation, ["tenderer"]) for organisation in tenderers.values()],
        buyer=reference(opportunity.publisher),
        tender=section,
        bids={"statistics": statistics},
    )


def award_id(decision):
    return f"{decision.tender.opportunity.reference}-award-{decision.pk}"


def _valid_statistics(decision, key, date):
    """How many of the lot's bids were valid (none failed a minimum score), and the
    lowest and highest valid price, from the results the decision was made on."""
    rows = decision.results.get("bids", [])
    valid = [row for row in rows if not row.get("failed")]
    prices = [Decimal(row["price"]) for row in valid if row.get("price") not in (None, "")]
    prefix = f"lot-{key}-" if key else ""
    statistics = [_statistic(f"{prefix}validBids", "validBids", len(valid), key, date)]
    if prices:
        statistics += [
            _statistic(
                f"{prefix}lowestValidBidValue",
                "lowestValidBidValue",
                min(prices),
                key,
                date,
                money=True,
            ),
            _statistic(
                f"{prefix}highestValidBidValue",
                "highestValidBidValue",
                max(prices),
                key,
                date,
                money=True,
            ),
        ]
    return statistics


def _award(decision, *, status):
    winners = list(_with_bidders(decision.winners.all()))
    suppliers = {}
    for bid in winners:
        for organisation in _bidders(bid):
            suppliers.setdefault(organisation.pk, organisation)
    opportunity = decision.tender.opportunity
    award = {
        "id": award_id(decision),
        "title": f"{opportunity.title}: {decision.lot}" if decision.lot else opportunity.title,
        "status": status,
        # The date of the decision to award: the notice of intention.
        "date": when(decision.intention_sent_at),
        "suppliers": [reference(organisation) for organisation in suppliers.values()],
    }
    total = awarded_value(decision)
    if total is not None:
        award["value"] = value(total)
    if decision.lot:
        award["relatedLots"] = [_lot_key(decision.lot)]
    period = contract_period(opportunity)
    if period:
        award["contractPeriod"] = period
    return award, [party(organisation, ["supplier"]) for organisation in suppliers.values()]


def _record_award(decision, *, tags, status, date, tender=None, statistics=()):
    opportunity = decision.tender.opportunity
    award, supplier_parties = _award(decision, status=status)
    sections = {"awards": [award]}
    if tender:
        sections["tender"] = tender
    if statistics:
        sections["bids"] = {"statistics": list(statistics)}
    return record_release(
        ocid=ocid(opportunity.reference),
        tags=tags,
        date=date,
        parties=buyer_parties(opportunity) + supplier_parties,
        buyer=reference(opportunity.publisher),
        **sections,
    )


def record_intention(decision):
    """The notice of intention to award: a pending award, and the lot's valid bids."""
    key = _lot_key(decision.lot)
    return _record_award(
        decision,
        tags=["award"],
        status="pending",
        date=decision.intention_sent_at,
        statistics=_valid_statistics(decision, key, decision.intention_sent_at),
    )


def record_withdrawal(decision):
    return _record_award(
        decision, tags=["awardCancellation"], status="cancelled", date=decision.withdrawn_at
    )


def record_confirmation(decision):
    """The award confirmed after its standstill; the tender is complete once every lot
    is awarded."""
    opportunity = decision.tender.opportunity
    tender = None
    if opportunity.awarded_at is not None:
        tender = {"id": opportunity.reference, "status": "complete"}
        lots = list(opportunity.lots.all())
        if lots:
            tender["lots"] = [{"id": _lot_key(lot), "status": "complete"} for lot in lots]
    return _record_award(
        decision,
        tags=["awardUpdate"] + (["tenderUpdate"] if tender else []),
        status="active",
        date=decision.confirmed_at,
        tender=tender,
    )
