"""The evaluation method: the 60/20/20 template, its rules, locking and logged changes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from opportunities.models import Amendment
from tenders import actions
from tenders.models import CriterionGroup, PriceFormula, TenderEvent
from tests.factories import MembershipFactory, PublisherFactory
from tests.tenders.conftest import complete

pytestmark = pytest.mark.django_db


def _weights(tender):
    return {c.group: c.weight for c in tender.criteria.all()}


def test_a_tender_starts_from_the_60_20_20_template(tender, opportunity):
    criteria = list(tender.criteria.all())
    quality = sum(c.weight for c in criteria if c.group == CriterionGroup.QUALITY)
    social_value = sum(c.weight for c in criteria if c.group == CriterionGroup.SOCIAL_VALUE)
    assert (quality, social_value, tender.price_weight) == (60, 20, 20)
    assert all(c.scale_max == 5 and len(c.marks) == 6 for c in criteria)
    assert tender.price_formula == PriceFormula.LOWEST_RATIO
    assert tender.abnormally_low_percent == 80
    # A price line for each lot, so the method is complete from the start.
    assert sorted(line.lot.number for line in tender.price_lines.all()) == [1, 2]
    assert actions.method_problems(tender) == []
    assert tender.events.get().kind == TenderEvent.Kind.METHOD_SET


def test_creating_it_twice_returns_the_same_tender(tender, opportunity, publisher_member):
    assert actions.create_tender(opportunity=opportunity, by=publisher_member) == tender
    assert tender.criteria.count() == 4


def test_only_the_publishers_commissioners_set_the_method(opportunity, tender, bidder):
    other_commissioner = MembershipFactory(organisation=PublisherFactory()).user
    for outsider in (bidder, other_commissioner):
        with pytest.raises(PermissionError):
            actions.create_tender(opportunity=opportunity, by=outsider)
        with pytest.raises(PermissionError):
            actions.update_tender(tender=tender, by=outsider, tie_break="price")


def test_weights_that_do_not_total_100_are_a_problem(tender, publisher_member):
    criterion = tender.criteria.first()
    actions.save_criterion(tender=tender, criterion=criterion, by=publisher_member, weight=30)
    assert actions.method_problems(tender) == [
        "The weights add up to 110%; they must add up to 100%"
    ]


def test_set_weights_moves_weight_between_questions_and_must_total_100(tender, publisher_member):
    criteria = list(tender.criteria.all())
    weights = {c: Decimal(15) for c in criteria}
    with pytest.raises(ValidationError) as error:
        actions.set_weights(tender=tender, by=publisher_member, price_weight=20, weights=weights)
    assert error.value.message_dict == {
        "price_weight": ["The weights add up to 80%; they must add up to 100%"]
    }
    actions.set_weights(tender=tender, by=publisher_member, price_weight=40, weights=weights)
    tender.refresh_from_db()
    assert tender.price_weight == 40
    assert actions.method_problems(tender) == []


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"minimum_score": 6},
            "minimum_score",
            "The minimum score, 6, is above the top of the scale, 5",
        ),
        ({"descriptors": ["Only one"]}, "descriptors", "The scale needs at least two marks"),
        (
            {"descriptors": ["Poor", " "]},
            "descriptors",
            "Every mark on the scale needs a descriptor",
        ),
        ({"weight": 0}, "weight", "The weight must be more than 0 and at most 100"),
        ({"word_limit": 0}, "word_limit", "The word limit must be 1 or more"),
    ],
)
def test_a_criterion_that_breaks_a_rule_is_refused_naming_the_field(
    tender, publisher_member, fields, field, message
):
    criterion = tender.criteria.first()
    with pytest.raises(ValidationError) as error:
        actions.save_criterion(tender=tender, criterion=criterion, by=publisher_member, **fields)
    assert error.value.message_dict[field] == [message]
    criterion.refresh_from_db()
    assert criterion.minimum_score is None and criterion.word_limit == 500


def test_a_lot_without_a_price_line_is_a_problem(tender, publisher_member):
    line = tender.price_lines.get(lot__number=2)
    actions.remove_price_line(line=line, by=publisher_member)
    assert actions.method_problems(tender) == ["Add a price line for Lot 2: Lot 2 area"]


def test_the_first_submitted_bid_locks_the_method(tender, bid, bidder):
    complete(bid, bidder)
    actions.submit(bid=bid, by=bidder)
    tender.refresh_from_db()
    assert tender.is_locked
    assert TenderEvent.Kind.METHOD_LOCKED in tender.events.values_list("kind", flat=True)


def test_a_change_after_locking_needs_a_reason_is_an_amendment_and_tells_bidders(
    tender, bid, bidder, publisher_member, django_capture_on_commit_callbacks
):
    complete(bid, bidder)
    actions.submit(bid=bid, by=bidder)
    tender.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        actions.update_tender(tender=tender, by=publisher_member, tie_break="price")
    assert "reason" in error.value.message_dict
    tender.refresh_from_db()
    assert tender.tie_break == "quality"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_tender(
            tender=tender, by=publisher_member, tie_break="price", reason="Price matters more."
        )
    amendment = Amendment.objects.get(opportunity=tender.opportunity)
    assert "Reason: Price matters more." in amendment.summary
    changed = tender.events.get(kind=TenderEvent.Kind.METHOD_CHANGED)
    assert changed.detail == {"amendment": amendment.pk}
    assert [m.to for m in mail.outbox if "evaluation method" in m.subject] == [[bidder.email]]


def test_a_locked_method_cannot_be_left_incomplete(tender, bid, bidder, publisher_member):
    complete(bid, bidder)
    actions.submit(bid=bid, by=bidder)
    criterion = tender.criteria.first()
    pk = criterion.pk
    with pytest.raises(ValidationError) as error:
        actions.remove_criterion(criterion=criterion, by=publisher_member, reason="Not needed.")
    assert error.value.messages == ["The weights add up to 80%; they must add up to 100%"]
    assert tender.criteria.filter(pk=pk).exists()


def test_the_method_cannot_change_after_the_deadline(tender, publisher_member, time_machine):
    time_machine.move_to(tender.opportunity.submission_deadline + timedelta(seconds=1))
    with pytest.raises(ValueError):
        actions.update_tender(tender=tender, by=publisher_member, tie_break="price")


def test_every_change_is_logged(tender, publisher_member):
    actions.update_tender(tender=tender, by=publisher_member, abnormally_low_percent=70)
    actions.save_criterion(
        tender=tender,
        by=publisher_member,
        group=CriterionGroup.QUALITY,
        question="How will you recruit volunteers?",
        weight=Decimal(5),
    )
    summaries = list(tender.events.values_list("summary", flat=True))
    assert summaries[-2:] == ["the tender's rules changed", "question 5 added"]
