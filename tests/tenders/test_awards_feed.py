"""The Atom feed of confirmed awards (``/awards/feed/``): confirmed ones only, newest
first, nothing before confirmation or about a box not yet opened, and bounded."""

import datetime
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils.dateparse import parse_datetime

from opportunities.models import Lot
from tenders import actions
from tenders.awards import feed_awards
from tenders.models import AwardDecision, BidPartner, Tender
from tests.factories import OrganisationFactory, PublisherFactory, ServiceCategoryFactory
from tests.tenders.award import moderate
from tests.tenders.conftest import submitted_bids
from tests.tenders.test_awards_list import confirmed_award, reference

pytestmark = pytest.mark.django_db

FEED = "/awards/feed/"
ATOM = "{http://www.w3.org/2005/Atom}"
LONDON = ZoneInfo("Europe/London")


def entries_in(response):
    """The feed's entries, once it is checked to be Atom with what Atom requires."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for element in ["id", "title", "updated"]:
        assert root.find(f"{ATOM}{element}") is not None, element
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for element in ["id", "title", "updated", "link"]:
            assert entry.find(f"{ATOM}{element}") is not None, element
    return entries


def titles(response):
    return [entry.findtext(f"{ATOM}title") for entry in entries_in(response)]


def test_confirmed_awards_newest_first_and_nothing_else(visitor):
    confirmed_award(title="Older", confirmed_at=datetime.datetime(2026, 3, 1, tzinfo=LONDON))
    confirmed_award(title="Newest", confirmed_at=datetime.datetime(2026, 6, 1, tzinfo=LONDON))
    intended = confirmed_award(title="Intended")
    AwardDecision.objects.filter(pk=intended.pk).update(confirmed_at=None)
    withdrawn = confirmed_award(title="Withdrawn")
    AwardDecision.objects.filter(pk=withdrawn.pk).update(
        confirmed_at=None, withdrawn_at=withdrawn.intention_sent_at, withdrawal_reason="Error."
    )
    draft = confirmed_award(title="Draft")
    draft.tender.opportunity.published_at = None
    draft.tender.opportunity.save()
    response = visitor.get(FEED)
    assert titles(response) == ["Newest", "Older"]
    updated = [parse_datetime(e.findtext(f"{ATOM}updated")) for e in entries_in(response)]
    assert updated == [
        datetime.datetime(2026, 6, 1, tzinfo=LONDON),
        datetime.datetime(2026, 3, 1, tzinfo=LONDON),
    ]


def test_an_entry_names_its_lot_winners_value_and_links_to_the_award(visitor):
    award = confirmed_award(
        title="Supported housing",
        publisher=PublisherFactory(name="Birmingham City Council"),
        winner=OrganisationFactory(name="Hope Housing"),
        price="123456.78",
    )
    lot = Lot.objects.create(opportunity=award.tender.opportunity, number=2, title="North")
    AwardDecision.objects.filter(pk=award.pk).update(lot=lot)
    BidPartner.objects.create(bid=award.winners.get(), name="Neighbourhood Trust", share_percent=5)
    (entry,) = entries_in(visitor.get(FEED))
    assert entry.findtext(f"{ATOM}title") == "Supported housing – Lot 2: North"
    assert entry.findtext(f"{ATOM}summary") == (
        "Awarded to Hope Housing, with Neighbourhood Trust. Value: £123,456.78. "
        "Confirmed on 1 June 2026."
    )
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Birmingham City Council"
    page = f"/opportunities/{reference(award)}/"
    link = entry.find(f"{ATOM}link").get("href")
    assert link == f"http://testserver{page}#award-{award.pk}"
    assert entry.findtext(f"{ATOM}id") == link
    # The link's fragment is the award's place on the opportunity's page.
    assert f'id="award-{award.pk}"' in visitor.get(page).text


def test_each_lot_of_one_opportunity_is_its_own_entry(visitor):
    first = confirmed_award()
    opportunity = first.tender.opportunity
    north = Lot.objects.create(opportunity=opportunity, number=1, title="North")
    south = Lot.objects.create(opportunity=opportunity, number=2, title="South")
    AwardDecision.objects.filter(pk=first.pk).update(lot=north)
    second = AwardDecision.objects.create(
        tender=first.tender,
        lot=south,
        reason="Best.",
        intention_sent_at=first.intention_sent_at,
        standstill_ends_at=first.standstill_ends_at,
        confirmed_at=first.confirmed_at,
    )
    second.winners.set(first.winners.all())
    ids = [entry.findtext(f"{ATOM}id") for entry in entries_in(visitor.get(FEED))]
    assert len(ids) == len(set(ids)) == 2


def test_an_intended_award_appears_only_once_confirmed(
    opened_bids, tender, publisher_member, visitor, time_machine
):
    moderate(tender, publisher_member)
    decision = actions.send_intention(
        tender=tender,
        lot=tender.opportunity.lots.get(number=1),
        winners=[opened_bids[0]],
        reason="Best.",
        by=publisher_member,
    )
    response = visitor.get(FEED)
    assert entries_in(response) == []
    assert opened_bids[0].organisation.name.encode() not in response.content
    time_machine.move_to(decision.standstill_ends_at, tick=False)
    actions.confirm_award(decision=decision, by=publisher_member)
    (entry,) = entries_in(visitor.get(FEED))
    assert opened_bids[0].organisation.name in entry.findtext(f"{ATOM}summary")
    # Nothing about the bids that lost.
    body = visitor.get(FEED).content.decode()
    for loser in opened_bids[1:]:
        assert loser.organisation.name not in body


def test_nothing_about_a_tender_whose_box_is_not_open(tender, visitor):
    bids = submitted_bids(tender, ["40000"])
    assert entries_in(visitor.get(FEED)) == []
    # Even a confirmed decision, were one written with the box still shut, is left out.
    decision = AwardDecision.objects.create(
        tender=tender,
        reason="Best.",
        results={"bids": [{"bid": bids[0].pk, "price": "40000"}]},
        intention_sent_at=datetime.datetime(2026, 5, 1, tzinfo=LONDON),
        standstill_ends_at=datetime.datetime(2026, 5, 20, tzinfo=LONDON),
        confirmed_at=datetime.datetime(2026, 5, 21, tzinfo=LONDON),
    )
    decision.winners.set(bids)
    assert Tender.objects.get(pk=tender.pk).opened_at is None
    response = visitor.get(FEED)
    assert entries_in(response) == []
    assert bids[0].organisation.name.encode() not in response.content


def test_the_feed_holds_the_newest_fifty_in_three_queries(visitor, django_assert_num_queries):
    publisher, category = PublisherFactory(), ServiceCategoryFactory()
    for n in range(55):
        award = confirmed_award(
            title=f"Award {n}",
            publisher=publisher,
            category=category,
            confirmed_at=datetime.datetime(2026, 6, 1, tzinfo=LONDON) - datetime.timedelta(hours=n),
        )
        BidPartner.objects.create(bid=award.winners.get(), name="Partner", share_percent=5)
    # The awards, their winning bids, the bids' partners.
    with django_assert_num_queries(3):
        response = visitor.get(FEED)
    names = titles(response)
    assert len(names) == 50
    assert (names[0], names[-1]) == ("Award 0", "Award 49")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_the_feed_reads_the_index_of_confirmed_awards_newest_first():
    sql, params = feed_awards(limit=50).query.sql_with_params()
    with connection.cursor() as cursor:
        # On a table this small the planner would rightly read it all; barred from that,
        # it shows the index fits the query's conditions and its order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert plan.lstrip().startswith("Limit"), plan
    assert "award_confirmed_newest" in plan, plan


def test_control_characters_cannot_break_the_feed(visitor):
    confirmed_award(title="Bell\x07 and form feed\x0c")
    assert titles(visitor.get(FEED)) == ["Bell and form feed"]


def test_an_empty_feed_is_still_valid(visitor):
    assert entries_in(visitor.get(FEED)) == []


def test_the_awards_list_points_to_the_feed(visitor):
    text = visitor.get("/awards/").text
    assert '<link rel="alternate" type="application/atom+xml"' in text
    assert f'href="{FEED}"' in text
    assert "Follow new awards in a feed reader (Atom feed)" in text
