"""The assessment summaries sent by a real Celery worker once the notice commits, and
never again, however often the task runs."""

import time
from collections import Counter

import pytest

from tenders import actions, tasks
from tenders.models import AssessmentSummary
from tests.tenders.award import moderate

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.worker,
]


def _wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _recipients(worker):
    return Counter(
        line.removeprefix("To: ")
        for email in worker.sent_emails()
        for line in email.splitlines()
        if line.startswith("To: ")
    )


def test_each_bidder_gets_its_summary_once_from_a_worker(
    opened_bids, tender, publisher_member, celery_worker
):
    moderate(tender, publisher_member)
    lot = tender.opportunity.lots.get(number=1)
    decision = actions.send_intention(
        tender=tender, lot=lot, winners=[opened_bids[0]], reason="Best.", by=publisher_member
    )
    summaries = AssessmentSummary.objects.filter(decision=decision)
    assert _wait_for(lambda: not summaries.filter(sent_at__isnull=True).exists()), (
        celery_worker.log()
    )
    # The task run twice more, as a retry or the periodic run would.
    results = [tasks.send_assessment_summaries.apply_async(ignore_result=False) for _ in range(2)]
    for result in results:
        result.get(timeout=60)
    bidders = {bid.created_by.email: 1 for bid in opened_bids}
    assert _recipients(celery_worker) == Counter(bidders), celery_worker.log()
