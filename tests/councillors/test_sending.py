"""Sending the weekly digest: once per councillor and week, whatever goes wrong.

Locmem email and eager Celery; the real SMTP server and worker are in
test_sending_integration.py.
"""

import threading
from datetime import UTC, datetime, time, timedelta
from smtplib import SMTPRecipientsRefused

import pytest
from celery.schedules import crontab
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.utils import timezone

from councillors import digest, tasks
from councillors.actions import runs, sending
from councillors.models import Digest, DigestPreference, DigestRun, Weekday
from tests.councillors.conftest import NOW, received
from tests.factories import CouncillorFactory

pytestmark = pytest.mark.django_db

WEEK = "2026-W49"  # NOW's week


class WorkerDied(BaseException):
    """Stands for SIGKILL: not an ``Exception``, so no ``except`` in the code stops it."""


class TroubleBackend(locmem.EmailBackend):
    """Locmem, except that the mail server refuses the ``refused`` addresses, and the worker
    dies while sending to the ``dies_before`` ones (the message is lost) or just after
    the server accepted a message to the ``dies_after`` ones. ``meanwhile``, if set, is
    called with each message as it is handed over."""

    refused = set()
    dies_before = set()
    dies_after = set()
    meanwhile = None

    def send_messages(self, messages):
        for message in messages:
            (address,) = message.to
            if TroubleBackend.meanwhile:
                TroubleBackend.meanwhile(message)
            if address in self.refused:
                raise SMTPRecipientsRefused({address: (550, b"No such mailbox")})
            if address in self.dies_before:
                raise WorkerDied
        sent = super().send_messages(messages)
        if any(message.to[0] in self.dies_after for message in messages):
            raise WorkerDied
        return sent


@pytest.fixture
def trouble(settings):
    settings.EMAIL_BACKEND = f"{__name__}.TroubleBackend"
    yield TroubleBackend
    for addresses in (
        TroubleBackend.refused,
        TroubleBackend.dies_before,
        TroubleBackend.dies_after,
    ):
        addresses.clear()
    TroubleBackend.meanwhile = None


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """``start_run``, with its batches sent (eagerly) once its claim is committed."""

    def start(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return runs.start_run(**kwargs)

    return start


@pytest.fixture
def resume(django_capture_on_commit_callbacks):
    def resume(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return runs.resume_pending(**kwargs)

    return resume


@pytest.fixture
def councillors(now, live_opportunities):
    """Three councillors with a ward each and the default preferences."""
    return CouncillorFactory.create_batch(3)


def everyone(councillors):
    return {councillor.email: 1 for councillor in councillors}


def test_the_hourly_job_is_scheduled_in_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-weekly-digest"]
    assert entry["task"] == tasks.start_weekly_digest.name
    assert entry["schedule"] == crontab(minute=0)


def test_each_councillor_gets_one_email_with_text_and_html_parts(councillors, start):
    run = start()

    assert received() == everyone(councillors)
    message = next(m for m in mail.outbox if m.to == [councillors[0].email])
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert "Youth club in Aston" in message.body and "Youth club in Aston" in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stored = Digest.objects.get(councillor=councillors[0], week=WEEK)
    assert stored.run == run
    assert stored.sent_at == NOW
    assert stored.attempts == 1
    assert (stored.subject, stored.text, stored.html) == (message.subject, message.body, html)
    assert stored.opportunity_count == 3


def test_the_run_record_counts_and_finishes(councillors, start):
    run = start()

    run.refresh_from_db()
    assert (run.week, run.eligible, run.sent, run.failed, run.skipped) == (WEEK, 3, 3, 0, 0)
    assert run.problems == []
    assert not run.dry_run
    assert run.finished_at == NOW
    assert run.duration == timedelta(0)


def test_the_hourly_job_run_again_in_the_week_sends_nothing_more(
    councillors, start, time_machine, django_capture_on_commit_callbacks
):
    start()
    assert start() is None
    time_machine.move_to(NOW + timedelta(days=3), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.start_weekly_digest.delay()

    assert received() == everyone(councillors)
    assert DigestRun.objects.count() == 1


def test_a_batch_sent_twice_sends_each_digest_once(councillors):
    run = runs.start_run(enqueue=False)
    (batch,) = runs.pending_batches(run)

    first = sending.send_batch(run_id=run.pk, digest_ids=batch)
    second = sending.send_batch(run_id=run.pk, digest_ids=batch)

    assert (first.sent, second.sent, second.passed_over) == (3, 0, 3)
    assert received() == everyone(councillors)


def test_a_batch_another_worker_sends_meanwhile_is_not_sent_again(councillors, monkeypatch):
    run = runs.start_run(enqueue=False)
    (batch,) = runs.pending_batches(run)
    load_context = digest.load_context

    def another_worker_sends_the_batch_first(**kwargs):
        monkeypatch.setattr(digest, "load_context", load_context)
        sending.send_batch(run_id=run.pk, digest_ids=batch)
        return load_context(**kwargs)

    monkeypatch.setattr(digest, "load_context", another_worker_sends_the_batch_first)
    outcome = sending.send_batch(run_id=run.pk, digest_ids=batch)

    assert (outcome.sent, outcome.passed_over) == (0, 3)
    assert received() == everyone(councillors)
    run.refresh_from_db()
    assert run.sent == 3


def test_a_run_is_split_into_batches(councillors, monkeypatch):
    monkeypatch.setattr(runs, "BATCH_SIZE", 2)
    run = runs.start_run(enqueue=False)

    assert [len(batch) for batch in runs.pending_batches(run)] == [2, 1]


def test_overlapping_runs_send_each_councillor_one_digest(
    councillors, start, django_capture_on_commit_callbacks
):
    # The hourly run claims the digests, but its batches have not gone yet when
    # someone starts a manual run for the same week.
    with django_capture_on_commit_callbacks() as hourly_batches:
        hourly = runs.start_run()
    manual = start(week=WEEK)
    for send_hourly_batch in hourly_batches:
        send_hourly_batch()

    assert received() == everyone(councillors)
    hourly.refresh_from_db()
    manual.refresh_from_db()
    assert (hourly.eligible, hourly.sent, manual.eligible, manual.sent) == (3, 0, 3, 3)
    assert hourly.finished_at is not None


def test_a_councillor_who_turned_the_digest_off_gets_none(councillors, start):
    DigestPreference.objects.create(councillor=councillors[0], enabled=False)

    run = start(week=WEEK)

    assert councillors[0].email not in received()
    assert run.eligible == 2


def test_the_digest_comes_on_the_day_and_at_the_time_chosen(councillors, start, time_machine):
    DigestPreference.objects.create(
        councillor=councillors[0], weekday=Weekday.WEDNESDAY, send_at=time(9, 0)
    )
    start()
    assert councillors[0].email not in received()

    # Wednesday 2 December 2026, 8:59am, then 9am, UK time (GMT).
    time_machine.move_to(datetime(2026, 12, 2, 8, 59, tzinfo=UTC), tick=False)
    assert start() is None
    time_machine.move_to(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), tick=False)
    run = start()

    assert run.eligible == 1
    assert received() == everyone(councillors)


def test_the_time_chosen_is_uk_time_in_summer(start, time_machine):
    councillor = CouncillorFactory()
    DigestPreference.objects.create(councillor=councillor, send_at=time(7, 0))
    # Monday 29 June 2026: 7am in the UK (BST) is 6am UTC.
    time_machine.move_to(datetime(2026, 6, 29, 5, 59, tzinfo=UTC), tick=False)
    assert start() is None
    time_machine.move_to(datetime(2026, 6, 29, 6, 0, tzinfo=UTC), tick=False)
    assert start().week == "2026-W27"


def test_a_manual_run_sends_now_whatever_day_was_chosen(councillors, start):
    DigestPreference.objects.create(councillor=councillors[0], weekday=Weekday.FRIDAY)

    start(week=WEEK)

    assert received() == everyone(councillors)


def test_a_councillor_without_an_email_address_is_skipped_and_reported(councillors, start):
    nobody = CouncillorFactory(full_name="Sam Nomail", email="")

    run = start()

    assert received() == everyone(councillors)
    run.refresh_from_db()
    assert (run.eligible, run.sent, run.skipped, run.failed) == (4, 3, 1, 0)
    assert run.problems == [
        {"councillor": "Sam Nomail", "councillor_id": nobody.pk, "problem": "No email address"}
    ]
    assert run.finished_at is not None
    # Recorded for the week, so the hourly job does not report them every hour.
    assert Digest.objects.get(councillor=nobody).last_error == "No email address"
    assert start() is None


def test_a_councillor_without_wards_gets_the_digest_and_is_reported(councillors, start):
    wardless = CouncillorFactory(full_name="Pat Noward", wards=[])

    run = start()

    assert received()[wardless.email] == 1
    run.refresh_from_db()
    assert run.sent == 4
    assert run.problems == [
        {
            "councillor": "Pat Noward",
            "councillor_id": wardless.pk,
            "problem": "No wards: sent without the ward section",
        }
    ]


def test_a_refused_address_does_not_stop_the_others_and_is_tried_again_later(
    councillors, start, resume, trouble, time_machine
):
    trouble.refused.add(councillors[1].email)

    run = start()

    assert received() == {councillors[0].email: 1, councillors[2].email: 1}
    failed = Digest.objects.get(councillor=councillors[1])
    assert failed.sent_at is None and failed.failed_at is None
    assert failed.attempts == 1
    assert failed.last_error.startswith("SMTPRecipientsRefused")
    assert "No such mailbox" in failed.last_error
    assert failed.next_attempt_at == NOW + timedelta(minutes=5)
    run.refresh_from_db()
    assert (run.sent, run.failed, run.finished_at) == (2, 0, None)

    trouble.refused.clear()
    assert resume() == 0  # not due yet
    time_machine.move_to(failed.next_attempt_at, tick=False)
    assert resume() == 1
    assert resume() == 0

    assert received() == everyone(councillors)
    failed.refresh_from_db()
    assert failed.sent_at == timezone.now()
    assert failed.attempts == 2
    assert "No such mailbox" in failed.last_error  # kept
    run.refresh_from_db()
    assert (run.sent, run.failed, run.finished_at) == (3, 0, timezone.now())
    # The server said no the first time: nothing could have been delivered twice.
    assert run.possibly_sent_twice == 0
    assert not failed.possibly_sent_twice


def test_a_digest_refused_every_time_is_given_up_after_backing_off(
    councillors, start, resume, trouble, time_machine
):
    trouble.refused.add(councillors[1].email)
    run = start()
    waits = []
    for _attempt in range(1, sending.MAX_ATTEMPTS):
        failing = Digest.objects.get(councillor=councillors[1])
        waits.append(failing.next_attempt_at - timezone.now())
        time_machine.move_to(failing.next_attempt_at, tick=False)
        resume()

    assert waits == [timedelta(minutes=m) for m in (5, 10, 20, 40)]
    given_up = Digest.objects.get(councillor=councillors[1])
    assert given_up.attempts == sending.MAX_ATTEMPTS
    assert given_up.failed_at == timezone.now()
    assert given_up.next_attempt_at is None
    assert "No such mailbox" in given_up.last_error
    run.refresh_from_db()
    assert (run.sent, run.failed, run.finished_at) == (2, 1, timezone.now())
    time_machine.move_to(timezone.now() + timedelta(hours=1), tick=False)
    assert resume() == 0


def test_a_manual_run_tries_a_given_up_digest_once_more(
    councillors, start, resume, trouble, time_machine
):
    trouble.refused.add(councillors[1].email)
    start()
    for _attempt in range(1, sending.MAX_ATTEMPTS):
        time_machine.move_to(
            Digest.objects.get(councillor=councillors[1]).next_attempt_at, tick=False
        )
        resume()
    trouble.refused.clear()

    manual = start(week=WEEK)

    assert received() == everyone(councillors)
    manual.refresh_from_db()
    assert (manual.eligible, manual.sent) == (1, 1)


def test_a_worker_dying_mid_send_leaves_the_digest_to_be_sent_once_by_the_hourly_job(
    councillors, resume, trouble, time_machine, django_capture_on_commit_callbacks
):
    trouble.dies_before.add(councillors[1].email)
    run = runs.start_run(enqueue=False)
    (batch,) = runs.pending_batches(run)

    with pytest.raises(WorkerDied):
        sending.send_batch(run_id=run.pk, digest_ids=batch)

    assert received() == {councillors[0].email: 1}
    interrupted = Digest.objects.get(councillor=councillors[1])
    assert (interrupted.sent_at, interrupted.attempts) == (None, 0)  # rolled back
    trouble.dies_before.clear()
    assert resume() == 0  # its run's lease is not over: its worker may still be at it
    time_machine.move_to(NOW + runs.LEASE, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.start_weekly_digest.delay()  # the hourly job
    assert resume() == 0

    assert received() == everyone(councillors)
    run.refresh_from_db()
    assert (run.sent, run.finished_at) == (3, timezone.now())
    # The worker died while talking to the mail server: whether the server had taken
    # the message nobody can tell, so the run says it was possibly sent twice.
    assert run.possibly_sent_twice == 1


def test_a_worker_dying_after_the_mail_server_took_the_message_sends_it_again_and_counts_it(
    councillors, resume, trouble, time_machine
):
    # The one window the claim cannot close (see councillors.actions.sending): one
    # digest too many rather than one too few, with the same Message-ID, and counted.
    trouble.dies_after.add(councillors[0].email)
    run = runs.start_run(enqueue=False)
    (batch,) = runs.pending_batches(run)
    with pytest.raises(WorkerDied):
        sending.send_batch(run_id=run.pk, digest_ids=batch)
    trouble.dies_after.clear()

    time_machine.move_to(NOW + runs.LEASE, tick=False)
    resume()

    assert received() == {**everyone(councillors), councillors[0].email: 2}
    first, again = (m.message() for m in mail.outbox if m.to == [councillors[0].email])
    assert first["Message-ID"] == again["Message-ID"]
    twice = Digest.objects.get(councillor=councillors[0])
    assert twice.possibly_sent_twice
    assert not Digest.objects.exclude(pk=twice.pk).filter(possibly_sent_twice=True).exists()
    run.refresh_from_db()
    assert (run.sent, run.possibly_sent_twice, run.finished_at) == (3, 1, timezone.now())


def test_each_digest_has_a_message_id_from_its_councillor_and_week(councillors, start, settings):
    # Mail systems drop a second message with a Message-ID they have seen.
    settings.SITE_URL = "https://portal.example.gov.uk"
    start()
    start(week="2026-W48")

    message_ids = {(message.to[0], message.message()["Message-ID"]) for message in mail.outbox}
    assert message_ids == {
        (councillor.email, f"<digest-{week}-{councillor.pk}@portal.example.gov.uk>")
        for councillor in councillors
        for week in (WEEK, "2026-W48")
    }


@pytest.mark.django_db(transaction=True)
def test_what_is_sent_is_stored_and_committed_before_the_mail_server_is_handed_it(
    councillors, trouble
):
    # So that after the server takes the message only the send record is left to
    # commit: a worker dying there has milliseconds to do it in.
    seen = []

    def look_at_the_database(message):
        stored = Digest.objects.get(councillor__email=message.to[0])
        seen.append((connection.in_atomic_block, stored.sending_started_at, stored.html))

    trouble.meanwhile = look_at_the_database
    run = runs.start_run(enqueue=False)
    (batch,) = runs.pending_batches(run)
    sending.send_batch(run_id=run.pk, digest_ids=batch)

    assert len(seen) == 3
    for (in_transaction, started, stored_html), message in zip(seen, mail.outbox, strict=True):
        assert not in_transaction  # what the worker wrote so far is committed
        assert started is not None
        assert stored_html == message.alternatives[0][0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_digest_another_worker_is_handing_over_is_passed_over(councillors, trouble):
    run = runs.start_run(enqueue=False)
    (batch,) = runs.pending_batches(run)
    outcomes, started = [], threading.Event()

    def another_worker(message):
        # It runs the same batch (once) while this one talks to the mail server.
        if message.to == [councillors[0].email] and not started.is_set():
            started.set()
            worker = threading.Thread(target=send_the_batch_elsewhere)
            worker.start()
            worker.join(30)

    def send_the_batch_elsewhere():
        try:
            outcomes.append(sending.send_batch(run_id=run.pk, digest_ids=batch))
        finally:
            connection.close()

    trouble.meanwhile = another_worker
    outcome = sending.send_batch(run_id=run.pk, digest_ids=batch)

    (elsewhere,) = outcomes
    assert (elsewhere.sent, elsewhere.passed_over) == (2, 1)
    assert (outcome.sent, outcome.passed_over) == (1, 2)
    assert received() == everyone(councillors)
    run.refresh_from_db()
    assert (run.sent, run.possibly_sent_twice) == (3, 0)


def test_a_digest_left_unsent_for_two_days_is_given_up(councillors, resume, time_machine):
    run = runs.start_run(enqueue=False)  # and its batches were lost

    time_machine.move_to(NOW + runs.GIVE_UP_AFTER + timedelta(minutes=1), tick=False)
    assert resume() == 0

    assert mail.outbox == []
    assert Digest.objects.filter(failed_at__isnull=False).count() == 3
    assert "Not sent within two days" in Digest.objects.first().last_error
    run.refresh_from_db()
    assert (run.failed, run.finished_at) == (3, timezone.now())


def test_a_dry_run_renders_everything_and_sends_nothing(councillors, start):
    CouncillorFactory(email="")

    run = start(week=WEEK, dry_run=True)

    assert mail.outbox == []
    assert not Digest.objects.exists()
    assert (run.dry_run, run.eligible, run.skipped, run.sent) == (True, 4, 1, 0)
    assert run.finished_at is not None
    start()  # the real run still goes
    assert received() == everyone(councillors)


def test_a_run_for_one_councillor_by_email_address(councillors, start):
    run = start(week=WEEK, only_email=councillors[1].email.upper())

    assert received() == {councillors[1].email: 1}
    assert run.eligible == 1


def test_a_run_for_one_councillor_says_why_they_get_nothing(councillors, start):
    DigestPreference.objects.create(councillor=councillors[0], enabled=False)
    start(week=WEEK, only_email=councillors[1].email)

    off = start(week=WEEK, only_email=councillors[0].email)
    again = start(week=WEEK, only_email=councillors[1].email)

    assert off.problems[0]["problem"] == "Has turned the weekly digest off"
    assert again.problems[0]["problem"] == f"Already sent the digest for {WEEK}"
    assert received() == {councillors[1].email: 1}


def test_a_run_for_an_unknown_email_address_is_refused(councillors):
    with pytest.raises(ValueError, match="No councillor has the email address x@example.org"):
        runs.start_run(week=WEEK, only_email="x@example.org")
    assert not DigestRun.objects.exists()


def test_a_run_for_a_week_not_started_is_refused(councillors):
    with pytest.raises(ValueError, match="2026-W50 has not started yet"):
        runs.start_run(week="2026-W50")


def test_a_digest_sent_after_its_week_is_labelled_with_its_week(councillors, start):
    start(week="2026-W48")

    stored = Digest.objects.get(councillor=councillors[0])
    assert stored.week == "2026-W48"
    assert "Week beginning 23 November 2026" in stored.text
    assert "/digest/2026-W48/" in stored.text
