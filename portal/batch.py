"""Jobs that work through many rows (alerts, reminders): one bad row never stops the rest.

Each row is handled in its own transaction. When handling it raises anything,
that transaction is rolled back (so the row is not marked done and the next run
tries it again), the error is logged with the row's id and recorded on the row
for an operator to see, and the job goes on with the next row.

Nothing gives up on a row by itself: when the mail server is down every row
fails, and giving up would silently stop everyone's emails. Each job's own
window (until bids close, until a document expires) ends the retries; a saved
search keeps being tried once a run, which costs one query, and shows its
failures in the admin site.
"""

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.contrib import admin
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Enough of an error's message to recognise it; the traceback is in the log.
MAX_FAILURE_LENGTH = 500


class SendFailures(models.Model):
    """What a row records when a job fails to send its email."""

    failed_attempts = models.PositiveSmallIntegerField(
        _("failed attempts"),
        default=0,
        editable=False,
        help_text=_("Runs in a row that failed to send; back to 0 once one succeeds."),
    )
    last_failed_at = models.DateTimeField(_("last failed"), null=True, blank=True, editable=False)
    last_failure = models.CharField(
        _("last failure"), max_length=MAX_FAILURE_LENGTH, blank=True, editable=False
    )

    class Meta:
        abstract = True


def describe(error, *, limit=MAX_FAILURE_LENGTH):
    """``SMTPRecipientsRefused: {…}``: an error as one line of at most ``limit`` characters."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text[:limit]


def each_in_its_own_transaction(model, ids, handle, *, job, rows_of=None):
    """Call ``handle(pk)`` for each of ``ids`` in its own transaction; return how many
    calls returned true.

    If ``handle`` raises, its work is rolled back, and the row of ``model`` (a
    ``SendFailures``) gets one more ``failed_attempts`` and the error; the other
    ids are still handled. When each id stands for several rows (one email
    about many), ``rows_of(pk)`` names the ``model`` rows that failed with it.
    ``handle`` should mark a row it finishes with ``done()``. A task's soft time
    limit is not the row's fault: it ends the job.
    """
    succeeded = 0
    for pk in list(ids):
        try:
            with transaction.atomic():
                if handle(pk):
                    succeeded += 1
        except SoftTimeLimitExceeded:
            raise
        except Exception as error:
            logger.exception(
                "The %s job failed for %s %s; the next run will try again",
                job,
                model._meta.label,
                pk,
            )
            record_failure(rows_of(pk) if rows_of else model.objects.filter(pk=pk), error)
    return succeeded


def record_failure(rows, error):
    """Count one more failed attempt, now, because of ``error``, on ``SendFailures`` ``rows``."""
    rows.update(
        failed_attempts=F("failed_attempts") + 1,
        last_failed_at=timezone.now(),
        last_failure=describe(error),
    )


def done(row, **fields):
    """Save ``fields`` on a ``SendFailures`` row its job has finished with, and clear its
    count of failed attempts (the last failure stays, for the record)."""
    for name, value in fields.items():
        setattr(row, name, value)
    row.failed_attempts = 0
    row.save(update_fields=[*fields, "failed_attempts"])


class FailingFilter(admin.SimpleListFilter):
    """The admin site's filter for rows whose email is failing now."""

    title = _("sending")
    parameter_name = "sending"

    def lookups(self, request, model_admin):
        return [("failing", _("Failing now")), ("failed", _("Has ever failed"))]

    def queryset(self, request, queryset):
        if self.value() == "failing":
            return queryset.filter(failed_attempts__gt=0)
        if self.value() == "failed":
            return queryset.filter(last_failed_at__isnull=False)
        return queryset


# For a row's page in the admin site.
FAILURE_FIELDS = ["failed_attempts", "last_failed_at", "last_failure"]
