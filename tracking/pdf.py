"""Progress reports as PDF: drawn by WeasyPrint from the web page's own template, and stored.

A stored report is current while its ``source_version`` matches the round's
``version``, which the actions bump whenever something in the report changes.
Rendering fetches nothing: the print CSS is inline and other addresses are refused.
Renders are asked for through ``tracking.actions.reports``, which says when.
"""

import logging

from django.conf import settings
from django.template.loader import render_to_string

from portal import stored_pdf
from portal.pdf import write_pdf
from tracking.models import ProgressReport, TrackingRound
from tracking.report import progress_report

logger = logging.getLogger(__name__)


def file_name(tracking_round):
    """``parks-round-2.pdf``: what the stored file and the download are called."""
    return f"{tracking_round.inquiry.slug}-round-{tracking_round.number}.pdf"


def render_pdf(tracking_round):
    """The progress report of ``tracking_round`` as it stands now, as PDF bytes (A4, tagged)."""
    html = render_to_string(
        "tracking/report/pdf.html",
        {
            "report": progress_report(tracking_round),
            "council_name": settings.COUNCIL_NAME,
            "brand_colour": settings.COUNCIL_BRAND_COLOUR,
        },
    )
    return write_pdf(html)


def store_progress_report(round_id):
    """Make and store the PDF of round ``round_id`` unless the stored one is current.

    The report records the round's version as read before rendering, so a change
    made while it renders leaves it stale, to be made again. When two workers race,
    the one holding the newer version wins and the old file is removed after commit.
    Returns the ``ProgressReport``, or ``None`` if the round no longer exists.
    """
    tracking_round = (
        TrackingRound.objects.select_related("inquiry", "committee").filter(pk=round_id).first()
    )
    if tracking_round is None:
        return None  # deleted since the task was queued
    version = tracking_round.version
    stored = ProgressReport.objects.filter(round=tracking_round).first()
    if stored is not None and stored.source_version == version and stored.pdf:
        return stored
    content = render_pdf(tracking_round)
    report = stored_pdf.save_rendered(
        ProgressReport,
        key={"round_id": round_id},
        version=version,
        content=content,
        name=file_name(tracking_round),
        # Serialise writers of this round's report (the row may not exist yet).
        lock=lambda: TrackingRound.objects.select_for_update().only("pk").get(pk=round_id),
    )
    logger.info("Stored the progress report of %s (version %s)", tracking_round, version)
    return report


def render_requested(round_id, version):
    """Make the PDF of round ``round_id`` asked for as ``version``, recording how it went.

    Only the delivery that marks the request started renders: a second delivery
    of the same message, or a request since replaced by a newer version or given
    up, does nothing. A render that raises (the soft time limit included) is
    recorded as failed with its message and not retried by itself: readers are
    told, and a scrutiny officer may try again. Returns the ``ProgressReport``
    when the PDF was stored, else ``None``.
    """
    return stored_pdf.render_requested(
        ProgressReport.objects.filter(round_id=round_id),
        version,
        lambda: store_progress_report(round_id),
        what=f"the progress report of round {round_id}",
    )
