"""Progress reports: a web page and a PDF for each round, open to everyone.

Scrutiny reports are public, so nothing here asks who you are, except trying
again to make a PDF that failed, which only scrutiny officers may do. The web
page is drawn on each request from stored HTML; the PDF is made by a Celery
task, asked for once per version (``tracking.actions.reports``), and served once
stored for the round's current version.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from portal.authorization import Permission, has_permission
from portal.stored_pdf_views import file_response, serve_stored_pdf
from tracking import actions, pdf
from tracking.models import Inquiry, ProgressReport, TrackingRound
from tracking.report import progress_report
from tracking.views.manage import require_officer


def _rounds():
    return TrackingRound.objects.select_related("inquiry", "committee")


def _round_or_404(slug, number):
    return get_object_or_404(_rounds(), inquiry__slug=slug, number=number)


@require_safe
def round_report(request, slug, number):
    """The progress report of round ``number`` of inquiry ``slug`` as a web page; 404 if unknown."""
    tracking_round = _round_or_404(slug, number)
    return render(request, "tracking/report/page.html", {"report": progress_report(tracking_round)})


def _current_pdf(tracking_round):
    """The stored PDF response if it matches the round's current version, else ``None``."""
    report = (
        ProgressReport.objects.filter(round=tracking_round, source_version=F("round__version"))
        .exclude(pdf="")
        .first()
    )
    return None if report is None else file_response(report, pdf.file_name(tracking_round))


def _serve_pdf(request, tracking_round):
    """Serve the current PDF; or ask for it (once per version) and serve it if made at once;
    or say it could not be made; or say it is coming."""
    is_officer = has_permission(request.user, Permission.MANAGE_SCRUTINY)
    slug, number = tracking_round.inquiry.slug, tracking_round.number
    return serve_stored_pdf(
        request,
        current=lambda: _current_pdf(tracking_round),
        ask=lambda: actions.request_progress_report(tracking_round),
        templates=("tracking/report/being_made.html", "tracking/report/not_made.html"),
        context={
            "tracking_round": tracking_round,
            "web_url": reverse("tracking:round_report", args=[slug, number]),
            "retry_url": (
                reverse("tracking:retry_report_pdf", args=[slug, number]) if is_officer else None
            ),
        },
    )


@require_safe
def round_report_pdf(request, slug, number):
    """The PDF of round ``number``'s report, or a page that refreshes until it is made, or
    one saying it could not be made."""
    return _serve_pdf(request, _round_or_404(slug, number))


@require_safe
def latest_report_pdf(request, slug):
    """The PDF of the latest round with a submitted assessment (else the latest round).

    404 for an unknown inquiry or one with no rounds yet.
    """
    inquiry = get_object_or_404(Inquiry, slug=slug)
    rounds = _rounds().filter(inquiry=inquiry).order_by("-number")
    tracking_round = (
        rounds.filter(assessments__submitted_at__isnull=False).distinct().first() or rounds.first()
    )
    if tracking_round is None:
        raise Http404("This inquiry has not been tracked yet.")
    return _serve_pdf(request, tracking_round)


@login_required
@require_POST
def retry_report_pdf(request, slug, number):
    """A scrutiny officer tries again to make a PDF that failed; others get 404.

    Goes back to the PDF's address, which serves it or says it is being made.
    """
    require_officer(request)
    tracking_round = _round_or_404(slug, number)
    actions.retry_progress_report(tracking_round=tracking_round, by=request.user)
    return redirect("tracking:round_report_pdf", slug=slug, number=number)
