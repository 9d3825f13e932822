"""The pages for an organisation's own needs, offers and matches take the same number of
queries however many needs, offers, matches and deliveries there are."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exchange.actions.delivery import confirm_delivery, record_delivery
from exchange.actions.matching import accept_match, propose_match
from tests.commissioning.factories import ContractFactory, PledgeFactory
from tests.exchange.factories import NeedFactory, OfferFactory, member_of
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _busy(giver, recipient, offer, need, count):
    """``count`` more matches each way, accepted, with help given and confirmed."""
    giver_member, recipient_member = member_of(giver), member_of(recipient)
    for _ in range(count):
        other_need = NeedFactory(organisation=recipient, quantity=Decimal(2))
        match = propose_match(need=other_need, offer=offer, by=giver_member, quantity=Decimal(1))
        accept_match(match=match, by=recipient_member)
        delivered = record_delivery(
            match=match, by=giver_member, quantity=Decimal(1), delivered_on=timezone.localdate()
        )
        confirm_delivery(delivery=delivered, by=recipient_member, testimonial="Thanks")
        other_offer = OfferFactory(organisation=giver, wards=[need.ward], citywide=False)
        propose_match(need=need, offer=other_offer, by=recipient_member, quantity=Decimal(1))
        NeedFactory(ward=need.ward)
        OfferFactory()


def test_the_exchange_pages_do_not_grow(client):
    giver = OrganisationFactory(legal_form="private_company")
    recipient = OrganisationFactory()
    pledge = PledgeFactory(contract=ContractFactory(supplier=giver), unit="hours")
    offer = OfferFactory(organisation=giver, capacity=Decimal(500), pledge=pledge)
    need = NeedFactory(organisation=recipient, quantity=Decimal(500))
    match = propose_match(need=need, offer=offer, by=member_of(giver), quantity=Decimal(10))
    giver_member, recipient_member = member_of(giver), member_of(recipient)
    urls = {
        giver_member: ["/exchange/yours/", offer.get_absolute_url(), need.get_absolute_url()],
        recipient_member: [
            "/exchange/yours/",
            need.get_absolute_url(),
            offer.get_absolute_url(),
            match.get_absolute_url(),
        ],
    }

    def counts():
        found = {}
        for user, paths in urls.items():
            client.force_login(user)
            for path in paths:
                found[user.pk, path] = _queries(client, path)
        return found

    _busy(giver, recipient, offer, need, 2)
    few = counts()
    _busy(giver, recipient, offer, need, 8)
    assert counts() == few
