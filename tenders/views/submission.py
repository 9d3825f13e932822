"""Checking and submitting a bid, its receipts and versions, and withdrawing it."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.formats import moment_in_words
from tenders import actions
from tenders.queries import (
    bid_lots,
    checklist,
    missing_from,
    shared_details,
)
from tenders.views.bids import bid_page, render_page, section_url


def summary(bid):
    """Everything the check page shows, in a fixed number of queries."""
    tender = bid.tender
    lots = bid_lots(bid)
    answers = {(a.criterion_id, a.lot_id): a.text for a in bid.answers.all()}
    questions = [
        {"criterion": criterion, "lot": lot, "text": answers.get((criterion.pk, lot and lot.pk))}
        for criterion in tender.criteria.all()
        for lot in (lots if criterion.per_lot and lots != [None] else [None])
    ]
    entries = {e.line_id: e.unit_price for e in bid.prices.all()}
    breakdowns = {b.lot_id: b for b in bid.cost_breakdowns.all()}
    lines = list(tender.price_lines.all())
    prices = []
    if tender.price_weight > 0:
        for lot in lots:
            lot_id = lot.pk if lot else None
            rows = [
                {
                    "line": line,
                    "unit_price": entries.get(line.pk),
                    "total": line.quantity * entries[line.pk] if line.pk in entries else None,
                }
                for line in lines
                if line.lot_id == lot_id
            ]
            prices.append(
                {
                    "lot": lot,
                    "rows": rows,
                    "total": sum((r["total"] for r in rows if r["total"] is not None), Decimal(0)),
                    "breakdown": breakdowns.get(lot_id),
                }
            )
    return {
        "lots": [lot for lot in lots if lot is not None],
        "has_lots": lots != [None],
        "partners": bid.partners.select_related("organisation"),
        "questions": questions,
        "prices": prices,
        "commitments": bid.commitments.prefetch_related("wards"),
        "funding": bid.funding.all(),
        "attachments": bid.attachments.filter(removed_at=None),
        "details": shared_details(bid.organisation),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def submit(request, reference):
    """Check your answers, then submit (or replace) the bid; refused while anything is missing."""
    page = bid_page(request, reference, edit=request.method == "POST")
    bid = page.bid
    sections = checklist(bid)
    for section in sections:
        section.url = section_url(bid, section)
    refusal = None
    if request.method == "POST":
        try:
            version = actions.submit(bid=bid, by=request.user, now=request.received_at)
        except PermissionError:
            raise Http404 from None
        except ValidationError as error:
            refusal = error.messages
        except ValueError as error:
            refusal = [str(error)]
        else:
            return redirect("tenders:bid_receipt", reference=bid.reference, number=version.number)
    return render_page(
        request,
        "submit.html",
        page,
        sections=[s for s in sections if s.missing],
        missing=missing_from(sections),
        refusal=refusal,
        heading=_("Check your bid before you submit it") if page.editable else _("The whole bid"),
        **summary(bid),
    )


@require_safe
def receipt(request, reference, number):
    page = bid_page(request, reference)
    version = get_object_or_404(page.bid.versions, number=number)
    return render_page(
        request,
        "receipt.html",
        page,
        version=version,
        received=moment_in_words(version.submitted_at),
        is_current=version.pk == page.bid.current_version_id and page.bid.is_submitted,
        heading=_("Bid received"),
    )


@require_safe
def versions(request, reference):
    page = bid_page(request, reference)
    return render_page(
        request,
        "versions.html",
        page,
        versions=page.bid.versions.order_by("-number"),
        heading=_("Versions you submitted"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, reference):
    """Confirm, then withdraw a submitted bid; it can be submitted again before the deadline."""
    page = bid_page(request, reference, edit=request.method == "POST")
    bid = page.bid
    if not page.is_lead or not bid.is_submitted:
        raise Http404
    refusal = None
    if request.method == "POST":
        try:
            actions.withdraw(bid=bid, by=request.user, now=request.received_at)
        except PermissionError:
            raise Http404 from None
        except ValidationError as error:
            refusal = error.messages
        except ValueError as error:
            refusal = [str(error)]
        else:
            messages.success(
                request,
                _("Your bid was withdrawn. You can submit it again until %(deadline)s.")
                % {"deadline": moment_in_words(page.opportunity.submission_deadline)},
            )
            return redirect("tenders:bid", reference=bid.reference)
    return render_page(
        request, "withdraw.html", page, refusal=refusal, heading=_("Withdraw your bid")
    )
