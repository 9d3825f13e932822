"""The exchange in the admin site: every list and row page loads for a site admin, the
figures matches depend on cannot be edited, and only a testimonial can be changed."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from exchange.actions.delivery import confirm_delivery, record_delivery
from exchange.actions.matching import accept_match, propose_match
from exchange.models import Delivery, Match, Need, Offer, SuggestionSubscription
from tests.exchange.factories import NeedFactory, OfferFactory, member_of

pytestmark = pytest.mark.django_db
MODELS = [Need, Offer, Match, Delivery, SuggestionSubscription]


@pytest.fixture
def rows():
    need, offer = NeedFactory(), OfferFactory()
    giver, recipient = member_of(offer.organisation), member_of(need.organisation)
    match = propose_match(need=need, offer=offer, by=giver, quantity=Decimal(3))
    accept_match(match=match, by=recipient)
    delivery = record_delivery(
        match=match, by=giver, quantity=Decimal(3), delivered_on=timezone.localdate()
    )
    confirm_delivery(delivery=delivery, by=recipient, testimonial="Thank you")
    SuggestionSubscription.objects.create(user=giver, organisation=offer.organisation)
    return {Need: need, Offer: offer, Match: match, Delivery: delivery}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_list_and_row_page_loads(site_admin, rows, model):
    meta = model._meta
    listing = site_admin.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    assert listing.status_code == 200
    row = rows.get(model) or model.objects.first()
    page = site_admin.get(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
    )
    assert page.status_code == 200


def test_the_figures_and_who_did_what_are_read_only(rf, rows):
    request = rf.get("/")
    for model, names in [
        (Need, {"promised", "delivered", "met_at", "quantity"}),
        (Offer, {"committed", "delivered", "capacity", "pledge"}),
        (Delivery, {"quantity", "confirmed_at", "social_value_return"}),
    ]:
        readonly = set(admin.site._registry[model].get_readonly_fields(request, rows[model]))
        assert names <= readonly, model
    assert not admin.site._registry[Match].has_change_permission(request, rows[Match])


def test_a_site_admin_can_take_down_a_testimonial(site_admin, rows):
    delivery = rows[Delivery]
    url = reverse("admin:exchange_delivery_change", args=[delivery.pk])
    response = site_admin.post(url, {"testimonial": ""})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.testimonial == "" and delivery.confirmed_at is not None
