import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tests.factories import OpportunityFactory, PublisherFactory, ServiceCategoryFactory

pytestmark = pytest.mark.django_db

FEED = "/opportunities/feed/"
ATOM = "{http://www.w3.org/2005/Atom}"


def entries_in(response):
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


def test_the_feed_is_atom_with_published_opportunities_newest_first(visitor):
    now = timezone.now()
    OpportunityFactory(title="Older", published_at=now - timedelta(days=3))
    OpportunityFactory(title="Newest", published_at=now - timedelta(hours=1))
    OpportunityFactory(title="Middle", published_at=now - timedelta(days=1))
    OpportunityFactory(title="A draft", published_at=None)
    entries = entries_in(visitor.get(FEED))
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Newest", "Middle", "Older"]
    updated = [parse_datetime(entry.findtext(f"{ATOM}updated")) for entry in entries]
    assert updated == sorted(updated, reverse=True)


def test_an_entry_links_to_the_opportunity_and_names_its_publisher(visitor):
    opportunity = OpportunityFactory(
        title="Carers support",
        summary="Breaks for unpaid carers.",
        publisher=PublisherFactory(name="Birmingham City Council"),
    )
    (entry,) = entries_in(visitor.get(FEED))
    link = entry.find(f"{ATOM}link").get("href")
    assert link == f"http://testserver/opportunities/{opportunity.reference}/"
    assert entry.findtext(f"{ATOM}id") == link
    assert entry.findtext(f"{ATOM}summary") == "Breaks for unpaid carers."
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Birmingham City Council"
    assert parse_datetime(entry.findtext(f"{ATOM}updated")) == opportunity.published_at


def test_closed_awarded_and_cancelled_opportunities_stay_in_the_feed(visitor):
    now = timezone.now()
    OpportunityFactory(title="Awarded", awarded_at=now)
    OpportunityFactory(title="Cancelled", cancelled_at=now)
    OpportunityFactory(
        title="Closed",
        clarification_deadline=now - timedelta(days=2),
        submission_deadline=now - timedelta(days=1),
    )
    titles = {entry.findtext(f"{ATOM}title") for entry in entries_in(visitor.get(FEED))}
    assert titles == {"Awarded", "Cancelled", "Closed"}


def test_the_feed_holds_the_newest_fifty_in_one_query(visitor, django_assert_num_queries):
    publisher, category = PublisherFactory(), ServiceCategoryFactory()
    now = timezone.now()
    for n in range(55):
        OpportunityFactory(
            title=f"Opportunity {n}",
            publisher=publisher,
            category=category,
            published_at=now - timedelta(hours=n),
        )
    with django_assert_num_queries(1):
        response = visitor.get(FEED)
    entries = entries_in(response)
    assert len(entries) == 50
    assert entries[0].findtext(f"{ATOM}title") == "Opportunity 0"
    assert entries[-1].findtext(f"{ATOM}title") == "Opportunity 49"


def test_control_characters_cannot_break_the_feed(visitor):
    OpportunityFactory(title="Bell\x07 and form feed\x0c", summary="Tab\tand\x1b escape")
    (entry,) = entries_in(visitor.get(FEED))
    assert entry.findtext(f"{ATOM}title") == "Bell and form feed"


def test_an_empty_feed_is_still_valid(visitor):
    assert entries_in(visitor.get(FEED)) == []


def test_the_search_page_points_to_the_feed(visitor):
    text = visitor.get("/opportunities/").text
    assert '<link rel="alternate" type="application/atom+xml"' in text
