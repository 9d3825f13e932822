"""Helpers for the bidder's page tests: clients for the people around a bid, and its URLs.

The tender, the bidder and the bid come from ``tests/tenders/conftest.py``.
"""

import pytest
from django.urls import reverse

from organisations.models import MembershipRole
from tenders import actions
from tests.factories import MembershipFactory


def signed_in(client, user):
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def lead(client, bidder, bid):
    """The bidder, signed in, with their bid (``lead.bid``)."""
    client = signed_in(client, bidder)
    client.bid = bid
    return client


def partner_admin(bid, *, confirm):
    """An administrator of a registered partner of ``bid``, confirmed or still waiting."""
    membership = MembershipFactory(role=MembershipRole.ADMIN)
    partner = actions.add_partner(
        bid=bid, by=bid.created_by, organisation=membership.organisation, share_percent=20
    )
    if confirm:
        actions.answer_partnership(partner=partner, by=membership.user, accept=True)
    membership.user.partner = partner
    return membership.user


def section_urls(bid, *, forms_only=False):
    """Every page of ``bid``, for the access checks; ``forms_only``: those that take a POST."""
    tender = bid.tender
    criterion = tender.criteria.first()
    lot = tender.opportunity.lots.first()
    reference = bid.reference
    read_only = [
        reverse("tenders:bid", args=[reference]),
        reverse("tenders:bid_details", args=[reference]),
        reverse("tenders:bid_versions", args=[reference]),
    ]
    forms = [
        reverse("tenders:bid_lots", args=[reference]),
        reverse("tenders:bid_partners", args=[reference]),
        reverse("tenders:bid_answer", args=[reference, criterion.pk]),
        reverse("tenders:bid_price", args=[reference, lot.pk]),
        reverse("tenders:bid_social_value", args=[reference]),
        reverse("tenders:bid_declarations", args=[reference]),
        reverse("tenders:bid_attachments", args=[reference]),
        reverse("tenders:bid_submit", args=[reference]),
    ]
    return forms if forms_only else read_only + forms


def url(name, bid, *args):
    return reverse(f"tenders:{name}", args=[bid.reference, *args])
