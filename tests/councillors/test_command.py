"""``manage.py send_weekly_digest``: a manual run, sent in the command's own process."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from councillors import tasks
from councillors.actions import runs, sending
from councillors.models import Digest, DigestRun
from tests.councillors.conftest import received
from tests.councillors.test_sending import WorkerDied, trouble  # noqa: F401 (the fixture)
from tests.factories import CouncillorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def councillors(now, live_opportunities, monkeypatch):
    """Three councillors, and no Celery: the command must send without a worker."""

    def no_worker(*args, **kwargs):
        raise AssertionError("The command enqueued a batch instead of sending it itself.")

    monkeypatch.setattr(tasks.send_digest_batch, "delay_on_commit", no_worker)
    return CouncillorFactory.create_batch(3)


def send_weekly_digest(*args):
    out, err = StringIO(), StringIO()
    call_command("send_weekly_digest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_sends_this_weeks_digest_and_says_what_happened(councillors):
    CouncillorFactory(full_name="Sam Nomail", email="")

    out, err = send_weekly_digest()

    assert received() == {councillor.email: 1 for councillor in councillors}
    assert "Digests for 2026-W49\n" in out
    assert "Eligible: 4\nSent: 3\nFailed: 0\nSkipped: 1\n" in out
    assert "Problems:\n  Sam Nomail: No email address\n" in out
    assert "Took " in out and " seconds." in out
    assert err == ""
    assert DigestRun.objects.get().finished_at is not None


def test_the_command_run_again_sends_nothing_more(councillors):
    send_weekly_digest()
    out, _err = send_weekly_digest()

    assert len(mail.outbox) == 3
    assert "Eligible: 0\nSent: 0\n" in out


def test_the_command_sends_a_given_week(councillors):
    send_weekly_digest("--week", "2026-W48")

    assert set(Digest.objects.values_list("week", flat=True)) == {"2026-W48"}
    assert len(mail.outbox) == 3


def test_the_command_sends_to_one_councillor(councillors):
    out, _err = send_weekly_digest("--councillor", councillors[2].email.upper())

    assert received() == {councillors[2].email: 1}
    assert "Eligible: 1\nSent: 1\n" in out


def test_a_dry_run_sends_nothing(councillors):
    out, _err = send_weekly_digest("--dry-run")

    assert mail.outbox == []
    assert not Digest.objects.exists()
    assert "Dry run for 2026-W49: built and rendered 3 digests. Nothing was sent.\n" in out
    assert "Eligible: 3\nSkipped: 0\n" in out
    assert DigestRun.objects.get().dry_run


def test_the_command_says_what_is_left_to_try_again(councillors, trouble):  # noqa: F811
    trouble.refused.add(councillors[0].email)

    out, _err = send_weekly_digest()

    assert "Sent: 2\nFailed: 0\nWaiting to be tried again by the hourly job: 1\n" in out


def test_the_command_says_how_many_may_have_been_sent_twice(councillors, trouble):  # noqa: F811
    # The hourly run's worker died just after the mail server took the first digest.
    trouble.dies_after.add(councillors[0].email)
    hourly = runs.start_run(enqueue=False)
    with pytest.raises(WorkerDied):
        sending.send_batch(run_id=hourly.pk, digest_ids=runs.pending_batches(hourly)[0])
    trouble.dies_after.clear()

    out, _err = send_weekly_digest()

    assert received() == {councillors[0].email: 2, councillors[1].email: 1, councillors[2].email: 1}
    assert "Eligible: 3\nSent: 3\nPossibly sent twice" in out
    assert "mail server took them): 1\n" in out
    assert "Failed: 0\n" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2026-49"], "Give the week as the year, -W and the week number, like 2026-W48"),
        (["--week", "2025-W53"], "2025 has no week 53"),
        (["--week", "2026-W50"], "2026-W50 has not started yet."),
        (["--councillor", "nobody@example.org"], "No councillor has the email address nobody@"),
    ],
)
def test_bad_options_are_refused_saying_why(councillors, args, message):
    with pytest.raises(CommandError, match=message):
        send_weekly_digest(*args)

    assert mail.outbox == []
    assert not DigestRun.objects.exists()
