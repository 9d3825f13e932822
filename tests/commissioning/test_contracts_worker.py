"""The contract made by a real Celery worker from the task confirm_award enqueues by name
once its transaction commits (tenders does not import commissioning)."""

import time

import pytest

from commissioning.models import Contract
from tests.commissioning.awarded import FIXTURES, award

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.worker,
]

publisher_member, opportunity, tender, opened_bids = FIXTURES


def test_a_worker_makes_the_contract_of_a_confirmed_award(
    opened_bids, tender, publisher_member, time_machine, celery_worker
):
    lot = tender.opportunity.lots.get(number=1)
    award(tender, lot, [opened_bids[0]], publisher_member, time_machine, moderated=False)
    # Counted in sleeps: the clock is frozen by time_machine.
    for _attempt in range(300):
        if Contract.objects.exists():
            break
        time.sleep(0.2)
    contract = Contract.objects.filter(bid=opened_bids[0]).first()
    assert contract is not None, celery_worker.log()
    assert list(contract.lots.all()) == [lot]
