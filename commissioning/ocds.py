"""The commissioning cycle's public events as OCDS releases: a pipeline item's
planning, its link to the tender it became, contracts signed, changed and
terminated, and performance ratings (``implementation``).

A contract from a tender is published under its opportunity's ocid; a contract
recorded outside a tender (a grant, an agreement) under its own reference, with
the direct award it amounts to. A rating is published as its level and period,
never the comment written for the supplier.
"""

import datetime

from django.urls import reverse

from commissioning.models import ContractKind, SupplierRole
from opendata.actions import record_release
from opendata.ocds import absolute, end_of, ocid, parties, reference, value, when
from portal.formats import date_in_words
from tenders.models import AwardDecision
from tenders.ocds import award_id

RATING_WORDS = "Procurement Act 2023 scale"


# Planning --------------------------------------------------------------------------------


def _quarter_start(item):
    return datetime.date(item.expected_year, 3 * (item.expected_quarter - 1) + 1, 1)


def record_planning(item, *, tags, date, status="planned"):
    """A release of pipeline ``item``'s planning process as it is now: ``planned``, or
    ``withdrawn`` once withdrawn."""
    return record_release(
        ocid=ocid(item.reference),
        tags=tags,
        date=date,
        parties=parties((item.publisher, "buyer"), (item.publisher, "procuringEntity")),
        buyer=reference(item.publisher),
        planning={
            "rationale": item.summary,
            "budget": {"description": "Estimated value", "amount": value(item.estimated_value)},
        },
        tender={
            "id": item.reference,
            "title": item.title,
            "description": item.summary,
            "status": status,
            "value": value(item.estimated_value),
            "procuringEntity": reference(item.publisher),
            "mainProcurementCategory": "services",
            # The start of the quarter it is expected to be published in.
            "tenderPeriod": {"startDate": when(_quarter_start(item))},
        },
    )


def record_tender_planned_by(item, *, date):
    """A release of ``item``'s published opportunity naming the planning process it came
    from (relatedProcesses: planning)."""
    opportunity = item.opportunity
    return record_release(
        ocid=ocid(opportunity.reference),
        tags=["tenderUpdate"],
        date=date,
        relatedProcesses=[
            {
                "id": "planning",
                "relationship": ["planning"],
                "title": item.title,
                "scheme": "ocid",
                "identifier": ocid(item.reference),
                "uri": absolute(reverse("opendata:record", args=[ocid(item.reference)])),
            }
        ],
    )


# Contracts -------------------------------------------------------------------------------


def _ocid_of(contract):
    return ocid(contract.opportunity.reference if contract.opportunity_id else contract.reference)


def _award_id_of(contract):
    """The award the contract came from: the first confirmed decision its bid won, or for a
    contract recorded outside a tender, its own direct award."""
    if contract.bid_id is None:
        return f"{contract.reference}-award"
    decision = (
        AwardDecision.objects.filter(winners=contract.bid_id, confirmed_at__isnull=False)
        .select_related("tender__opportunity")
        .order_by("confirmed_at", "pk")
        .first()
    )
    return award_id(decision)


def _suppliers(contract):
    return [
        row.organisation
        for row in contract.suppliers.exclude(role=SupplierRole.SUBCONTRACTOR)
        .filter(left_on__isnull=True)
        .select_related("organisation")
        .prefetch_related("organisation__identifiers")
        .order_by("pk")
    ]


def _contract(contract, *, status, amendments=()):
    section = {
        "id": contract.reference,
        "awardID": _award_id_of(contract),
        "title": contract.title,
        "status": status,
        "period": {"startDate": when(contract.starts_on), "endDate": end_of(contract.last_day)},
        "value": value(contract.value),
        "dateSigned": when(contract.created_at),
        "documents": [
            {
                "id": "contract-page",
                "title": contract.title,
                "url": absolute(contract.get_absolute_url()),
                "documentType": "contractNotice",
                "format": "text/html",
            }
        ],
    }
    if contract.description:
        section["description"] = contract.description
    if amendments:
        section["amendments"] = list(amendments)
    return section


def _record_contract(contract, *, tags, date, status="active", amendments=(), **sections):
    suppliers = _suppliers(contract)
    return record_release(
        ocid=_ocid_of(contract),
        tags=tags,
        date=date,
        parties=parties(
            (contract.publisher, "buyer"), *[(supplier, "supplier") for supplier in suppliers]
        ),
        buyer=reference(contract.publisher),
        contracts=[_contract(contract, status=status, amendments=amendments)],
        **sections,
    )


def record_signed(contract):
    """A contract made: from a tender's award, or recorded outside a tender, when it is
    published with the direct award and the tender section saying how it was let."""
    if contract.bid_id is not None:
        return _record_contract(contract, tags=["contract"], date=contract.created_at)
    suppliers = _suppliers(contract)
    return _record_contract(
        contract,
        tags=["tender", "award", "contract"],
        date=contract.created_at,
        tender={
            "id": contract.reference,
            "title": contract.title,
            "status": "complete",
            "procuringEntity": reference(contract.publisher),
            "procurementMethod": "direct",
            "procurementMethodDetails": str(ContractKind(contract.kind).label),
            "mainProcurementCategory": "services",
        },
        awards=[
            {
                "id": _award_id_of(contract),
                "title": contract.title,
                "status": "active",
                "date": when(contract.created_at),
                "value": value(contract.value),
                "suppliers": [reference(supplier) for supplier in suppliers],
            }
        ],
    )


def record_lot_added(contract, decision):
    """A contract extended by another lot its bid won: its value changed."""
    return _record_contract(
        contract,
        tags=["contractAmendment"],
        date=decision.confirmed_at,
        amendments=[
            {
                "id": f"lot-{decision.lot.number}",
                "date": when(decision.confirmed_at),
                "description": f"{decision.lot} added to the contract.",
            }
        ],
    )


def record_decommissioning(decommissioning):
    """Notice given to end a contract early (a termination: it ends on the day the notice
    takes effect) or to change it substantially (an amendment)."""
    from commissioning.models import DecommissioningKind

    contract = decommissioning.contract
    change = {
        "id": f"decommissioning-{decommissioning.pk}",
        "date": when(decommissioning.notice_given_at),
        "rationale": decommissioning.reasons,
        "description": f"{decommissioning.what_happens} on "
        f"{date_in_words(decommissioning.takes_effect_on)}.",
    }
    if decommissioning.kind == DecommissioningKind.END:
        return _record_contract(
            contract,
            tags=["contractTermination"],
            date=decommissioning.notice_given_at,
            status="terminated",
            amendments=[change],
        )
    if decommissioning.kind == DecommissioningKind.CHANGE:
        return _record_contract(
            contract,
            tags=["contractAmendment"],
            date=decommissioning.notice_given_at,
            amendments=[change],
        )
    return None


def record_rating(rating):
    """A performance rating published: every rating of the contract so far, as assessment
    milestones of its implementation (level and period only)."""
    contract = rating.contract
    milestones = [
        {
            "id": f"rating-{row.period_start:%Y-%m-%d}",
            "title": f"Performance rating: {row.get_rating_display()}",
            "type": "assessment",
            "code": row.rating,
            "description": (
                f"Rated {row.get_rating_display()} on the {RATING_WORDS} for "
                f"{date_in_words(row.period_start)} to {date_in_words(row.period_end)}."
            ),
            "status": "met",
            "dueDate": end_of(row.period_end),
            "dateMet": when(row.rated_at),
        }
        for row in contract.ratings.order_by("period_start")
    ]
    return record_release(
        ocid=_ocid_of(contract),
        tags=["implementation"],
        date=rating.rated_at,
        contracts=[
            {
                "id": contract.reference,
                "awardID": _award_id_of(contract),
                "implementation": {"milestones": milestones},
            }
        ],
    )
