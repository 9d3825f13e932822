"""The results of a tender's evaluation: the page, the CSV and the evaluation report (PDF),
for the publisher's commissioners and the panel's chair.

All three read ``evaluation_of(tender, user).results()`` afresh on every request
(nothing is cached, and the responses say ``no-store``), so a changed consensus
score shows at once. Bids the reader declared a conflict with are not in them:
the gate leaves them out. Until every score is moderated they say what is missing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from opportunities.actions import is_commissioner
from portal.csv import csv_response
from portal.pdf import write_pdf
from tenders.evaluation import evaluation_of, slots_of
from tenders.models import Bid, PanelMember
from tenders.moderation import chair_of, conflicts_declared, findings_of
from tenders.summary import method_summary
from tenders.views.moderation import evaluated_tender


def _reads_results(user, tender):
    return is_commissioner(user, tender.opportunity.publisher) or chair_of(user, tender) is not None


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


def _reading(request, reference):
    tender = evaluated_tender(request, reference, allowed=_reads_results)
    return tender, evaluation_of(tender, request.user)


@require_safe
@never_cache
def results(request, reference):
    """Each lot's results, or what is still to moderate."""
    tender, evaluation = _reading(request, reference)
    return render(
        request,
        "tenders/results/results.html",
        {
            "opportunity": tender.opportunity,
            "tender": tender,
            "evaluation": evaluation,
            "lots": lot_results(evaluation) if evaluation.is_moderated else [],
            "missing": len(evaluation.missing()),
            "is_chair": chair_of(request.user, tender) is not None,
            "hidden": conflicts_declared(request.user, tender),
        },
    )


def _not_ready(request, reference):
    messages.error(
        request, _("The results can be downloaded once every bid has its consensus scores.")
    )
    return redirect("tenders:results", reference)


def _failed_words(row):
    return "; ".join(
        _("question %(number)s") % {"number": criterion.number} for criterion in row.failed_criteria
    )


@require_safe
@never_cache
def results_csv(request, reference):
    """The results page's figures, one line per bid and lot."""
    tender, evaluation = _reading(request, reference)
    if not evaluation.is_moderated:
        return _not_ready(request, reference)
    header = [
        _("Lot"),
        _("Bid"),
        _("Organisation"),
        _("Price (£)"),
        _("Quality"),
        _("Social value"),
        _("Price score"),
        _("Total"),
        _("Rank"),
        _("Failed on"),
        _("Abnormally low price"),
        _("Proposed winner"),
    ]
    rows = [
        [
            lot.lot.number if lot.lot else "",
            row.bid.reference,
            row.bid.organisation.name,
            f"{row.price:.2f}",
            f"{row.quality:.2f}",
            f"{row.social_value:.2f}",
            f"{row.price_score:.2f}",
            f"{row.total:.2f}",
            row.rank if row.rank is not None else "",
            _failed_words(row),
            _("Yes") if row.abnormally_low else _("No"),
            _("Yes") if row.proposed else _("No"),
        ]
        for lot in lot_results(evaluation)
        for row in lot.rows
    ]
    return csv_response(f"{tender.opportunity.reference}-results.csv", header, rows)


def _lot_key(slot):
    return slot.lot.pk if slot.lot else None


def report_context(tender, evaluation, user):
    """What the evaluation report shows: the method, the panel, the results, each bid's
    consensus scores and reasons, and the duplication findings. Fixed queries."""
    visible = {bid.pk for bid in evaluation.bids}
    panel = list(
        PanelMember.objects.filter(tender=tender)
        .select_related("user")
        .prefetch_related(
            Prefetch("conflicts", queryset=Bid.objects.select_related("organisation"))
        )
    )
    for member in panel:
        member.visible_conflicts = [b for b in member.conflicts.all() if b.pk in visible]
    findings = findings_of(evaluation.bids)
    bids = []
    for bid in evaluation.bids:
        slots = slots_of(bid, evaluation.criteria, evaluation.lots)
        bids.append(
            {
                "bid": bid,
                "scores": [
                    (slot, evaluation.consensus[(bid.pk, slot.criterion.pk, _lot_key(slot))])
                    for slot in slots
                ],
                "findings": findings[bid.pk],
            }
        )
    return {
        "opportunity": tender.opportunity,
        "tender": tender,
        "summary": method_summary(tender),
        "panel": panel,
        "lots": lot_results(evaluation),
        "bids": bids,
        "made_at": timezone.now(),
        "hidden": conflicts_declared(user, tender),
        "council_name": settings.COUNCIL_NAME,
        "brand_colour": settings.COUNCIL_BRAND_COLOUR,
    }


@require_safe
@never_cache
def report_pdf(request, reference):
    """The evaluation report as a PDF, drawn now from the moderated scores."""
    tender, evaluation = _reading(request, reference)
    if not evaluation.is_moderated:
        return _not_ready(request, reference)
    context = report_context(tender, evaluation, request.user)
    html = render_to_string("tenders/results/report_pdf.html", context)
    response = HttpResponse(write_pdf(html), content_type="application/pdf")
    name = f"{tender.opportunity.reference}-evaluation-report.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
