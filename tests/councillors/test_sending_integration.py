"""The weekly digest sent as in production: real Celery workers on Redis, PostgreSQL,
and a real SMTP server (aiosmtpd) in this process that the workers send to.

Each councillor's address must receive exactly one message when the weekly task
runs twice at once. When a worker is killed in the middle of a batch nobody may
be missed, and a digest the mail server may have taken before the kill, sent
again on resume, must be counted in the run record as possibly sent twice.
"""

import asyncio
import email
import email.policy
import signal
import threading
import time
from collections import Counter
from datetime import time as clock

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from councillors import tasks
from councillors.actions import runs, sending
from councillors.models import Digest, DigestPreference, DigestRun, Weekday
from portal.celery import app as celery_app
from tests import workers
from tests.factories import CouncillorFactory, OpportunityFactory

COUNCILLORS = 30
WAIT = 60  # seconds, at most, for anything to happen


class MailServer:
    """An aiosmtpd handler keeping every message it accepts.

    The ``hold_at``-th message is held before the server answers, until
    ``release`` is set (``held_for`` is its recipient). It is then refused, so it
    was never accepted: it stands for a message in flight when its worker died.
    Unless ``take_held`` is set: then the server takes it, as one that had
    taken the message just as its worker died would.
    """

    def __init__(self):
        self.accepted = []
        self.seen = 0
        self.hold_at = None
        self.take_held = False
        self.held_for = None
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1  # one event loop thread: no lock needed
        if self.seen == self.hold_at:
            self.held_for = envelope.rcpt_tos[0]
            self.holding.set()
            deadline = time.monotonic() + WAIT
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if not self.take_held:
                return "451 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.accepted.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def received(self):
        """How many messages each address received."""
        return Counter(address for addresses, _message in self.accepted for address in addresses)

    def message_ids(self, address):
        """The Message-ID of each message ``address`` received."""
        return [message["Message-ID"] for to, message in self.accepted if address in to]


@pytest.fixture
def mail_server():
    server = MailServer()
    controller = Controller(server, hostname="127.0.0.1", port=workers.free_port())
    controller.start()
    server.url = f"smtp://127.0.0.1:{controller.port}?timeout=30"
    try:
        yield server
    finally:
        server.release.set()
        controller.stop()


@pytest.fixture
def start_worker(transactional_db, tmp_path, mail_server):
    """Start real ``celery -A portal worker`` processes sending mail to ``mail_server``.

    As the ``celery_worker`` fixture, with EMAIL_URL in the environment. Workers
    still running afterwards get a warm shutdown, which must succeed.
    """
    started = []
    celery_app.control.purge()  # nothing left over from an earlier, failed run
    celery_app.conf.task_always_eager = False

    def start():
        log_path = tmp_path / f"worker-{len(started)}.log"
        started.append(workers.start_worker(log_path, EMAIL_URL=mail_server.url))
        return started[-1]

    try:
        yield start
    finally:
        celery_app.conf.task_always_eager = True
        for worker in started:
            if worker.process.returncode != -signal.SIGKILL:
                workers.stop(worker)
        # The task a killed worker had taken stays unacknowledged in Redis, to be
        # delivered again in an hour: harmless in production (its digests are
        # sent), but it must not reach a later test's database.
        redis.Redis.from_url(settings.REDIS_URL).delete("unacked", "unacked_index")
        celery_app.control.purge()


@pytest.fixture
def councillors(transactional_db):
    """Councillors whose digest is due from Monday 00:00, so due in any week: the workers
    run on the real clock."""
    OpportunityFactory.create_batch(3)
    councillors = CouncillorFactory.create_batch(COUNCILLORS)
    DigestPreference.objects.bulk_create(
        DigestPreference(councillor=c, weekday=Weekday.MONDAY, send_at=clock(0, 0))
        for c in councillors
    )
    return councillors


def wait_for(condition, *workers, what):
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(worker.log() for worker in workers)
            pytest.fail(f"Waited {WAIT}s for {what}.\n{logs}", pytrace=False)
        time.sleep(0.2)


def nothing_pending():
    return not Digest.objects.filter(sending.PENDING).exists()


def waiting_on_a_lock():
    """Whether a session of the test database is waiting for a lock another holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def no_session_sending():
    """Whether no session of the test database holds a digest's sending lock (a dead
    worker's goes with its connection)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks JOIN pg_database ON pg_database.oid = database"
            " WHERE locktype = 'advisory' AND datname = current_database()"
        )
        return cursor.fetchone()[0] == 0


def kill(worker):
    worker.process.send_signal(signal.SIGKILL)
    worker.process.wait(timeout=WAIT)


def with_workers(test):
    return pytest.mark.postgres(pytest.mark.redis(pytest.mark.worker(test)))


@with_workers
def test_the_weekly_task_run_twice_at_once_sends_each_councillor_one_message(
    councillors, mail_server, start_worker
):
    workers = [start_worker(), start_worker()]

    tasks.start_weekly_digest.delay()
    tasks.start_weekly_digest.delay()

    wait_for(lambda: len(mail_server.accepted) >= COUNCILLORS, *workers, what="every digest")
    wait_for(nothing_pending, *workers, what="every digest to be marked sent")
    time.sleep(1)  # anything doubled would have arrived by now
    assert mail_server.received() == {c.email: 1 for c in councillors}
    _addresses, message = mail_server.accepted[0]
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    all_runs = DigestRun.objects.all()
    assert sum(run.eligible for run in all_runs) == COUNCILLORS
    assert sum(run.sent for run in all_runs) == COUNCILLORS
    assert all(run.finished_at for run in all_runs)


@with_workers
def test_a_run_interrupted_mid_batch_and_resumed_misses_nobody_and_doubles_nobody(
    councillors, mail_server, start_worker, monkeypatch
):
    monkeypatch.setattr(runs, "BATCH_SIZE", 10)
    mail_server.hold_at = 5  # the worker dies while the server takes the 5th message
    first = start_worker()

    run = runs.start_run()  # three batches of ten, to the queue
    if not mail_server.holding.wait(WAIT):
        pytest.fail(f"No fifth message came.\n{first.log()}", pytrace=False)
    kill(first)
    mail_server.release.set()
    assert len(mail_server.accepted) == 4

    # Another worker takes the two batches still queued...
    second = start_worker()
    wait_for(lambda: len(mail_server.accepted) >= 24, second, what="the queued batches")
    # ...and the hourly job, once the run's lease is over, the rest of the first.
    wait_for(no_session_sending, second, what="the killed worker's session to end")
    assert runs.resume_pending(now=timezone.now() + runs.LEASE) == 6

    wait_for(nothing_pending, second, what="the resumed digests")
    time.sleep(1)
    assert mail_server.received() == {c.email: 1 for c in councillors}
    run.refresh_from_db()
    assert (run.eligible, run.sent, run.failed) == (COUNCILLORS, COUNCILLORS, 0)
    assert run.finished_at is not None
    # Nobody can tell whether the server took the 5th before the kill: so "possibly".
    assert run.possibly_sent_twice == 1


@with_workers
def test_a_worker_killed_after_the_mail_server_took_a_digest_misses_nobody_and_counts_the_repeat(
    councillors, mail_server, start_worker, monkeypatch
):
    monkeypatch.setattr(runs, "BATCH_SIZE", 10)
    mail_server.hold_at = 5
    mail_server.take_held = True
    first = start_worker()

    run = runs.start_run()  # three batches of ten, to the queue
    if not mail_server.holding.wait(WAIT):
        pytest.fail(f"No fifth message came.\n{first.log()}", pytrace=False)
    held = Digest.objects.get(councillor__email=mail_server.held_for, week=run.week)
    with transaction.atomic():
        # Hold the digest's row, so that the worker, told the server has taken the
        # message, waits to record the send: it is killed in that window.
        Digest.objects.select_for_update(nowait=True).get(pk=held.pk)
        mail_server.release.set()
        wait_for(waiting_on_a_lock, first, what="the worker to record the send")
        kill(first)
    assert len(mail_server.accepted) == 5

    second = start_worker()
    wait_for(lambda: len(mail_server.accepted) >= 25, second, what="the queued batches")
    wait_for(no_session_sending, second, what="the killed worker's session to end")
    assert runs.resume_pending(now=timezone.now() + runs.LEASE) == 6

    wait_for(nothing_pending, second, what="the resumed digests")
    time.sleep(1)
    received = mail_server.received()
    assert set(received) == {c.email for c in councillors}  # nobody missed
    twice = [address for address, count in received.items() if count > 1]
    assert twice == [mail_server.held_for]
    assert received[mail_server.held_for] == 2
    first_copy, second_copy = mail_server.message_ids(mail_server.held_for)
    assert first_copy == second_copy  # so mail systems can drop the repeat
    run.refresh_from_db()
    assert (run.eligible, run.sent, run.failed) == (COUNCILLORS, COUNCILLORS, 0)
    assert run.possibly_sent_twice == len(twice)
    assert run.finished_at is not None
    held.refresh_from_db()
    assert held.possibly_sent_twice


@pytest.mark.postgres
def test_two_runs_claiming_at_the_same_moment_claim_each_digest_once(councillors, monkeypatch):
    # Both runs insert their claims at once, inside their transactions: the unique
    # (councillor, week) row decides which run owns each digest.
    together = threading.Barrier(2, timeout=WAIT)
    bulk_create = Digest.objects.bulk_create

    def claim_together(*args, **kwargs):
        together.wait()
        return bulk_create(*args, **kwargs)

    monkeypatch.setattr(Digest.objects, "bulk_create", claim_together)
    started = []

    def start():
        try:
            started.append(runs.start_run(enqueue=False))
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)

    assert len(started) == 2
    assert Digest.objects.count() == COUNCILLORS
    assert sum(run.eligible for run in started if run) == COUNCILLORS
    assert DigestRun.objects.count() == sum(1 for run in started if run)
