"""Asking for a tender's evaluation report as PDF: once per version, and again only when told.

The rules (one render per version, a lost or dead one asked for again, a failed
one only when retried) are ``portal.stored_pdf``'s. The whole report is asked for
as soon as every score is moderated (``tenders.actions.moderation``), and again
after every change it shows, so it is usually ready before anyone clicks; a
reader with conflicts of interest gets one without those bids, asked for when
first read.
"""

from django.db import transaction
from django.utils import timezone

from portal import stored_pdf
from tenders.models import EvaluationReport, Tender
from tenders.moderation import reads_results


def _queue(report_id, version):
    from tenders import tasks

    return lambda: tasks.make_evaluation_report.delay(report_id, version)


def _version(tender):
    return Tender.objects.values_list("evaluation_version", flat=True).get(pk=tender.pk)


def _row(tender, left_out):
    """The reader's report row (made now if new): its id, and a queryset selecting it."""
    report, _created = EvaluationReport.objects.get_or_create(
        tender_id=tender.pk, left_out=EvaluationReport.key_of(left_out)
    )
    return report.pk, EvaluationReport.objects.filter(pk=report.pk)


@transaction.atomic
def request_evaluation_report(tender, *, left_out=(), now=None):
    """Ask for the PDF of ``tender``'s evaluation report as it stands, without the bids
    ``left_out`` (ids), unless it is asked for already.

    Queues a render (after commit) only if this version has not been asked for, or
    its render died or was lost; never for a version whose render failed. Call it
    only once every score is moderated. Returns the ``EvaluationReport`` as it
    stands after asking; its ``failed_at`` says whether the render failed.
    """
    version = _version(tender)
    report_id, rows = _row(tender, left_out)
    return stored_pdf.request_render(
        rows, version, _queue(report_id, version), now=now or timezone.now()
    )


@transaction.atomic
def retry_evaluation_report(*, tender, left_out=(), by):
    """Someone who reads the results asks again for a report whose render failed; True if
    an attempt was queued. ``PermissionError`` for anyone else.

    Exactly one attempt is queued however often it is asked at once; False when no
    render had failed (it is being made, or made already).
    """
    if not by.is_authenticated or not reads_results(by, tender):
        raise PermissionError("Only those who read the results may ask for the report.")
    version = _version(tender)
    report_id, rows = _row(tender, left_out)
    return stored_pdf.retry_render(rows, version, _queue(report_id, version), now=timezone.now())
