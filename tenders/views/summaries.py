"""A bid's assessment summary, as a page and as a PDF (Procurement Act 2023, section 50).

Only members of the bidding organisations (``Bid.objects.of_bidders``) read it, and
only once a notice of intention to award was sent for a lot the bid was assessed
for: anyone else, and everyone before then, gets 404.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from portal.pdf import write_pdf
from tenders.assessment import assessment_of
from tenders.models import Bid


def _own_assessment(request, bid_reference):
    bid = get_object_or_404(
        Bid.objects.of_bidders(request.user).select_related("organisation", "tender__opportunity"),
        reference=bid_reference,
    )
    sections = assessment_of(bid)
    if not sections:
        raise Http404
    return {"bid": bid, "opportunity": bid.tender.opportunity, "sections": sections}


def _private(response):
    # A bidder's scores: never kept by a shared cache, nor by the browser for others.
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def summary(request, bid_reference):
    """The bid's assessment summary, one section per lot decided."""
    context = _own_assessment(request, bid_reference)
    return _private(render(request, "tenders/summary/summary.html", context))


@require_safe
def summary_pdf(request, bid_reference):
    """The same summary as a tagged A4 PDF, drawn from the page's own section template."""
    context = _own_assessment(request, bid_reference)
    html = render_to_string(
        "tenders/summary/pdf.html",
        context
        | {"council_name": settings.COUNCIL_NAME, "brand_colour": settings.COUNCIL_BRAND_COLOUR},
    )
    response = HttpResponse(write_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="assessment-summary-{context["bid"].reference}.pdf"'
    )
    return _private(response)
