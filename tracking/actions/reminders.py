"""The emails a tracking round sends: on opening, before the deadline, and after it if late.

Each email goes at most once per round, person and kind. Before sending, a
``Reminder`` row is claimed (inserted: the table is unique on round, user and
kind) in the same transaction as the email is sent, inside a savepoint:

- the send raises anything: the claim is rolled back, the failure is logged and
  recorded (a ``ReminderFailure`` row, for an operator to see) and the next run
  tries again;
- another run claimed it first: the insert raises ``IntegrityError`` (on
  PostgreSQL it waits for that run to commit or roll back) and this one skips;
- the send succeeds but the commit fails: the email may go twice. Email has no
  two-phase commit, and one email too many beats one too few.

A failed email never stops the others, so one bad address cannot block a whole
round, and an officer opening a round never sees an error page because the
mail server is down. Nothing retries a failed opening email by itself; the
reminders before the deadline reach whoever it missed.
"""

import datetime
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import batch
from portal.formats import LONDON
from tracking import emails
from tracking.models import Reminder, ReminderFailure, TrackingRound

logger = logging.getLogger(__name__)

Kind = Reminder.Kind

# Reminders before the deadline, nearest first: days before the deadline's date.
BEFORE_DEADLINE = {Kind.ONE_WEEK: 7, Kind.FOUR_WEEKS: 28}
# The officer is told about missing assessments no later than this many days
# after the deadline (and not after the meeting): a job that was down for a
# while still catches up, but a first run on an old database does not nag
# about rounds long finished.
LATE_NOTICE_DAYS = 14


def _local_date(moment):
    return timezone.localtime(moment, LONDON).date()


def _outstanding(tracking_round, *, unsubmitted_only):
    """Each active responsible person with their assessments in the round the committee
    has not yet decided (only those not yet submitted, if asked), ordered by person."""
    assessments = (
        tracking_round.assessments.filter(decided_at__isnull=True)
        .select_related("recommendation")
        .prefetch_related("recommendation__responsible_people", "recommendation__target_dates")
    )
    if unsubmitted_only:
        assessments = assessments.awaiting_submission()
    by_person = {}
    for assessment in assessments:
        for person in assessment.recommendation.responsible_people.all():
            if person.is_active:
                by_person.setdefault(person, []).append(assessment)
    return sorted(by_person.items(), key=lambda item: item[0].pk)


def _claim_and_send(tracking_round, user, kind, send):
    """Claim the (round, user, kind) reminder and call ``send`` in one savepoint.

    True if the email went; False if it was claimed already or the send failed
    (for any reason: a mail server's refusal, an address that cannot be
    written, a bug in building the email), which is recorded.
    """
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    Reminder.objects.create(round=tracking_round, user=user, kind=kind)
            except IntegrityError:
                return False
            send()
            ReminderFailure.objects.filter(
                round=tracking_round, user=user, kind=kind, failed_attempts__gt=0
            ).update(failed_attempts=0)
    except SoftTimeLimitExceeded:  # out of time: not this email's fault
        raise
    except Exception as error:
        logger.exception(
            "Could not send the %s email for tracking round %s to user %s; the next run will retry",
            kind,
            tracking_round.pk,
            user.pk,
        )
        failure, _created = ReminderFailure.objects.get_or_create(
            round=tracking_round, user=user, kind=kind
        )
        batch.record_failure(ReminderFailure.objects.filter(pk=failure.pk), error)
        return False
    return True


def _send_to_each(tracking_round, kind, recipients, send):
    """``send(tracking_round, user, assessments)`` for each recipient not yet sent ``kind``."""
    already = set(
        Reminder.objects.filter(round=tracking_round, kind=kind).values_list("user_id", flat=True)
    )
    sent = 0
    for user, assessments in recipients:
        if user.pk in already:
            continue
        if _claim_and_send(
            tracking_round, user, kind, lambda u=user, a=assessments: send(tracking_round, u, a)
        ):
            sent += 1
    return sent


def send_round_opened(round_id):
    """Email each responsible person once about a round that has opened; returns how many went.

    Each gets one email listing their recommendations in the round, with a link
    to each assessment, the deadline and the meeting. Running it again sends
    nothing more, except to someone named since, or whose email failed. A round
    whose deadline had already passed when this runs (a past round being
    recorded) sends nothing: there is nothing left to ask for on time, and the
    officer's late notice covers anything missing.
    """
    tracking_round = (
        TrackingRound.objects.select_related("inquiry", "committee").filter(pk=round_id).first()
    )
    if tracking_round is None or tracking_round.deadline_passed:
        return 0
    return _send_to_each(
        tracking_round,
        Kind.OPENED,
        _outstanding(tracking_round, unsubmitted_only=False),
        emails.send_round_opened,
    )


def _kind_due(tracking_round, *, today, now):
    """Which reminder, if any, ``tracking_round`` is due on ``today``, and the day its window
    opened (``None`` for the late notice)."""
    deadline_day = _local_date(tracking_round.submission_deadline)
    if tracking_round.submission_deadline > now and today <= deadline_day:
        for kind, days in BEFORE_DEADLINE.items():
            window_starts = deadline_day - datetime.timedelta(days=days)
            if today >= window_starts:
                return kind, window_starts
        return None, None
    last_notice_day = min(
        deadline_day + datetime.timedelta(days=LATE_NOTICE_DAYS), tracking_round.meeting_on
    )
    if deadline_day < today <= last_notice_day:
        return Kind.LATE, None
    return None, None


def _told_of_opening_since(tracking_round, day):
    """Who got the email saying the round opened on or after ``day``: it said the same."""
    since = datetime.datetime.combine(day, datetime.time.min, tzinfo=LONDON)
    return set(
        Reminder.objects.filter(
            round=tracking_round, kind=Kind.OPENED, sent_at__gte=since
        ).values_list("user_id", flat=True)
    )


def _send_late_notice(tracking_round):
    officer = tracking_round.inquiry.officer
    missing = list(
        tracking_round.assessments.awaiting_submission()
        .filter(decided_at__isnull=True)
        .select_related("recommendation")
        .prefetch_related("recommendation__responsible_people", "recommendation__target_dates")
    )
    if not missing or not officer.is_active:
        return 0
    return _send_to_each(tracking_round, Kind.LATE, [(officer, missing)], emails.send_late_notice)


def send_reminders(*, today=None):
    """The daily job: reminders before each deadline and late notices after it.

    For a round whose deadline has not passed, each responsible person with an
    assessment still to submit is reminded four weeks before the deadline's date
    and again one week before, listing only what they still owe. Inside the last
    week only the one-week reminder goes. Someone sent the email saying the round
    opened inside a window gets no reminder for that window: it said the same.
    From the day after the deadline until the meeting (at most
    ``LATE_NOTICE_DAYS`` days), the inquiry's scrutiny officer is told once which
    assessments are missing and who answers for them. Each email goes once (see
    the module docstring). Returns the number sent, by kind.
    """
    now = timezone.now()
    today = today or timezone.localdate(now)
    earliest = datetime.datetime.combine(
        today - datetime.timedelta(days=LATE_NOTICE_DAYS + 1), datetime.time.min, tzinfo=LONDON
    )
    rounds = (
        TrackingRound.objects.filter(
            submission_deadline__gte=earliest,
            assessments__submitted_at__isnull=True,
            assessments__decided_at__isnull=True,
        )
        .distinct()
        .select_related("inquiry__officer", "committee")
        .order_by("submission_deadline", "pk")
    )
    sent = {Kind.FOUR_WEEKS: 0, Kind.ONE_WEEK: 0, Kind.LATE: 0}
    for tracking_round in rounds:
        kind, window_starts = _kind_due(tracking_round, today=today, now=now)
        if kind == Kind.LATE:
            sent[kind] += _send_late_notice(tracking_round)
        elif kind is not None:
            told = _told_of_opening_since(tracking_round, window_starts)
            sent[kind] += _send_to_each(
                tracking_round,
                kind,
                [
                    (user, assessments)
                    for user, assessments in _outstanding(tracking_round, unsubmitted_only=True)
                    if user.pk not in told
                ],
                emails.send_deadline_reminder,
            )
    return sent
