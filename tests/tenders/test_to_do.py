"""The home page's "To do" for tenders: bids to submit, partnership requests, boxes to open."""

from datetime import timedelta

import pytest

from organisations.models import MembershipRole
from tenders import actions
from tests.factories import MembershipFactory
from tests.tenders.conftest import complete

pytestmark = pytest.mark.django_db


def _banner(client):
    text = client.get("/").text
    return text.split('id="to-do-title"')[1].split("</ul>")[0] if 'id="to-do-title"' in text else ""


def test_a_bid_not_submitted_shows_in_the_last_two_weeks(client, tender, bid, bidder, time_machine):
    client.force_login(bidder)
    assert _banner(client) == ""  # twelve weeks to go
    deadline = tender.opportunity.submission_deadline
    time_machine.move_to(deadline - timedelta(days=10), tick=False)
    client.force_login(bidder)
    banner = _banner(client)
    assert f"Your bid for {tender.opportunity.title} is not submitted; bids close at" in banner
    assert f'href="/bids/{bid.reference}/"' in banner
    complete(bid, bidder)
    actions.submit(bid=bid, by=bidder)
    assert _banner(client) == ""
    time_machine.move_to(deadline - timedelta(days=9), tick=False)
    client.force_login(bidder)
    actions.save_answer(bid=bid, criterion=tender.criteria.first(), by=bidder, text="Changed.")
    assert "has changes not submitted" in _banner(client)


def test_a_partners_administrators_are_asked_to_answer(client, bid, bidder):
    partner_admin = MembershipFactory(role=MembershipRole.ADMIN)
    partner = actions.add_partner(
        bid=bid, by=bidder, organisation=partner_admin.organisation, share_percent=20
    )
    client.force_login(partner_admin.user)
    banner = _banner(client)
    assert (
        f"{bidder.organisation.name} asks {partner_admin.organisation.name} to join its bid"
        in banner
    )
    assert f'href="/bids/partnerships/{partner.pk}/"' in banner
    client.force_login(MembershipFactory(organisation=partner_admin.organisation).user)
    assert _banner(client) == ""  # members who cannot answer are not asked


def test_a_commissioner_is_told_a_box_is_ready_to_open(
    client, tender, publisher_member, time_machine
):
    time_machine.move_to(tender.opportunity.submission_deadline + timedelta(hours=1), tick=False)
    client.force_login(publisher_member)
    banner = _banner(client)
    assert f"The bid box of {tender.opportunity.title} is ready to open" in banner
    actions.open_box(tender=tender, by=publisher_member)
    assert _banner(client) == ""
