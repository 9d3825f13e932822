"""Sending the weekly digest: each councillor gets exactly one per ISO week.

``start_run`` claims one ``Digest`` row per councillor and week. The table is
unique on (councillor, week), so when two beat processes fire at once, or
someone runs the command while the beat's run is going, the database decides
who owns each row and no councillor gets a second one. The rows are split into
batches of ``BATCH_SIZE``, each sent by a Celery task calling ``send_batch``.

``send_batch`` sends each digest in a transaction that locks its row
(``select_for_update(skip_locked=True)``) if it is still unsent: another task
with the same row (a retried task, a resumed batch, an overlapping run) skips
a row that is locked and finds a sent one sent. ``sent_at`` is written, in that
transaction, once the mail server has accepted the message.

- The send fails: the error is kept and the digest tried again after a
  backoff (5, 10, 20, 40 minutes); after ``MAX_ATTEMPTS`` it is given up
  (``failed_at``). The rest of the batch still goes.
- The worker dies mid-send: the transaction rolls back, leaving the row
  unsent and unlocked. The hourly job (``resume_pending``) sends it once its
  run's lease (``LEASE``) is over.
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
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from smtplib import SMTPException

from celery.exceptions import SoftTimeLimitExceeded
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.emails import absolute_url
from councillors import digest, render, tasks
from councillors.digest import iso_week
from councillors.models import DEFAULT_SEND_AT, DEFAULT_WEEKDAY, Digest, DigestPreference, DigestRun
from organisations.models import Councillor
from portal.formats import LONDON, date_in_words

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
MAX_ATTEMPTS = 5
FIRST_RETRY_AFTER = datetime.timedelta(minutes=5)
# Below the broker's visibility timeout (an hour), so a delayed retry task is not redelivered.
LONGEST_RETRY_AFTER = datetime.timedelta(minutes=50)
# A digest whose batch has not sent it this long after it was claimed is resumed: its
# worker died, or its task was lost. Long enough for a queue to drain in a normal run.
LEASE = datetime.timedelta(minutes=10)
# A digest still unsent this long after it was claimed is given up rather than sent
# late (after an outage, say): next week's will be along.
GIVE_UP_AFTER = datetime.timedelta(days=2)

WEEK = re.compile(r"(\d{4})-W(\d{1,2})")

# Waiting to be sent: neither sent nor given up.
PENDING = Q(sent_at__isnull=True, failed_at__isnull=True)


def parse_week(text):
    """The Monday of ISO week ``text`` (``2026-W48``); ``ValueError`` saying what is wrong."""
    match = WEEK.fullmatch(text.strip().upper())
    if match is None:
        raise ValueError(
            _("Give the week as the year, -W and the week number, like 2026-W48, not “%(text)s”.")
            % {"text": text}
        )
    year, week = int(match[1]), int(match[2])
    try:
        return datetime.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(
            _("%(year)s has no week %(week)s: ISO weeks run from 1 to 52, or 53 in some years.")
            % {"year": year, "week": week}
        ) from None


def week_name(monday):
    """``2026-W48`` for the week starting ``monday``."""
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def due_at(councillor, monday):
    """When ``councillor``'s digest is due in the week starting ``monday`` (aware, UK time)."""
    try:
        preference = councillor.digest_preference
    except DigestPreference.DoesNotExist:
        weekday, send_at = DEFAULT_WEEKDAY, DEFAULT_SEND_AT
    else:
        weekday, send_at = preference.weekday, preference.send_at
    day = monday + datetime.timedelta(days=weekday)
    return datetime.datetime.combine(day, send_at, tzinfo=LONDON)


def _candidates(*, week, monday, now, forced, only_email):
    """The councillors who should get ``week``'s digest, each annotated with ``ward_count``.

    Those with the digest on and no digest claimed this week whose chosen day and time
    has come; when ``forced``, every one with it on who has not been sent this week's,
    whatever day they chose.
    """
    councillors = Councillor.objects.filter(
        Q(digest_preference__isnull=True) | Q(digest_preference__enabled=True)
    )
    if only_email:
        councillors = councillors.filter(email__iexact=only_email.strip())
    this_week = Digest.objects.filter(councillor=OuterRef("pk"), week=week)
    if forced:
        councillors = councillors.exclude(Exists(this_week.filter(sent_at__isnull=False)))
    else:
        councillors = councillors.exclude(Exists(this_week))
    councillors = (
        councillors.select_related("digest_preference")
        .annotate(ward_count=Count("wards"))
        .order_by("pk")
    )
    if forced:
        return list(councillors)
    return [councillor for councillor in councillors if due_at(councillor, monday) <= now]


def _problems(councillors):
    problems = []
    for councillor in councillors:
        if not councillor.email:
            problem = _("No email address")
        elif not councillor.ward_count:
            problem = _("No wards: sent without the ward section")
        else:
            continue
        problems.append(
            {"councillor": councillor.full_name, "councillor_id": councillor.pk, "problem": problem}
        )
    return problems


def _councillors_with_email(only_email):
    matching = list(Councillor.objects.filter(email__iexact=only_email.strip()))
    if not matching:
        raise ValueError(
            _("No councillor has the email address %(email)s.") % {"email": only_email.strip()}
        )
    return matching


def _not_eligible(councillors, week):
    """Why ``councillors``, asked for by email address, get nothing: for the run's record."""
    problems = []
    for councillor in councillors:
        if Digest.objects.filter(councillor=councillor, week=week, sent_at__isnull=False).exists():
            problem = _("Already sent the digest for %(week)s") % {"week": week}
        else:
            problem = _("Has turned the weekly digest off")
        problems.append(
            {"councillor": councillor.full_name, "councillor_id": councillor.pk, "problem": problem}
        )
    return problems


def _batches(ids):
    return [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]


def start_run(*, now=None, week=None, only_email=None, dry_run=False, enqueue=True):
    """Start sending the weekly digest; returns the ``DigestRun``, or ``None`` if nobody is due.

    Without ``week`` (the hourly job): the councillors of the current ISO week whose
    chosen day and time has come and who have no digest claimed this week. With
    ``week`` (``2026-W48``, a manual run): every councillor with the digest on who has
    not been sent that week's, whatever day they chose; their unsent digests of that
    week are taken over and tried once more, even ones given up. ``only_email``
    restricts the run to the councillor with that email address.

    Claims one digest row per councillor and enqueues their batches once the claim is
    committed (unless ``enqueue`` is false: the caller sends them, see
    ``pending_batches``). A councillor without an email address is skipped, without a
    ward is sent the digest anyway: both are listed in the run's ``problems``. A dry
    run builds and renders each digest, then records the run and nothing else.

    Raises ``ValueError`` for a badly written week, a week not started yet, or an
    email address no councillor has.
    """
    now = now or timezone.now()
    forced = week is not None
    monday = parse_week(week) if forced else parse_week(iso_week(now))
    week = week_name(monday)
    if monday > timezone.localtime(now, LONDON).date():
        raise ValueError(_("%(week)s has not started yet.") % {"week": week})
    asked_for = _councillors_with_email(only_email) if only_email else []
    candidates = _candidates(
        week=week, monday=monday, now=now, forced=forced, only_email=only_email
    )
    if not candidates and not forced:
        return None
    ignored = _not_eligible(asked_for, week) if asked_for and not candidates else []
    if dry_run:
        return _dry_run(week, candidates, ignored, now=now)
    with transaction.atomic():
        run = _claim(week, candidates, forced=forced)
        if run is None:
            return None
        run.problems += ignored
        run.save(update_fields=["problems"])
        if enqueue:
            for batch in pending_batches(run):
                tasks.send_digest_batch.delay_on_commit(run.pk, batch)
    _finish_if_done(run.pk)
    return run


def _dry_run(week, candidates, ignored, *, now):
    with_email = [councillor for councillor in candidates if councillor.email]
    for _councillor, content in digest.build_all(with_email, now=now):
        render.render(content)
    return DigestRun.objects.create(
        week=week,
        dry_run=True,
        eligible=len(candidates),
        skipped=len(candidates) - len(with_email),
        problems=_problems(candidates) + ignored,
        finished_at=timezone.now(),
    )


def _claim(week, candidates, *, forced):
    """A run owning the digest rows of those ``candidates`` no other run owns; ``None`` if
    it owns none and was not ``forced``. The unique (councillor, week) row decides."""
    run = DigestRun.objects.create(week=week)
    claimed_at = timezone.now()
    Digest.objects.bulk_create(
        [
            Digest(councillor=councillor, week=week, run=run, claimed_at=claimed_at)
            if councillor.email
            else Digest(
                councillor=councillor,
                week=week,
                run=run,
                claimed_at=claimed_at,
                failed_at=claimed_at,
                last_error=_("No email address"),
            )
            for councillor in candidates
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    if forced:
        _take_over(week, candidates, run)
    owned = set(Digest.objects.filter(run=run).values_list("councillor_id", flat=True))
    mine = [councillor for councillor in candidates if councillor.pk in owned]
    if not mine and not forced:
        run.delete()  # another run got there first: nothing for this one to record
        return None
    run.eligible = len(mine)
    run.skipped = sum(1 for councillor in mine if not councillor.email)
    run.problems = _problems(mine)
    run.save(update_fields=["eligible", "skipped", "problems"])
    return run


def _take_over(week, candidates, run):
    """Move the candidates' unsent digests of ``week`` to ``run``, to be tried once more."""
    ids = [councillor.pk for councillor in candidates]
    unsent = Digest.objects.filter(week=week, sent_at__isnull=True).exclude(run=run)
    earlier_runs = set()
    for start in range(0, len(ids), 500):
        chunk = unsent.filter(councillor_id__in=ids[start : start + 500])
        earlier_runs.update(chunk.values_list("run_id", flat=True))
        # The councillors without an email address stay given up.
        chunk.filter(councillor__email="").update(run=run)
        chunk.exclude(councillor__email="").update(run=run, failed_at=None, next_attempt_at=None)
    for run_id in earlier_runs:
        _finish_if_done(run_id)


def pending_batches(run):
    """The ids of ``run``'s digests waiting to be sent, in lists of at most ``BATCH_SIZE``."""
    ids = list(Digest.objects.filter(PENDING, run=run).order_by("pk").values_list("pk", flat=True))
    return _batches(ids)


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
        _finish_if_done(finished_run_id)
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
                content = _for_week(digest.build(councillor, context), claimed.week)
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


def _for_week(content, week):
    """``content`` labelled as ``week``'s digest: a retry or a manual run can send a week's
    digest after that week has ended."""
    if content.week == week:
        return content
    return replace(
        content,
        week=week,
        week_label=_("Week beginning %(date)s") % {"date": date_in_words(parse_week(week))},
        web_url=absolute_url(reverse("councillors:digest", args=[week])),
    )


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


def _finish_if_done(run_id):
    """Mark the run finished if none of its digests is waiting to be sent."""
    if run_id is None or Digest.objects.filter(PENDING, run_id=run_id).exists():
        return
    DigestRun.objects.filter(pk=run_id, finished_at__isnull=True).update(finished_at=timezone.now())


def resume_pending(*, now=None):
    """Enqueue again the digests nobody is sending; returns how many.

    Those due for another try, and those still unsent ``LEASE`` after they were
    claimed (their worker died or their task was lost). Digests still unsent
    ``GIVE_UP_AFTER`` their claim are given up instead. Runs with nothing left to
    send are marked finished.
    """
    now = now or timezone.now()
    _give_up_stale(now)
    due = (
        Digest.objects.filter(PENDING, claimed_at__gte=now - GIVE_UP_AFTER)
        .filter(
            Q(next_attempt_at__isnull=True, claimed_at__lte=now - LEASE)
            | Q(next_attempt_at__lte=now)
        )
        .order_by("run_id", "pk")
        .values_list("run_id", "pk")
    )
    by_run = defaultdict(list)
    for run_id, digest_id in due:
        by_run[run_id].append(digest_id)
    for run_id, ids in by_run.items():
        for batch in _batches(ids):
            tasks.send_digest_batch.delay_on_commit(run_id, batch)
    for run_id in DigestRun.objects.filter(finished_at__isnull=True).values_list("pk", flat=True):
        _finish_if_done(run_id)
    return sum(len(ids) for ids in by_run.values())


@transaction.atomic
def _give_up_stale(now):
    stale = list(
        Digest.objects.select_for_update(skip_locked=True).filter(
            PENDING, claimed_at__lt=now - GIVE_UP_AFTER
        )
    )
    for stale_digest in stale:
        stale_digest.failed_at = timezone.now()
        stale_digest.next_attempt_at = None
        given_up = _("Not sent within two days of being claimed: given up")
        stale_digest.last_error = "\n".join(filter(None, [stale_digest.last_error, given_up]))
        stale_digest.save(update_fields=["failed_at", "next_attempt_at", "last_error"])
        DigestRun.objects.filter(pk=stale_digest.run_id).update(failed=F("failed") + 1)
