"""The public list of confirmed awards (``/awards/``) and the award on the opportunity's
page: nothing before confirmation, and the filters."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from opportunities.models import Lot
from organisations.models import LegalForm
from tenders import actions
from tenders.models import AwardDecision, Bid, BidPartner, Tender
from tests.factories import (
    OpportunityFactory,
    OrganisationFactory,
    PublisherFactory,
    ServiceCategoryFactory,
    WardFactory,
)
from tests.tenders.award import moderate

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
AWARDS = reverse("tenders:awards")


def confirmed_award(
    *,
    confirmed_at=datetime.datetime(2026, 6, 1, 12, tzinfo=LONDON),
    winner=None,
    price="40000.00",
    **opportunity_fields,
):
    """A confirmed award made straight in the database: the list only reads it."""
    wards = opportunity_fields.pop("wards", [])
    opportunity = OpportunityFactory(
        clarification_deadline=confirmed_at - datetime.timedelta(days=60),
        submission_deadline=confirmed_at - datetime.timedelta(days=50),
        **opportunity_fields,
    )
    opportunity.wards.set(wards)
    # Its box opened the day after the deadline, as every award's was.
    tender = Tender.objects.create(
        opportunity=opportunity, opened_at=confirmed_at - datetime.timedelta(days=49)
    )
    bid = Bid.objects.create(
        tender=tender,
        organisation=winner or OrganisationFactory(),
        reference=f"B-{opportunity.reference}",
    )
    decision = AwardDecision.objects.create(
        tender=tender,
        reason="Best.",
        results={"bids": [{"bid": bid.pk, "price": price}]},
        intention_sent_at=confirmed_at - datetime.timedelta(days=14),
        standstill_ends_at=confirmed_at - datetime.timedelta(days=1),
        confirmed_at=confirmed_at,
    )
    decision.winners.add(bid)
    return decision


def listed(client, query=""):
    page = client.get(f"{AWARDS}?{query}")
    assert page.status_code == 200
    return [award.tender.opportunity.reference for award in page.context["page"]]


def reference(decision):
    return decision.tender.opportunity.reference


def test_a_decision_is_listed_only_once_confirmed(
    opened_bids, tender, publisher_member, client, time_machine
):
    moderate(tender, publisher_member)
    lot = tender.opportunity.lots.get(number=1)
    decision = actions.send_intention(
        tender=tender, lot=lot, winners=[opened_bids[0]], reason="Best.", by=publisher_member
    )
    detail = reverse("opportunities:detail", args=[tender.opportunity.reference])
    winner = opened_bids[0].organisation.name
    assert listed(client) == []
    assert "Awarded to" not in client.get(detail).content.decode()
    time_machine.move_to(decision.standstill_ends_at, tick=False)
    actions.confirm_award(decision=decision, by=publisher_member)
    assert listed(client) == [tender.opportunity.reference]
    page = client.get(AWARDS).content.decode()
    assert winner in page and "£40,000.00" in page and "Lot 1: Lot 1 area" in page
    detail_page = client.get(detail).content.decode()
    assert "Awarded to" in detail_page and winner in detail_page
    # Only the winner: nothing about the other bids is published.
    assert opened_bids[1].organisation.name not in detail_page
    assert opened_bids[1].organisation.name not in page


def test_a_withdrawn_or_unpublished_award_is_not_listed(client):
    withdrawn = confirmed_award()
    AwardDecision.objects.filter(pk=withdrawn.pk).update(
        confirmed_at=None,
        withdrawn_at=withdrawn.intention_sent_at,
        withdrawal_reason="Error.",
    )
    draft = confirmed_award()
    draft.tender.opportunity.published_at = None
    draft.tender.opportunity.save()
    assert listed(client) == []


def test_newest_first_with_the_winners_partners(client):
    older = confirmed_award(confirmed_at=datetime.datetime(2025, 3, 1, tzinfo=LONDON))
    newer = confirmed_award()
    bid = newer.winners.get()
    BidPartner.objects.create(
        bid=bid, name="Neighbourhood Trust", identifier="GB-CHC-1", share_percent=20
    )
    assert listed(client) == [reference(newer), reference(older)]
    page = client.get(AWARDS).content.decode()
    assert f"{bid.organisation.name}, with Neighbourhood Trust" in page
    assert "1 June 2026" in page


def test_the_filters(client):
    ward = WardFactory()
    charity = confirmed_award(
        publisher=PublisherFactory(slug="city-council"),
        category=ServiceCategoryFactory(slug="housing"),
        citywide=False,
        wards=[ward],
        title="Supported housing",
        winner=OrganisationFactory(name="Hope Housing", legal_form=LegalForm.REGISTERED_CHARITY),
        confirmed_at=datetime.datetime(2025, 12, 31, 23, 30, tzinfo=LONDON),
    )
    cic = confirmed_award(
        citywide=False,
        title="Youth work",
        winner=OrganisationFactory(name="Young Minds CIC", legal_form=LegalForm.CIC),
        confirmed_at=datetime.datetime(2026, 1, 1, 0, 30, tzinfo=LONDON),
    )
    citywide = confirmed_award(citywide=True, title="Advice lines")
    assert listed(client, "publisher=city-council") == [reference(charity)]
    assert listed(client, "category=housing") == [reference(charity)]
    assert listed(client, f"ward={ward.slug}") == [reference(citywide), reference(charity)]
    assert listed(client, "year=2025") == [reference(charity)]
    assert listed(client, "year=2026") == [reference(citywide), reference(cic)]
    assert listed(client, "winner_type=cic") == [reference(cic)]
    assert listed(client, "q=hope") == [reference(charity)]
    assert listed(client, "q=youth") == [reference(cic)]
    assert listed(client, f"q={reference(citywide)}") == [reference(citywide)]


def test_a_filter_value_that_is_not_valid_is_reported_and_left_out(client):
    award = confirmed_award()
    response = client.get(f"{AWARDS}?winner_type=dragons&year=1066")
    page = response.content.decode()
    assert "Select a type of organisation from the list" in page
    assert "Select a year from the list" in page
    assert [a.pk for a in response.context["page"]] == [award.pk]


def test_the_list_pages_through_20_with_queries_that_do_not_grow(
    client, django_assert_max_num_queries
):
    for day in range(1, 23):
        confirmed_award(confirmed_at=datetime.datetime(2026, 5, day, tzinfo=LONDON))
    with django_assert_max_num_queries(9):
        first = client.get(AWARDS)
    assert len(first.context["page"]) == 20
    assert "22 awards" in first.content.decode()
    assert len(client.get(f"{AWARDS}?page=2").context["page"]) == 2


def test_a_lot_award_on_the_opportunity_page_names_its_lot(client):
    award = confirmed_award()
    lot = Lot.objects.create(opportunity=award.tender.opportunity, number=1, title="North")
    AwardDecision.objects.filter(pk=award.pk).update(lot=lot)
    page = client.get(reverse("opportunities:detail", args=[reference(award)])).content.decode()
    assert "Lot 1: North" in page and "£40,000.00" in page


def test_each_filter_takes_the_same_number_of_queries_for_2_or_12_awards(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ward = WardFactory(slug="aston")
    publisher = PublisherFactory(slug="city-council")
    category = ServiceCategoryFactory(slug="housing")

    def make(count):
        for n in range(count):
            award = confirmed_award(
                publisher=publisher,
                category=category,
                citywide=False,
                wards=[ward],
                title=f"Supported housing {n}",
                winner=OrganisationFactory(legal_form=LegalForm.CIC),
                confirmed_at=datetime.datetime(2025, 6, 1 + n, tzinfo=LONDON),
            )
            BidPartner.objects.create(bid=award.winners.get(), name="Partner", share_percent=5)

    queries = [
        "publisher=city-council",
        "category=housing",
        "ward=aston",
        "year=2025",
        "winner_type=cic",
        "q=housing",
        "ward=aston&year=2025&winner_type=cic",
    ]

    def counts():
        found = {}
        for query in queries:
            with CaptureQueriesContext(connection) as captured:
                found[query] = len(listed(client, query))
            found[query] = (found[query], len(captured.captured_queries))
        return found

    make(2)
    listed(client)  # the publishers are kept with the public lists: count them kept
    few = counts()
    make(10)
    many = counts()
    assert all(listed_ == 2 for listed_, _queries in few.values()), few
    assert all(listed_ == 12 for listed_, _queries in many.values()), many
    assert {q: n for q, (_, n) in few.items()} == {q: n for q, (_, n) in many.items()}
