"""The demo's tenders: one open with bids in every state, one closed and opened."""

import pytest

from home import demo
from tenders.models import Bid, BidVersion, Tender, TenderEvent
from tenders.queries import submitted_counts

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_open_tender_and_an_opened_one_and_seeds_once():
    demo.seed()
    open_tender = Tender.objects.get(opportunity__title=demo.tenders_demo.OPEN)
    closed = Tender.objects.get(opportunity__title=demo.tenders_demo.CLOSED)

    assert open_tender.opportunity.is_open and not open_tender.is_opened
    assert open_tender.is_locked
    total, per_lot = submitted_counts(open_tender)
    assert total == 2 and sorted(per_lot.values()) == [1, 2]
    consortium = Bid.objects.filter(tender=open_tender, partners__isnull=False).distinct().get()
    assert sorted((p.is_confirmed, p.is_waiting) for p in consortium.partners.all()) == [
        (False, True),
        (True, False),
    ]
    draft = Bid.objects.get(tender=open_tender, organisation__name="Ladywood Lunch Club")
    assert draft.is_draft and draft.answers.count() == 1

    assert closed.is_opened
    assert closed.opened_at > closed.opportunity.submission_deadline
    assert Bid.objects.filter(tender=closed).submitted().count() == 4
    assert Bid.objects.filter(tender=closed, withdrawn_at__isnull=False).count() == 1
    assert Bid.objects.filter(tender=closed, current_version__isnull=True).count() == 1
    assert closed.events.filter(kind=TenderEvent.Kind.BOX_OPENED).count() == 1

    counts = (Tender.objects.count(), Bid.objects.count(), BidVersion.objects.count())
    demo.seed()
    assert (Tender.objects.count(), Bid.objects.count(), BidVersion.objects.count()) == counts
