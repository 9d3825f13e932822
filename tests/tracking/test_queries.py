"""Whether the next round can open: one answer for the inquiry page, the form and the action."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.tracking.conftest import (
    make_inquiry,
    make_inquiry_without_recommendations,
    open_next_round,
)
from tracking import actions, queries
from tracking.models import Category

pytestmark = pytest.mark.django_db


def _decide(tracking_round, officer, categories):
    later = tracking_round.meeting_on + datetime.timedelta(days=120)
    for reference, category in categories.items():
        actions.record_decision(
            assessment=tracking_round.assessments.get(recommendation__reference=reference),
            by=officer,
            category=category,
            anticipated_on=later if Category(category).needs_anticipated_date else None,
        )


def _no_recommendations(officer, responsible):
    return make_inquiry_without_recommendations(by=officer)


def _no_round_yet(officer, responsible):
    return make_inquiry(by=officer, responsible=responsible)


def _decisions_missing(officer, responsible):
    inquiry = make_inquiry(by=officer, responsible=responsible)
    _decide(open_next_round(inquiry, by=officer), officer, {"R01": Category.ACHIEVED})
    return inquiry


def _some_tracked_again(officer, responsible):
    inquiry = make_inquiry(by=officer, responsible=responsible)
    _decide(
        open_next_round(inquiry, by=officer),
        officer,
        {"R01": Category.ACHIEVED, "R02": Category.IN_PROGRESS, "R03": Category.OBSTACLE},
    )
    return inquiry


def _all_concluded(officer, responsible):
    inquiry = make_inquiry(by=officer, responsible=responsible)
    _decide(
        open_next_round(inquiry, by=officer),
        officer,
        {"R01": Category.ACHIEVED, "R02": Category.ACHIEVED_LATE, "R03": Category.OBSTACLE},
    )
    return inquiry


@pytest.mark.parametrize(
    "make,can_open",
    [
        (_no_recommendations, False),
        (_no_round_yet, True),
        (_decisions_missing, False),
        (_some_tracked_again, True),
        (_all_concluded, False),
    ],
)
def test_the_page_and_the_action_agree_on_whether_the_next_round_can_open(
    client, officer, responsible, make, can_open
):
    inquiry = make(officer, responsible)
    refusal = queries.next_round_refusal(inquiry)
    assert (refusal is None) == can_open
    client.force_login(officer)
    page = client.get(inquiry.get_absolute_url()).content.decode()
    offered = reverse("tracking:open_round", args=[inquiry.slug]) in page
    assert offered == can_open
    rounds_before = inquiry.rounds.count()
    meeting_on = datetime.date(2099, 1, 1)
    if can_open:
        opened = open_next_round(inquiry, by=officer, meeting_on=meeting_on)
        assert opened.number == rounds_before + 1
        return
    assert refusal.message.replace("'", "&#x27;") in page
    with pytest.raises(ValidationError) as excinfo:
        open_next_round(inquiry, by=officer, meeting_on=meeting_on)
    assert excinfo.value.messages == [refusal.message]
    assert inquiry.rounds.count() == rounds_before


def test_the_decisions_left_are_the_last_rounds_undecided_in_reference_order(officer, responsible):
    inquiry = _decisions_missing(officer, responsible)
    refusal = queries.next_round_refusal(inquiry)
    assert [a.recommendation.reference for a in refusal.undecided] == ["R02", "R03"]
    assert {a.round.number for a in refusal.undecided} == {1}
