"""PDFs made by a Celery task and stored, asked for once per version of what they show.

A stored PDF row (``StoredPDF``) says which version of its source the file was
drawn from (``source_version``) and which render was asked for
(``requested_version``, when, how many attempts, when a worker started it,
whether it failed and why). Its owner keeps the source's version: a number that
goes up with every change the document shows. Each step is one conditional
``UPDATE``, so of two readers asking at once exactly one queues the render, and
readers waiting on a refreshing page queue nothing more. A render that failed
stays failed: readers are told, and someone allowed to may try again, which
queues exactly one new attempt.

A render whose worker died (it started longer ago than the task's hard time
limit) or that was lost before it started (``LOST_AFTER``) is asked for once
more, up to ``MAX_ATTEMPTS``; after that it is marked failed like any other.
None of this uses the cache, so it works the same with Redis down. Used by the
scrutiny progress reports (``tracking``) and the evaluation report (``tenders``).
"""

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.batch import describe

logger = logging.getLogger(__name__)

# How long past the task's hard time limit a started render may take before it is
# taken for dead: the limit counts from the moment the worker began.
GRACE = datetime.timedelta(seconds=30)


class StoredPDF(models.Model):
    """A stored PDF and the render asked for; the subclass adds its ``pdf`` file field and
    what it is the PDF of."""

    # The render task's limits. A render still going after this long will not finish.
    RENDER_SOFT_TIME_LIMIT = 100
    RENDER_TIME_LIMIT = 120
    # A render not started this long after it was asked for was lost (the broker
    # restarted, say) rather than waiting behind other work.
    LOST_AFTER = datetime.timedelta(minutes=15)
    # A render that died or was lost is asked for once more; then it has failed.
    MAX_ATTEMPTS = 2

    generated_at = models.DateTimeField(null=True, blank=True)
    source_version = models.PositiveIntegerField(null=True, blank=True)
    requested_version = models.PositiveIntegerField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=1000, blank=True)

    class Meta:
        abstract = True


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


def _ask_again_if_stuck(rows, version, now):
    """Ask once more for ``version`` if its render died or was lost; mark it failed once it
    has had ``MAX_ATTEMPTS``. True if it was asked for again."""
    model = rows.model
    died_before = now - datetime.timedelta(seconds=model.RENDER_TIME_LIMIT) - GRACE
    stuck = rows.filter(requested_version=version, failed_at__isnull=True).filter(
        Q(started_at__lt=died_before)
        | Q(started_at__isnull=True, requested_at__lt=now - model.LOST_AFTER)
    )
    if stuck.filter(attempts__lt=model.MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1, requested_at=now, started_at=None
    ):
        return True
    message = _("The render did not finish after %(attempts)s attempts.") % {
        "attempts": model.MAX_ATTEMPTS
    }
    stuck.update(failed_at=now, error=message)
    return False


def request_render(rows, version, queue, *, now):
    """Ask for the PDF of ``version`` on the one row ``rows`` selects, unless asked for already.

    Calls ``queue()`` after commit only if this version has not been asked for, or
    its render died or was lost. Never for a version whose render failed. Returns
    the row as it stands after asking; its ``failed_at`` says whether the render failed.
    """
    claimed = rows.filter(
        Q(requested_version__isnull=True) | Q(requested_version__lt=version)
    ).update(**_asked_afresh(version, now))
    if claimed or _ask_again_if_stuck(rows, version, now):
        transaction.on_commit(queue)
    return rows.get()


def retry_render(rows, version, queue, *, now):
    """Ask again for a PDF whose render failed; True if an attempt was queued (after commit).

    Exactly one attempt is queued however often it is asked at once; False when no
    render had failed (it is being made, or made already).
    """
    retried = rows.filter(failed_at__isnull=False).update(**_asked_afresh(version, now))
    if retried:
        transaction.on_commit(queue)
    return bool(retried)


def render_requested(rows, version, store, *, what):
    """Run ``store()`` for the render of ``version`` asked for on ``rows``, recording how it went.

    ``what`` names the document in the log ("the progress report of round 3").

    Only the delivery that marks the request started renders: a second delivery of
    the same message, or a request since replaced by a newer version or given up,
    does nothing. A render that raises (the soft time limit included) is recorded as
    failed with its message and not retried by itself. Returns what ``store()``
    returned, or ``None`` when it did not run or failed.
    """
    started = rows.filter(
        requested_version=version, started_at__isnull=True, failed_at__isnull=True
    ).update(started_at=timezone.now())
    if not started:
        return None
    try:
        return store()
    except Exception as error:  # noqa: BLE001 -- recorded for the reader; they are told
        logger.exception("Could not make %s", what)
        limit = rows.model._meta.get_field("error").max_length
        rows.filter(requested_version=version, failed_at__isnull=True).update(
            failed_at=timezone.now(), error=describe(error, limit=limit)
        )
        return None


def save_rendered(model, *, key, version, content, name, lock=None):
    """Store ``content`` as the PDF of the ``model`` row ``key`` (lookups) for ``version``.

    ``lock()``, called inside the transaction, serialises writers of this PDF (the
    default locks the row itself, which must exist). When two workers race, the one
    holding the newer version wins and the old file is removed after commit.
    Returns the row.
    """
    with transaction.atomic():
        if lock is None:
            model.objects.select_for_update().filter(**key).only("pk").get()
        else:
            lock()
        stored = model.objects.filter(**key).first()
        if stored is not None and stored.pdf and (stored.source_version or 0) >= version:
            return stored  # another worker stored this version or a newer one meanwhile
        old_name = stored.pdf.name if stored is not None else ""
        row, _created = model.objects.update_or_create(
            **key, defaults={"generated_at": timezone.now(), "source_version": version}
        )
        # The storage adds a suffix while the old file still has the plain name.
        row.pdf.save(name, ContentFile(content), save=True)
        if old_name and old_name != row.pdf.name:
            storage = row.pdf.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return row
