"""An opportunity as OCDS: its tender section and the releases of its publication,
amendments and cancellation (``opendata`` stores them).

Only what the opportunity's public page shows goes in: never a draft, never the
contact's name or email address.
"""

import calendar
import datetime

from django.urls import reverse

from opendata.actions import record_release
from opendata.ocds import absolute, document, end_of, ocid, parties, reference, value, when
from opportunities.models import Procedure


def _months_later(day, months):
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def contract_period(opportunity):
    """The contract's expected period, when the opportunity gives its start."""
    if opportunity.contract_start is None:
        return None
    period = {"startDate": when(opportunity.contract_start)}
    if opportunity.duration_months:
        end = _months_later(opportunity.contract_start, opportunity.duration_months)
        period["endDate"] = end_of(end - datetime.timedelta(days=1))
    return period


def _classification(cpv):
    return {"scheme": "CPV", "id": cpv.code.split("-")[0], "description": cpv.description}


def _items(opportunity, lots, cpvs):
    """One item per lot (or one for the whole contract), classified by the first CPV
    code, the others as additional classifications."""
    classification = {}
    if cpvs:
        classification["classification"] = _classification(cpvs[0])
        if cpvs[1:]:
            classification["additionalClassifications"] = [_classification(c) for c in cpvs[1:]]
    if not lots:
        return [{"id": "1", "description": opportunity.title, **classification}]
    return [
        {
            "id": str(lot.number),
            "description": lot.title,
            "relatedLot": str(lot.number),
            **classification,
        }
        for lot in lots
    ]


def tender_section(opportunity, *, status):
    """The opportunity as an OCDS tender with ``status`` (tenderStatus code)."""
    lots = list(opportunity.lots.all())
    cpvs = list(opportunity.cpv_codes.all())
    tender = {
        "id": opportunity.reference,
        "title": opportunity.title,
        "description": opportunity.summary,
        "status": status,
        "procuringEntity": reference(opportunity.publisher),
        "value": value(opportunity.value_high),
        "procurementMethod": "open",
        "procurementMethodDetails": str(Procedure(opportunity.procedure).label),
        "mainProcurementCategory": "services",
        "items": _items(opportunity, lots, cpvs),
        "tenderPeriod": {
            "startDate": when(opportunity.published_at),
            "endDate": when(opportunity.submission_deadline),
        },
        "enquiryPeriod": {
            "startDate": when(opportunity.published_at),
            "endDate": when(opportunity.clarification_deadline),
        },
        "submissionMethod": ["electronicSubmission"],
        "documents": [
            document(
                id="notice",
                title=opportunity.title,
                url=absolute(reverse("opportunities:detail", args=[opportunity.reference])),
                document_type="tenderNotice",
                date=opportunity.published_at,
                fmt="text/html",
            )
        ]
        + [
            document(
                id=row.pk,
                title=row.title,
                url=absolute(
                    reverse("opportunities:document", args=[opportunity.reference, row.pk])
                ),
                date=row.uploaded_at,
            )
            for row in opportunity.documents.all()
        ],
    }
    if opportunity.value_low != opportunity.value_high:
        tender["minValue"] = value(opportunity.value_low)
    period = contract_period(opportunity)
    if period:
        tender["contractPeriod"] = period
    if lots:
        tender["lots"] = [
            {
                "id": str(lot.number),
                "title": lot.title,
                "description": lot.description,
                "status": status,
                **({"value": value(lot.value)} if lot.value is not None else {}),
            }
            for lot in lots
        ]
    return tender


def buyer_parties(opportunity):
    """The publisher, as buyer and procuring entity."""
    return parties((opportunity.publisher, "buyer"), (opportunity.publisher, "procuringEntity"))


def record_tender(opportunity, *, tags, date, status="active", amendments=()):
    """Store a release of ``opportunity``'s tender as it is now."""
    tender = tender_section(opportunity, status=status)
    if amendments:
        tender["amendments"] = list(amendments)
    return record_release(
        ocid=ocid(opportunity.reference),
        tags=tags,
        date=date,
        parties=buyer_parties(opportunity),
        buyer=reference(opportunity.publisher),
        tender=tender,
    )


def record_published(opportunity):
    return record_tender(opportunity, tags=["tender"], date=opportunity.published_at)


def record_amended(opportunity, amendment):
    return record_tender(
        opportunity,
        tags=["tenderAmendment"],
        date=amendment.made_at,
        amendments=[
            {"id": str(row.pk), "date": when(row.made_at), "description": row.summary}
            for row in opportunity.amendments.order_by("made_at", "pk")
        ],
    )


def record_cancelled(opportunity):
    return record_tender(
        opportunity, tags=["tenderCancellation"], date=opportunity.cancelled_at, status="cancelled"
    )
