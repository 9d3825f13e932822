import time
from datetime import timedelta

import pytest
from celery import signals
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from accounts.tasks import send_confirmation_email
from portal.celery import PortalTask
from portal.celery import app as celery_app
from portal.tasks import clear_expired_sessions
from tests.factories import UserFactory

attempts = []


@celery_app.task(name="tests.portal.always_unreachable")
def always_unreachable():
    attempts.append(time.monotonic())
    raise ConnectionRefusedError("the mail server is not answering")


@celery_app.task(name="tests.portal.always_wrong")
def always_wrong():
    attempts.append(time.monotonic())
    raise ValueError("a bug, not a network failure")


@pytest.fixture
def retry_countdowns():
    """The countdown of each retry, in order. Eager retries run at once."""
    # Eager retries are nested apply() calls, which would raise Retry instead
    # of running when eager errors propagate.
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    attempts.clear()
    countdowns = []

    def record(sender=None, reason=None, **kwargs):
        countdowns.append(reason.when)

    signals.task_retry.connect(record, weak=False)
    yield countdowns
    signals.task_retry.disconnect(record)
    celery_app.conf.task_eager_propagates = propagates


def _session(expires_in):
    return Session.objects.create(
        session_key=f"test{int(expires_in.total_seconds()):+d}".ljust(32, "x"),
        session_data="",
        expire_date=timezone.now() + expires_in,
    )


def _expired_and_live_sessions():
    return _session(timedelta(days=-1)), _session(timedelta(days=1))


def test_every_task_is_a_portal_task():
    celery_app.loader.import_default_modules()
    portal_tasks = {name: task for name, task in celery_app.tasks.items() if "celery." not in name}
    assert "portal.tasks.clear_expired_sessions" in portal_tasks
    assert "accounts.tasks.send_confirmation_email" in portal_tasks
    for name, task in portal_tasks.items():
        assert isinstance(task, PortalTask), name


def test_every_scheduled_task_is_registered():
    celery_app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE
    for entry, schedule in settings.CELERY_BEAT_SCHEDULE.items():
        assert schedule["task"] in celery_app.tasks, f"{entry} names an unknown task"


def test_network_failure_is_retried_five_times_with_backoff(retry_countdowns):
    result = always_unreachable.apply()

    assert result.failed()
    assert isinstance(result.result, ConnectionRefusedError)
    assert len(attempts) == 6  # the first try and five retries
    # Full jitter: each wait is random, up to 5 s doubling per retry.
    assert len(retry_countdowns) == 5
    for retry, countdown in enumerate(retry_countdowns):
        assert 0 <= countdown <= 5 * 2**retry


def test_other_errors_are_not_retried(retry_countdowns):
    result = always_wrong.apply()

    assert isinstance(result.result, ValueError)
    assert len(attempts) == 1
    assert retry_countdowns == []


def test_task_enqueued_in_a_rolled_back_transaction_never_runs(transactional_db):
    expired, live = _expired_and_live_sessions()

    with pytest.raises(RuntimeError), transaction.atomic():
        clear_expired_sessions.delay_on_commit()
        raise RuntimeError("the request failed")

    assert Session.objects.filter(pk=expired.pk).exists()


def test_task_enqueued_in_a_committed_transaction_runs_after_commit(transactional_db):
    expired, live = _expired_and_live_sessions()

    with transaction.atomic():
        clear_expired_sessions.delay_on_commit()
        assert Session.objects.filter(pk=expired.pk).exists(), "ran before the commit"

    assert not Session.objects.filter(pk=expired.pk).exists()
    assert Session.objects.filter(pk=live.pk).exists()


def _wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_worker_clears_expired_sessions(celery_worker):
    expired, live = _expired_and_live_sessions()

    result = clear_expired_sessions.apply_async(ignore_result=False)

    # The outcome comes back through the Redis result backend.
    assert result.get(timeout=30) is None, celery_worker.log()
    assert not Session.objects.filter(pk=expired.pk).exists()
    assert Session.objects.filter(pk=live.pk).exists()
    # The worker knows every scheduled task, so beat's messages will be run.
    registered = celery_app.control.inspect(destination=[celery_worker.hostname]).registered()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(registered[celery_worker.hostname])


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_worker_sends_only_the_emails_whose_transaction_committed(celery_worker):
    rolled_back = UserFactory(email_confirmed_at=None, email="rolled-back@example.org")
    committed = UserFactory(email_confirmed_at=None, email="committed@example.org")

    with pytest.raises(RuntimeError), transaction.atomic():
        send_confirmation_email.delay_on_commit(rolled_back.pk)
        raise RuntimeError("the registration failed")
    with transaction.atomic():
        send_confirmation_email.delay_on_commit(committed.pk)

    # One solo worker takes messages in order: had the first been sent, it
    # would have been handled before the second.
    assert _wait_for(lambda: celery_worker.sent_emails()), celery_worker.log()
    [email] = celery_worker.sent_emails()
    assert "To: committed@example.org" in email
    assert "Confirm your email address" in email
    assert "rolled-back@example.org" not in email
