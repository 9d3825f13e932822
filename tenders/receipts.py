"""A submitted bid's canonical content and its SHA-256: what the receipt proves.

The content is the bid as the commissioner will read it, registry details
included, with no timestamps, so submitting the same bid twice gives the same
hash. Canonical JSON: keys sorted, no spaces, UTF-8, money and dates as strings.
"""

import hashlib
import json

from tenders.queries import bid_lots, shared_details


def canonical(content):
    """``content`` as the exact bytes that are hashed."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(content):
    return hashlib.sha256(canonical(content)).hexdigest()


def _lot(lot):
    return lot.number if lot is not None else None


def content_of(bid, *, today=None):
    """The bid's working copy, as a JSON-ready dict, for freezing into a version."""
    tender = bid.tender
    lots = bid_lots(bid)
    lot_ids = {lot.pk for lot in lots if lot is not None}
    in_bid = lambda lot_id: lot_id is None or lot_id in lot_ids  # noqa: E731
    criteria = {c.pk: c for c in tender.criteria.all()}
    lines = {line.pk: line for line in tender.price_lines.select_related("lot")}
    return {
        "bid": bid.reference,
        "opportunity": tender.opportunity.reference,
        "lead": shared_details(bid.organisation, today=today),
        "lots": [_lot(lot) for lot in lots if lot is not None],
        "partners": [
            {
                "name": partner.display_name,
                "identifiers": (
                    [i.org_id for i in partner.organisation.identifiers.all()]
                    if partner.organisation_id
                    else [partner.identifier]
                ),
                "registered": partner.is_registered,
                "confirmed": partner.is_confirmed,
                "kind": partner.kind,
                "share_percent": str(partner.share_percent),
            }
            for partner in bid.partners.select_related("organisation")
            .prefetch_related("organisation__identifiers")
            .filter(declined_at=None)
        ],
        "answers": [
            {
                "criterion": criteria[answer.criterion_id].number,
                "lot": _lot(answer.lot),
                "text": answer.text,
            }
            for answer in bid.answers.select_related("lot").order_by(
                "criterion__number", "lot__number"
            )
            if answer.criterion_id in criteria and in_bid(answer.lot_id)
        ],
        "prices": [
            {
                "lot": _lot(lines[entry.line_id].lot),
                "line": lines[entry.line_id].number,
                "description": lines[entry.line_id].description,
                "quantity": str(lines[entry.line_id].quantity),
                "unit_price": str(entry.unit_price),
                "total": str(lines[entry.line_id].quantity * entry.unit_price),
            }
            for entry in bid.prices.order_by("line__lot__number", "line__number")
            if entry.line_id in lines and in_bid(lines[entry.line_id].lot_id)
        ],
        "cost_breakdowns": [
            {
                "lot": _lot(breakdown.lot),
                "direct_delivery": str(breakdown.direct_delivery),
                "staff": str(breakdown.staff),
                "volunteer_expenses": str(breakdown.volunteer_expenses),
                "overheads": str(breakdown.overheads),
            }
            for breakdown in bid.cost_breakdowns.select_related("lot").order_by("lot__number")
            if in_bid(breakdown.lot_id)
        ],
        "social_value": [
            {
                "measure": commitment.measure,
                "quantity": str(commitment.quantity),
                "unit": commitment.unit,
                "citywide": commitment.citywide,
                "wards": sorted(ward.gss_code for ward in commitment.wards.all()),
            }
            for commitment in bid.commitments.prefetch_related("wards")
        ],
        "declarations": {
            "has_other_funding": bid.has_other_funding,
            "has_conflicts": bid.has_conflicts,
            "conflicts": bid.conflicts,
            "living_wage": bid.living_wage,
        },
        "funding": [
            {
                "funder": funding.funder,
                "activity": funding.activity,
                "amount": str(funding.amount),
                "starts_on": funding.starts_on.isoformat(),
                "ends_on": funding.ends_on.isoformat() if funding.ends_on else None,
            }
            for funding in bid.funding.all()
        ],
        "attachments": [
            {"id": a.pk, "title": a.title, "size": a.size, "sha256": a.sha256}
            for a in bid.attachments.filter(removed_at=None)
        ],
    }
