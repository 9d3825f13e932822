"""Reading an evaluation from the database into the results' terms (tenders.evaluation)."""

from decimal import Decimal

import pytest

from tenders.evaluation import evaluation_of
from tenders.models import PanelMember
from tests.factories import UserFactory
from tests.tenders.award import moderate

pytestmark = pytest.mark.django_db


def test_results_come_from_the_frozen_prices_and_the_consensus(
    opened_bids, tender, publisher_member
):
    evaluation = evaluation_of(tender, publisher_member)
    assert [bid.pk for bid in evaluation.bids] == [bid.pk for bid in opened_bids]
    assert not evaluation.is_moderated
    with pytest.raises(ValueError):
        evaluation.results()
    moderate(tender, publisher_member)
    evaluation = evaluation_of(tender, publisher_member)
    assert evaluation.is_moderated
    by_lot = evaluation.results()
    lot = tender.opportunity.lots.get(number=1)
    rows = by_lot[lot.pk]
    assert [row.bid.pk for row in rows] == [bid.pk for bid in opened_bids]  # cheapest first
    assert [row.price for row in rows] == [Decimal(40000), Decimal(50000), Decimal(60000)]
    # Every question 3 of 5: quality 60 × 3/5 = 36, social value 20 × 3/5 = 12.
    assert rows[0].quality == Decimal("36.00") and rows[0].social_value == Decimal("12.00")
    assert rows[0].price_score == Decimal("20.00")
    assert rows[1].price_score == Decimal("16.00")  # 40,000 ÷ 50,000 × 20
    assert rows[0].rank == 1 and rows[0].proposed


def test_the_reads_do_not_grow_with_the_bids(
    opened_bids, tender, publisher_member, django_assert_max_num_queries
):
    moderate(tender, publisher_member)
    with django_assert_max_num_queries(6):
        evaluation_of(tender, publisher_member).results()


def test_a_declared_conflict_hides_the_bid_from_the_evaluator(opened_bids, tender):
    evaluator = UserFactory(is_evaluator=True)
    seat = PanelMember.objects.create(tender=tender, user=evaluator)
    assert evaluation_of(tender, evaluator).bids == []  # not yet declared
    seat.declared_at = tender.opened_at
    seat.save()
    seat.conflicts.add(opened_bids[1])
    seen = [bid.pk for bid in evaluation_of(tender, evaluator).bids]
    assert seen == [opened_bids[0].pk, opened_bids[2].pk]
    outsider = UserFactory(is_evaluator=True)
    assert evaluation_of(tender, outsider).bids == []
