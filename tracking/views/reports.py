"""Progress reports: a web page and a PDF for each round, open to everyone.

Scrutiny reports are public, so nothing here asks who you are. The web page is
drawn on each request; the PDF is made by a Celery task and served once stored
for the round's current version.
"""

from django.core.cache import cache
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from tracking import pdf, tasks
from tracking.models import Inquiry, ProgressReport, TrackingRound
from tracking.report import progress_report

# The "being made" page asks again this often.
REFRESH_SECONDS = 5
# A request that finds the PDF missing asks for it once in this many seconds, so
# readers waiting on the refreshing page do not queue the same work over and over.
ASKED_FOR_SECONDS = 60


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
    if report is None:
        return None
    try:
        handle = report.pdf.open("rb")
    except FileNotFoundError:
        return None  # replaced by a newer version between the query and the open
    return FileResponse(
        handle, content_type="application/pdf", filename=pdf.file_name(tracking_round)
    )


def _serve_pdf(request, tracking_round):
    """Serve the current PDF, or ask for it and serve it if made at once, or say it is coming."""
    response = _current_pdf(tracking_round)
    if response is not None:
        return response
    # The opening moment keeps a key from matching a same-numbered round of another
    # database (a test run, a restored backup) sharing the cache.
    opened = tracking_round.opened_at.timestamp()
    asked = f"tracking:report-pdf:{tracking_round.pk}:{opened}:{tracking_round.version}"
    if cache.add(asked, True, ASKED_FOR_SECONDS):
        # Runs here and now when Celery is eager (tests, the embedded default).
        tasks.make_progress_report.delay(tracking_round.pk)
        response = _current_pdf(tracking_round)
        if response is not None:
            return response
    response = render(
        request,
        "tracking/report/being_made.html",
        {"tracking_round": tracking_round, "refresh_seconds": REFRESH_SECONDS},
        status=202,
    )
    add_never_cache_headers(response)
    return response


@require_safe
def round_report_pdf(request, slug, number):
    """The PDF of round ``number``'s report, or a page that refreshes until it is made."""
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
