"""Sending a run's digests: each councillor gets exactly one per week.

``send_batch`` sends each digest in a transaction that locks its row
(``select_for_update(skip_locked=True)``) if it is still unsent: another task
with the same row (a retried task, a resumed batch, an overlapping run) skips
a row that is locked and finds a sent one sent. ``sent_at`` is written, in that
transaction, once the mail server has accepted the message.

- The send fails: the error is kept and the digest tried again after a
  backoff (5, 10, 20, 40 minutes); after ``MAX_ATTEMPTS`` it is given up
  (``failed_at``). The rest of the batch still goes.
- The worker dies mid-send: the transaction rolls back, leaving the row
  unsent and unlocked. The hourly job (``runs.resume_pending``) sends it once
  its run's lease is over.
- The worker dies after the mail server accepted the message but before the
  commit: that digest goes twice. Email has no two-phase commit; the window is
  the milliseconds between the server's reply and the commit, and one digest
  too many beats one too few.

A run with digests waiting to be tried again is not finished: ``finished_at``
is set when each of its digests is sent or given up.
"""

import contextlib
import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass
from smtplib import SMTPException

from celery.exceptions import SoftTimeLimitExceeded
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from councillors import digest, render, tasks
from councillors.models import Digest, DigestRun

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY_AFTER = datetime.timedelta(minutes=5)
# Below the broker's visibility timeout (an hour), so a delayed retry task is not redelivered.
LONGEST_RETRY_AFTER = datetime.timedelta(minutes=50)

# Waiting to be sent: neither sent nor given up.
PENDING = Q(sent_at__isnull=True, failed_at__isnull=True)


@dataclass
class BatchOutcome:
    """What ``send_batch`` did with its digests."""

    sent: int = 0
    retrying: int = 0  # failed this time; will be tried again
    failed: int = 0  # given up
    passed_over: int = 0  # sent or given up already, not due yet, or another worker's


def _ready(now):
    return PENDING & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def send_batch(*, run_id, digest_ids, now=None):
    """Send the digests ``digest_ids`` that are due and not sent; returns a ``BatchOutcome``.

    Loads what the digests need once for the batch. Each digest is claimed, built,
    rendered, sent as one email (plain text with an HTML alternative) and marked sent
    with a copy of what was sent, in one transaction (see the module docstring).
    A failed send is recorded and retried later; it does not stop the others.
    Safe to call again, or at the same time elsewhere, with the same ids.
    """
    now = now or timezone.now()
    waiting = list(
        Digest.objects.filter(_ready(now), pk__in=digest_ids)
        .select_related("councillor")
        .order_by("pk")
    )
    outcome = BatchOutcome(passed_over=len(set(digest_ids)) - len(waiting))
    retries = defaultdict(list)
    if waiting:
        context = digest.load_context(now=now, councillors=[d.councillor for d in waiting])
        connection = get_connection()
        try:
            for candidate in waiting:
                result = _send_one(candidate.pk, candidate.councillor, context, connection)
                setattr(outcome, result.kind, getattr(outcome, result.kind) + 1)
                if result.kind == "retrying":
                    retries[result.retry_at].append(candidate.pk)
        finally:
            _close_quietly(connection)
    for retry_at, ids in retries.items():
        # Sooner than the hourly job would; if this task is lost, that job still does it.
        countdown = max(1, (retry_at - timezone.now()).total_seconds() + 1)
        tasks.send_digest_batch.apply_async((run_id, ids), countdown=countdown)
    for finished_run_id in {run_id, *(d.run_id for d in waiting)}:
        finish_if_done(finished_run_id)
    return outcome


@dataclass
class _Result:
    kind: str  # a BatchOutcome field
    retry_at: datetime.datetime | None = None


def _send_one(digest_id, councillor, context, connection):
    with transaction.atomic():
        claimed = (
            Digest.objects.select_for_update(skip_locked=True)
            .filter(_ready(context.now), pk=digest_id)
            .first()
        )
        if claimed is None:
            return _Result("passed_over")
        try:
            with transaction.atomic():
                content = digest.build(councillor, context, week=claimed.week)
                rendered = render.render(content)
                connection.open()  # again, if an earlier failure closed it
                if not connection.send_messages([_message(councillor, content, rendered)]):
                    raise SMTPException("The mail server did not take the message.")
        except SoftTimeLimitExceeded:
            raise  # out of time: roll back; the hourly job resumes the rest
        except Exception as error:
            # Whatever went wrong with this councillor's digest, the others still go.
            logger.exception("Could not send digest %s to councillor %s", digest_id, councillor.pk)
            _close_quietly(connection)
            return _record_failure(claimed, error)
        _record_sent(claimed, content, rendered)
        return _Result("sent")


def _message(councillor, content, rendered):
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        to=[councillor.email],
        # RFC 8058: mail programs can offer their own one-click unsubscribe button.
        headers={
            "List-Unsubscribe": f"<{content.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def _record_sent(claimed, content, rendered):
    subject_length = Digest._meta.get_field("subject").max_length
    Digest.objects.filter(pk=claimed.pk).update(
        sent_at=timezone.now(),  # the mail server has just accepted it
        attempts=F("attempts") + 1,
        next_attempt_at=None,
        subject=rendered.subject[:subject_length],
        text=rendered.text,
        html=rendered.html,
        opportunity_count=content.opportunity_count,
    )
    DigestRun.objects.filter(pk=claimed.run_id).update(sent=F("sent") + 1)


def retry_after(attempts):
    """How long to wait before trying again a digest that has failed ``attempts`` times."""
    return min(FIRST_RETRY_AFTER * 2 ** (attempts - 1), LONGEST_RETRY_AFTER)


def _record_failure(claimed, error):
    attempts = claimed.attempts + 1
    failed_at = timezone.now()
    given_up = attempts >= MAX_ATTEMPTS
    retry_at = None if given_up else failed_at + retry_after(attempts)
    Digest.objects.filter(pk=claimed.pk).update(
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:500],
        next_attempt_at=retry_at,
        failed_at=failed_at if given_up else None,
    )
    if given_up:
        DigestRun.objects.filter(pk=claimed.run_id).update(failed=F("failed") + 1)
        return _Result("failed")
    return _Result("retrying", retry_at)


def _close_quietly(connection):
    with contextlib.suppress(OSError):  # the server had gone already
        connection.close()


def finish_if_done(run_id):
    """Mark the run finished if none of its digests is waiting to be sent."""
    if run_id is None or Digest.objects.filter(PENDING, run_id=run_id).exists():
        return
    DigestRun.objects.filter(pk=run_id, finished_at__isnull=True).update(finished_at=timezone.now())
