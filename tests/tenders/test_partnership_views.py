"""A request to join a consortium bid: only the partner's administrators see it, without
the bid's content, and confirm or decline it."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from organisations.models import MembershipRole
from tenders import actions
from tests.factories import MembershipFactory
from tests.tenders.bidding import partner_admin, signed_in, url

pytestmark = pytest.mark.django_db

SECRET_ANSWER = "Our unique method of outreach"


@pytest.fixture
def request_to_join(bid, bidder):
    """A waiting partnership on a bid for lot 1 with an answer and a price in it."""
    lot = bid.tender.opportunity.lots.first()
    actions.save_lots(bid=bid, lots=[lot], by=bidder)
    actions.save_answer(
        bid=bid, criterion=bid.tender.criteria.first(), by=bidder, text=SECRET_ANSWER
    )
    actions.save_price(
        bid=bid,
        lot=lot,
        by=bidder,
        unit_prices={bid.tender.price_lines.get(lot=lot): 98765},
        breakdown={
            "direct_delivery": 90000,
            "staff": 5000,
            "volunteer_expenses": 765,
            "overheads": 3000,
        },
    )
    admin = partner_admin(bid, confirm=False)
    return admin.partner, admin


def test_the_partners_administrator_sees_the_request_without_the_bids_content(
    client, request_to_join
):
    partner, admin = request_to_join
    html = signed_in(client, admin).get(reverse("tenders:partnership", args=[partner.pk]))
    html = html.content.decode()
    bid = partner.bid
    assert bid.organisation.name in html and bid.tender.opportunity.title in html
    assert "Consortium partner" in html and "20%" in html
    assert "Lot 1: Lot 1 area" in html
    assert "Confirm" in html and "Decline" in html
    assert SECRET_ANSWER not in html and "98,765" not in html and "98765" not in html


def test_nobody_else_sees_the_request(request_to_join, bidder):
    partner, _admin = request_to_join
    page = reverse("tenders:partnership", args=[partner.pk])
    member = MembershipFactory(organisation=partner.organisation, role=MembershipRole.MEMBER)
    for user in (member.user, bidder, MembershipFactory().user):
        assert signed_in(Client(), user).get(page).status_code == 404
        assert signed_in(Client(), user).post(page, {"answer": "confirm"}).status_code == 404
    response = Client().get(page)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    partner.refresh_from_db()
    assert partner.is_waiting


def test_confirming_lets_the_partner_read_the_bid(client, request_to_join):
    partner, admin = request_to_join
    signed_in(client, admin)
    assert client.get(url("bid", partner.bid)).status_code == 404
    response = client.post(reverse("tenders:partnership", args=[partner.pk]), {"answer": "confirm"})
    partner.refresh_from_db()
    assert partner.is_confirmed
    page = client.get(response.url).content.decode()
    assert "has confirmed" in page and url("bid", partner.bid) in page
    assert SECRET_ANSWER in client.get(url("bid_submit", partner.bid)).content.decode()


def test_declining_keeps_the_bid_closed_to_the_partner(client, request_to_join):
    partner, admin = request_to_join
    signed_in(client, admin)
    client.post(reverse("tenders:partnership", args=[partner.pk]), {"answer": "decline"})
    partner.refresh_from_db()
    assert partner.declined_at is not None
    assert client.get(url("bid", partner.bid)).status_code == 404


def test_a_request_cannot_be_answered_after_the_deadline(client, request_to_join):
    partner, admin = request_to_join
    deadline = partner.bid.tender.opportunity.submission_deadline
    with time_machine.travel(deadline + timedelta(minutes=5)):
        signed_in(client, admin)
        page = reverse("tenders:partnership", args=[partner.pk])
        assert b"can no longer be answered" in client.get(page).content
        response = client.post(page, {"answer": "confirm"})
    assert b"The deadline for bids was" in response.content
    partner.refresh_from_db()
    assert partner.is_waiting


def test_the_lead_sees_each_partners_status(client, bid, bidder):
    partner_admin(bid, confirm=True)
    partner_admin(bid, confirm=False)
    html = signed_in(client, bidder).get(url("bid_partners", bid)).content.decode()
    assert "Confirmed" in html and "Waiting for confirmation" in html
