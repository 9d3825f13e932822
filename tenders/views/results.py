"""The results of a tender's evaluation: the page, the CSV and the evaluation report (PDF),
for the publisher's commissioners and the panel's chair.

The page and the CSV read ``evaluation_of(tender, user).results()`` afresh on
every request (nothing is cached, and the responses say ``no-store``), so a
changed consensus score shows at once. The report, hundreds of pages at 200
bids, is made by a Celery task and stored (``tenders.pdf``); it is served only
while drawn from the evaluation as it stands, else made again. Bids the reader
declared a conflict with are not in any of them: the gate leaves them out. Until
every score is moderated they say what is missing.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from portal.csv import csv_response
from portal.stored_pdf_views import file_response, serve_stored_pdf
from tenders import actions, pdf
from tenders.evaluation import evaluation_of, left_out_of, lot_results
from tenders.models import EvaluationReport
from tenders.models.report import current_reports
from tenders.moderation import chair_of, conflicts_declared, reads_results
from tenders.views.moderation import evaluated_tender

# The "being made" page asks again this often: at 200 bids the report takes a minute or two.
REFRESH_SECONDS = 10


def _reading(request, reference):
    tender = evaluated_tender(request, reference, allowed=reads_results)
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
            "report": _report_state(tender, evaluation) if evaluation.is_moderated else None,
        },
    )


def _report_state(tender, evaluation):
    """The reader's stored evaluation report, for the results page to say whether it is
    ready, being made or failed (``None`` when it has not been asked for)."""
    return _stored_report(tender, left_out_of(tender, evaluation))


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


def _stored_report(tender, left_out):
    """The reader's ``EvaluationReport`` row (one per set of bids left out), or ``None``."""
    return (
        EvaluationReport.objects.filter(tender=tender, left_out=EvaluationReport.key_of(left_out))
        .select_related("tender")
        .first()
    )


def _current_pdf(tender, left_out):
    report = (
        current_reports().filter(tender=tender, left_out=EvaluationReport.key_of(left_out)).first()
    )
    if report is None:
        return None
    return file_response(report, pdf.file_name(tender), as_attachment=True)


@require_safe
@never_cache
def report_pdf(request, reference):
    """The evaluation report as a PDF, made by a Celery task from the moderated scores and
    stored; while it is being made, or if it could not be made, a page that says so.

    The same readers as the results page, each reading the report without the bids
    they declared a conflict with.
    """
    tender, evaluation = _reading(request, reference)
    if not evaluation.is_moderated:
        return _not_ready(request, reference)
    left_out = left_out_of(tender, evaluation)
    return serve_stored_pdf(
        request,
        current=lambda: _current_pdf(tender, left_out),
        ask=lambda: actions.request_evaluation_report(tender, left_out=left_out),
        templates=(
            "tenders/results/report_being_made.html",
            "tenders/results/report_not_made.html",
        ),
        context={
            "opportunity": tender.opportunity,
            "web_url": reverse("tenders:results", args=[reference]),
            "retry_url": reverse("tenders:retry_evaluation_report", args=[reference]),
        },
        refresh_seconds=REFRESH_SECONDS,
    )


@require_POST
def retry_report_pdf(request, reference):
    """Try again to make an evaluation report that failed; then back to its address, which
    serves it or says it is being made. The same readers as the report; 404 for others."""
    tender, evaluation = _reading(request, reference)
    if evaluation.is_moderated:
        actions.retry_evaluation_report(
            tender=tender, left_out=left_out_of(tender, evaluation), by=request.user
        )
    return redirect("tenders:evaluation_report", reference)
