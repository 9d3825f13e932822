"""Sending a run's digests: each councillor gets one per week, and nobody is missed.

``send_batch`` sends each digest in three steps, so that a worker dying at any
moment leaves a state the next worker reads rightly:

1. **Hand-over**, one short transaction: claim the digest's row
   (``select_for_update(skip_locked=True)``) if it is still unsent, build and
   render it, store what will be sent and set ``sending_started_at``. Committed.
2. **Send** it to the mail server, holding no transaction.
3. **Record the send**, one tiny transaction committed as soon as the server has
   accepted: ``sent_at`` and the run's ``sent`` count, nothing heavy.

From step 1 to 3 the worker also holds the digest's *sending lock*, a
PostgreSQL session lock that another worker's claim respects and that goes
when the worker's database connection goes (a killed worker's does at once).

What another worker (a retried task, a resumed batch, an overlapping run) finds:

- unsent, no ``sending_started_at``: nothing reached the mail server; sends it.
- ``sending_started_at`` set, sending lock held: a live worker is sending it;
  passes it over.
- ``sending_started_at`` set, sending lock free, not sent: a worker died in
  steps 2 or 3, perhaps after the server took the message. Email has no
  two-phase commit, so it sends it again (one digest too many beats one too
  few), marks it ``possibly_sent_twice`` and, once sent, counts it in the
  run's ``possibly_sent_twice``. The window for a real repeat is the
  milliseconds of step 3. Both copies carry the same ``Message-ID``, made from
  the councillor and week, so mail systems that remember ids drop the second.
- ``sent_at`` set: passes it over.

When the send fails the error is kept, ``sending_started_at`` emptied and the
digest tried again after a backoff (5, 10, 20, 40 minutes); after
``MAX_ATTEMPTS`` it is given up (``failed_at``). The rest of the batch still
goes. A worker dying leaves its digests to the hourly job
(``runs.resume_pending``), once its run's lease is over.

A run with digests waiting to be tried again is not finished: ``finished_at``
is set when each of its digests is sent or given up.
"""

import contextlib
import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass
from smtplib import SMTPException
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, Subquery
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

# The first key of the digests' sending locks (PostgreSQL advisory locks), the
# second being the digest's id: "cd" in ASCII, to keep clear of other locks.
SENDING_LOCKS = 0x6364


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
    rendered and stored; then sent as one email (plain text with an HTML
    alternative); then marked sent (see the module docstring for why in three steps).
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
        mailer = get_connection()
        try:
            for candidate in waiting:
                result = _send_one(candidate.pk, candidate.councillor, context, mailer)
                setattr(outcome, result.kind, getattr(outcome, result.kind) + 1)
                if result.kind == "retrying":
                    retries[result.retry_at].append(candidate.pk)
        finally:
            _close_quietly(mailer)
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


@contextlib.contextmanager
def sending_lock(digest_id):
    """Yield whether this worker now holds the digest's sending lock; release it after.

    A PostgreSQL session lock: it outlives transactions and goes with the database
    connection, so a killed worker's is released at once. On SQLite (development, one
    writer anyway) it is always this worker's.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [SENDING_LOCKS, digest_id])
        (held,) = cursor.fetchone()
    try:
        yield held
    finally:
        if held:
            # A connection that has gone took the lock with it.
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [SENDING_LOCKS, digest_id])


def _send_one(digest_id, councillor, context, mailer):
    with sending_lock(digest_id) as mine:
        if not mine:
            return _Result("passed_over")  # another worker is sending it now
        handed_over = _hand_over(digest_id, councillor, context)
        if isinstance(handed_over, _Result):
            return handed_over
        claimed, message = handed_over
        # From here until _record_sent commits, a dead worker leaves the digest to
        # be sent again and counted as possibly sent twice.
        try:
            mailer.open()  # again, if an earlier failure closed it
            if not mailer.send_messages([message]):
                raise SMTPException("The mail server did not take the message.")
        except SoftTimeLimitExceeded:
            raise  # out of time: the hourly job resumes this one and the rest
        except Exception as error:
            # Whatever went wrong with this councillor's digest, the others still go.
            logger.exception("Could not send digest %s to councillor %s", digest_id, councillor.pk)
            _close_quietly(mailer)
            with transaction.atomic():
                return _record_failure(claimed, error)
        _record_sent(claimed)
        return _Result("sent")


@transaction.atomic
def _hand_over(digest_id, councillor, context):
    """Claim the digest, build it and store it as about to be sent; the claimed ``Digest``
    and its email, or a ``_Result`` when there is nothing to send."""
    claimed = (
        Digest.objects.select_for_update(skip_locked=True)
        .filter(_ready(context.now), pk=digest_id)
        .first()
    )
    if claimed is None:
        return _Result("passed_over")
    if claimed.sending_started_at is not None:
        # An earlier worker stopped after handing it over: the server may have taken it.
        claimed.possibly_sent_twice = True
    try:
        with transaction.atomic():
            content = digest.build(councillor, context, week=claimed.week)
            rendered = render.render(content)
            message = _message(councillor, claimed.week, content, rendered)
    except SoftTimeLimitExceeded:
        raise
    except Exception as error:
        logger.exception("Could not build digest %s for councillor %s", digest_id, councillor.pk)
        return _record_failure(claimed, error)
    subject_length = Digest._meta.get_field("subject").max_length
    claimed.sending_started_at = timezone.now()
    claimed.subject = rendered.subject[:subject_length]
    claimed.text = rendered.text
    claimed.html = rendered.html
    claimed.opportunity_count = content.opportunity_count
    claimed.save(
        update_fields=[
            "sending_started_at",
            "possibly_sent_twice",
            "subject",
            "text",
            "html",
            "opportunity_count",
        ]
    )
    return claimed, message


def message_id(councillor, week):
    """The digest's ``Message-ID``: the same for every copy of one councillor's week, so
    mail systems drop a copy sent again, and unique to it."""
    domain = urlsplit(settings.SITE_URL).hostname
    return f"<digest-{week}-{councillor.pk}@{domain}>"


def _message(councillor, week, content, rendered):
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        to=[councillor.email],
        headers={
            "Message-ID": message_id(councillor, week),
            # RFC 8058: mail programs can offer their own one-click unsubscribe button.
            "List-Unsubscribe": f"<{content.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


@transaction.atomic
def _record_sent(claimed):
    # Two one-row updates, committed at once: the window in which a dead worker
    # leaves a digest to go twice. What was sent is stored already (_hand_over).
    Digest.objects.filter(pk=claimed.pk).update(
        sent_at=timezone.now(),  # the mail server has just accepted it
        attempts=F("attempts") + 1,
        next_attempt_at=None,
    )
    _its_run(claimed).update(
        sent=F("sent") + 1,
        possibly_sent_twice=F("possibly_sent_twice") + int(claimed.possibly_sent_twice),
    )


def _its_run(claimed):
    # The run the digest belongs to now: a manual run may have taken it over meanwhile.
    return DigestRun.objects.filter(
        pk=Subquery(Digest.objects.filter(pk=claimed.pk).values("run_id"))
    )


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
        # The server said no, or it was never reached: nothing went this time.
        sending_started_at=None,
        possibly_sent_twice=claimed.possibly_sent_twice,
    )
    if given_up:
        _its_run(claimed).update(failed=F("failed") + 1)
        return _Result("failed")
    return _Result("retrying", retry_at)


def _close_quietly(mailer):
    with contextlib.suppress(OSError):  # the server had gone already
        mailer.close()


def finish_if_done(run_id):
    """Mark the run finished if none of its digests is waiting to be sent."""
    if run_id is None or Digest.objects.filter(PENDING, run_id=run_id).exists():
        return
    DigestRun.objects.filter(pk=run_id, finished_at__isnull=True).update(finished_at=timezone.now())
