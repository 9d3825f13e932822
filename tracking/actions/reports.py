"""Asking for a round's progress report as PDF: once per version, and again only when told.

The round's ``ProgressReport`` row records the render asked for; the rules (one
render per version, a lost or dead one asked for again, a failed one only when
retried) are ``portal.stored_pdf``'s.
"""

from django.db import transaction
from django.utils import timezone

from portal import stored_pdf
from tracking.actions.inquiries import require_scrutiny_officer
from tracking.models import ProgressReport, TrackingRound


def _queue(round_id, version):
    from tracking import tasks

    return lambda: tasks.make_progress_report.delay(round_id, version)


def _version(tracking_round):
    return TrackingRound.objects.values_list("version", flat=True).get(pk=tracking_round.pk)


@transaction.atomic
def request_progress_report(tracking_round, *, now=None):
    """Ask for the PDF of ``tracking_round``'s current version, unless it is asked for already.

    Queues a render (after commit) only if this version has not been asked for,
    or its render died or was lost. Never queues one for a version whose render
    failed. Returns the round's ``ProgressReport`` as it stands after asking; its
    ``failed_at`` says whether the render failed.
    """
    version = _version(tracking_round)
    report, _created = ProgressReport.objects.get_or_create(round_id=tracking_round.pk)
    rows = ProgressReport.objects.filter(pk=report.pk)
    return stored_pdf.request_render(
        rows, version, _queue(tracking_round.pk, version), now=now or timezone.now()
    )


@transaction.atomic
def retry_progress_report(*, tracking_round, by):
    """A scrutiny officer asks again for a PDF whose render failed; True if an attempt was queued.

    Exactly one attempt is queued however often it is asked at once; False when
    no render had failed (it is being made, or made already).
    """
    require_scrutiny_officer(by)
    version = _version(tracking_round)
    rows = ProgressReport.objects.filter(round_id=tracking_round.pk)
    return stored_pdf.retry_render(
        rows, version, _queue(tracking_round.pk, version), now=timezone.now()
    )
