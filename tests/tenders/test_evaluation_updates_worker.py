"""Evaluation updates sent as in production: real Celery workers on Redis and PostgreSQL,
mailing a real SMTP server (aiosmtpd) in this process.

However often the daily task runs, at once on two workers or again afterwards,
each bidder receives exactly one message per 14-day period.
"""

import time
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from portal.celery import app as celery_app
from tenders import tasks
from tenders.models import EvaluationUpdate, Tender
from tests import workers
from tests.mail import MailServer
from tests.tenders.conftest import submitted_bids

BIDDERS = 20
WAIT = 60  # seconds, at most, for anything to happen

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]


@pytest.fixture
def mail_server():
    server = MailServer()
    controller = Controller(server, hostname="127.0.0.1", port=workers.free_port())
    controller.start()
    server.url = f"smtp://127.0.0.1:{controller.port}?timeout=30"
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def two_workers(transactional_db, tmp_path, mail_server):
    """Two ``celery -A portal worker`` processes sending mail to ``mail_server``."""
    celery_app.control.purge()  # nothing left over from an earlier, failed run
    celery_app.conf.task_always_eager = False
    started = []
    try:
        for number in range(2):
            log_path = tmp_path / f"worker-{number}.log"
            started.append(workers.start_worker(log_path, EMAIL_URL=mail_server.url))
        yield started
    finally:
        celery_app.conf.task_always_eager = True
        for worker in started:
            workers.stop(worker)
        celery_app.control.purge()


@pytest.fixture
def bids_in_evaluation(transactional_db, tender):
    """Submitted bids of a tender whose box was opened 15 days ago (the workers run on the
    real clock): its second period of updates is due."""
    bids = submitted_bids(tender, [40000 + 1000 * n for n in range(BIDDERS)])
    opened_days_ago(tender, 15)
    return bids


def opened_days_ago(tender, days):
    Tender.objects.filter(pk=tender.pk).update(opened_at=timezone.now() - timedelta(days=days))


def run_twice_at_once(mail_server, two_workers, *, expected):
    tasks.send_evaluation_updates.delay()
    tasks.send_evaluation_updates.delay()
    deadline = time.monotonic() + WAIT
    while len(mail_server.accepted) < expected or all_sent_count() < expected:
        if time.monotonic() > deadline:
            logs = "\n".join(worker.log() for worker in two_workers)
            pytest.fail(f"Waited {WAIT}s for {expected} updates.\n{logs}", pytrace=False)
        time.sleep(0.2)
    time.sleep(2)  # anything doubled would have arrived by now


def all_sent_count():
    return EvaluationUpdate.objects.filter(sent_at__isnull=False).count()


def test_each_bidder_gets_one_message_per_period_however_often_the_task_runs(
    bids_in_evaluation, tender, mail_server, two_workers
):
    leads = [bid.created_by.email for bid in bids_in_evaluation]

    run_twice_at_once(mail_server, two_workers, expected=BIDDERS)
    assert Counter(mail_server.recipients()) == dict.fromkeys(leads, 1)

    run_twice_at_once(mail_server, two_workers, expected=BIDDERS)
    assert Counter(mail_server.recipients()) == dict.fromkeys(leads, 1)

    opened_days_ago(tender, 29)  # the next fortnight
    run_twice_at_once(mail_server, two_workers, expected=2 * BIDDERS)
    assert Counter(mail_server.recipients()) == dict.fromkeys(leads, 2)
    periods = EvaluationUpdate.objects.values_list("period", flat=True)
    assert Counter(periods) == {1: BIDDERS, 2: BIDDERS}
    subjects = {message["Subject"] for _address, message in mail_server.accepted}
    assert len(subjects) == 1  # the update, and nothing else
    assert f"How the evaluation of {tender.opportunity.reference}" in subjects.pop()
