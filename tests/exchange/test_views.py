"""The exchange's pages for posting, matching and confirming: each by the right persona
and by an outsider."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from exchange.actions.delivery import confirm_delivery, record_delivery
from exchange.actions.matching import accept_match, propose_match
from exchange.models import Delivery, Match, Need, Offer
from tests.exchange.factories import NeedFactory, OfferFactory, member_of
from tests.factories import OrganisationFactory, WardFactory

pytestmark = pytest.mark.django_db


def _date(day):
    return day.strftime("%d/%m/%Y")


def test_a_charity_member_posts_a_need(organisation_admin):
    ward = WardFactory()
    response = organisation_admin.post(
        reverse("exchange:need_create"),
        {
            "title": "A mentor for our new treasurer",
            "kind": "mentoring",
            "quantity": "7",
            "unit": "hours",
            "description": "Two sessions in the evening.",
            "why": "We have our first paid worker.",
            "ward": ward.pk,
            "needed_by": _date(timezone.localdate() + timezone.timedelta(days=40)),
        },
    )
    need = Need.objects.get()
    assert response.url == need.get_absolute_url()
    assert need.organisation == organisation_admin.organisation


def test_a_need_form_with_a_past_date_shows_the_error(organisation_admin):
    response = organisation_admin.post(
        reverse("exchange:need_create"),
        {
            "title": "Chairs",
            "kind": "equipment",
            "quantity": "20",
            "unit": "items",
            "description": "For our hall.",
            "why": "Ours are broken.",
            "ward": WardFactory().pk,
            "needed_by": "1/1/2020",
        },
    )
    assert response.status_code == 200
    assert "must be today or later" in response.content.decode()
    assert not Need.objects.exists()


def test_a_company_is_sent_to_offer_help_instead_of_posting_a_need(client):
    company_member = member_of(OrganisationFactory(legal_form="private_company"))
    client.force_login(company_member)
    response = client.get(reverse("exchange:need_create"))
    assert "Needs are posted by the third sector" in response.content.decode()


def test_a_business_posts_an_offer(client):
    company = OrganisationFactory(legal_form="private_company")
    client.force_login(member_of(company))
    today = timezone.localdate()
    response = client.post(
        reverse("exchange:offer_create"),
        {
            "title": "Legal advice clinic",
            "kind": "legal",
            "capacity": "20",
            "unit": "hours",
            "description": "Our solicitors give an hour each.",
            "citywide": "on",
            "available_from": _date(today),
            "available_until": _date(today + timezone.timedelta(days=60)),
        },
    )
    offer = Offer.objects.get()
    assert response.url == offer.get_absolute_url() and offer.organisation == company


def test_a_visitor_reads_a_need_and_its_testimonials_escaped(visitor):
    need, offer = NeedFactory(), OfferFactory()
    giver, recipient = member_of(offer.organisation), member_of(need.organisation)
    match = propose_match(need=need, offer=offer, by=giver, quantity=Decimal(3))
    accept_match(match=match, by=recipient)
    delivery = record_delivery(
        match=match, by=giver, quantity=Decimal(3), delivered_on=timezone.localdate()
    )
    confirm_delivery(delivery=delivery, by=recipient, testimonial="<script>alert(1)</script>")
    page = visitor.get(need.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "Sign in" in page
    assert "Matches" not in page  # the organisation's own view only


def test_the_giver_proposes_from_the_need_page(client, mailoutbox):
    need, offer = NeedFactory(), OfferFactory()
    member_of(need.organisation)
    client.force_login(member_of(offer.organisation))
    assert "Offer help" in client.get(need.get_absolute_url()).content.decode()
    url = reverse("exchange:need_propose", args=[need.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"choice": offer.pk, "quantity": "5", "message": "Tuesdays?"})
    match = Match.objects.get()
    assert response.url == match.get_absolute_url()


def test_the_group_asks_for_an_offer_from_its_page(client):
    need, offer = NeedFactory(), OfferFactory()
    client.force_login(member_of(need.organisation))
    url = reverse("exchange:offer_propose", args=[offer.pk])
    response = client.post(url, {"choice": need.pk, "quantity": "50"})
    assert "Only 20 hours are still needed" in response.content.decode()
    client.post(url, {"choice": need.pk, "quantity": "20"})
    assert Match.objects.get().proposed_by_side == "recipient"


def test_a_match_page_is_404_for_anyone_but_the_two_organisations(client, other_member):
    need, offer = NeedFactory(), OfferFactory()
    match = propose_match(
        need=need, offer=offer, by=member_of(offer.organisation), quantity=Decimal(2)
    )
    assert other_member.get(match.get_absolute_url()).status_code == 404
    assert (
        other_member.post(
            reverse("exchange:match_answer", args=[match.pk]), {"accept": ""}
        ).status_code
        == 404
    )
    client.logout()
    assert client.get(match.get_absolute_url()).status_code == 302  # to sign in


def test_accepting_recording_and_confirming_through_the_match_page(client):
    need, offer = NeedFactory(), OfferFactory()
    giver, recipient = member_of(offer.organisation), member_of(need.organisation)
    match = propose_match(need=need, offer=offer, by=giver, quantity=Decimal(4))
    client.force_login(recipient)
    assert "Accept" in client.get(match.get_absolute_url()).content.decode()
    client.post(reverse("exchange:match_answer", args=[match.pk]), {"accept": "", "answer": "Yes"})
    match.refresh_from_db()
    assert match.accepted_at is not None
    client.force_login(giver)
    response = client.post(
        reverse("exchange:match_record", args=[match.pk]),
        {"quantity": "9", "delivered_on": _date(timezone.localdate())},
    )
    assert "Only 4 hours of this match are left" in response.content.decode()
    client.post(
        reverse("exchange:match_record", args=[match.pk]),
        {"quantity": "4", "delivered_on": _date(timezone.localdate()), "value": "£120"},
    )
    delivery = Delivery.objects.get()
    assert delivery.value == 120
    page = client.get(match.get_absolute_url()).content.decode()
    assert "Not yet confirmed" in page
    client.force_login(recipient)
    client.post(
        reverse("exchange:delivery_confirm", args=[delivery.pk]),
        {f"d{delivery.pk}-testimonial": "Brilliant"},
    )
    delivery.refresh_from_db()
    assert delivery.confirmed_at and delivery.testimonial == "Brilliant"


def test_only_the_needs_organisation_extends_or_closes_it(client, other_member):
    need = NeedFactory()
    assert other_member.post(reverse("exchange:need_close", args=[need.pk])).status_code == 404
    assert other_member.get(reverse("exchange:need_extend", args=[need.pk])).status_code == 404
    client.force_login(member_of(need.organisation))
    client.post(reverse("exchange:need_close", args=[need.pk]))
    need.refresh_from_db()
    assert need.closed_at is not None


def test_your_exchange_lists_what_waits_for_the_organisation(client):
    need, offer = NeedFactory(), OfferFactory()
    propose_match(need=need, offer=offer, by=member_of(offer.organisation), quantity=Decimal(2))
    client.force_login(member_of(need.organisation))
    page = client.get(reverse("exchange:yours")).content.decode()
    assert "Waiting for you" in page and "offers help with" in page


def test_your_exchange_lists_the_ten_suggestions_that_fit_best_and_says_so(client):
    group = OrganisationFactory()
    NeedFactory(organisation=group)
    offers = [OfferFactory(capacity=Decimal(10 + n)) for n in range(11)]
    client.force_login(member_of(group))

    def listed():
        page = client.get(reverse("exchange:yours")).content.decode()
        return [offer for offer in offers if f'href="{offer.get_absolute_url()}"' in page], page

    # Most left first: the offer with the least left is the eleventh.
    found, page = listed()
    assert found == offers[1:]
    assert "The 10 that fit best, in your wards first." in page
    assert f'href="{reverse("exchange:offers")}">Browse every open offer' in page
    Offer.objects.filter(pk__in=[offers[1].pk, offers[2].pk]).update(closed_at=timezone.now())
    found, page = listed()
    assert found == [offers[0], *offers[3:]]
    assert "Browse every open offer" not in page
