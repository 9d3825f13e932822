"""Asking for a round's progress report as PDF: once per version, and again only when told.

The round's ``ProgressReport`` row records the render asked for: its version,
when, how many attempts, when a worker started it and whether it failed. Each
change is one conditional ``UPDATE``, so of two readers asking at once exactly
one queues the render, and readers waiting on the refreshing page queue nothing
more. A render that failed stays failed: readers are told, and a scrutiny
officer may try again, which queues exactly one new attempt.

A render whose worker died (it started longer ago than the task's hard time
limit) or that was lost before it started (``LOST_AFTER``) is asked for once
more, up to ``MAX_ATTEMPTS``; after that it is marked failed like any other.
None of this uses the cache, so it works the same with Redis down.
"""

import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tracking.actions.inquiries import require_scrutiny_officer
from tracking.models import ProgressReport, TrackingRound

# How long past the task's hard time limit a started render may take before it is
# taken for dead: the limit counts from the moment the worker began.
GRACE = datetime.timedelta(seconds=30)


def _asked_afresh(version, now):
    """The fields of a request for ``version`` made ``now``: first attempt, nothing started."""
    return {
        "requested_version": version,
        "requested_at": now,
        "attempts": 1,
        "started_at": None,
        "failed_at": None,
        "error": "",
    }


def _queue(round_id, version):
    from tracking import tasks

    transaction.on_commit(lambda: tasks.make_progress_report.delay(round_id, version))


def _ask_again_if_stuck(rows, version, now):
    """Queue the request for ``version`` once more if its render died or was lost; mark it
    failed once it has had ``MAX_ATTEMPTS``. True if it was queued again."""
    died_before = now - datetime.timedelta(seconds=ProgressReport.RENDER_TIME_LIMIT) - GRACE
    stuck = rows.filter(requested_version=version, failed_at__isnull=True).filter(
        Q(started_at__lt=died_before)
        | Q(started_at__isnull=True, requested_at__lt=now - ProgressReport.LOST_AFTER)
    )
    if stuck.filter(attempts__lt=ProgressReport.MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1, requested_at=now, started_at=None
    ):
        return True
    message = _("The render did not finish after %(attempts)s attempts.") % {
        "attempts": ProgressReport.MAX_ATTEMPTS
    }
    stuck.update(failed_at=now, error=message)
    return False


@transaction.atomic
def request_progress_report(tracking_round, *, now=None):
    """Ask for the PDF of ``tracking_round``'s current version, unless it is asked for already.

    Queues a render (after commit) only if this version has not been asked for,
    or its render died or was lost (see the module docstring). Never queues one
    for a version whose render failed. Returns the round's ``ProgressReport`` as
    it stands after asking; its ``failed_at`` says whether the render failed.
    """
    now = now or timezone.now()
    version = TrackingRound.objects.values_list("version", flat=True).get(pk=tracking_round.pk)
    report, _created = ProgressReport.objects.get_or_create(round_id=tracking_round.pk)
    rows = ProgressReport.objects.filter(pk=report.pk)
    claimed = rows.filter(
        Q(requested_version__isnull=True) | Q(requested_version__lt=version)
    ).update(**_asked_afresh(version, now))
    if claimed or _ask_again_if_stuck(rows, version, now):
        _queue(tracking_round.pk, version)
    return rows.get()


@transaction.atomic
def retry_progress_report(*, tracking_round, by):
    """A scrutiny officer asks again for a PDF whose render failed; True if an attempt was queued.

    Exactly one attempt is queued however often it is asked at once; False when
    no render had failed (it is being made, or made already).
    """
    require_scrutiny_officer(by)
    version = TrackingRound.objects.values_list("version", flat=True).get(pk=tracking_round.pk)
    retried = ProgressReport.objects.filter(
        round_id=tracking_round.pk, failed_at__isnull=False
    ).update(**_asked_afresh(version, timezone.now()))
    if retried:
        _queue(tracking_round.pk, version)
    return bool(retried)
