"""Lists count at most a thousand matches and page through at most those."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opportunities.models import Opportunity
from portal.pagination import BoundedPaginator
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def test_a_list_within_the_limit_is_counted_and_paged_as_usual():
    OpportunityFactory.create_batch(5)
    paginator = BoundedPaginator(Opportunity.objects.order_by("pk"), 2, limit=10)
    assert (paginator.count, paginator.num_pages, paginator.more) == (5, 3, False)


def test_a_list_over_the_limit_stops_counting_and_paging_at_it(django_assert_num_queries):
    OpportunityFactory.create_batch(7)
    paginator = BoundedPaginator(Opportunity.objects.order_by("pk"), 2, limit=4)
    with django_assert_num_queries(1):
        assert (paginator.count, paginator.num_pages, paginator.more) == (4, 2, True)
    assert len(paginator.get_page(99).object_list) == 2  # the last page within the limit


def test_exactly_the_limit_is_not_more():
    OpportunityFactory.create_batch(4)
    paginator = BoundedPaginator(Opportunity.objects.order_by("pk"), 2, limit=4)
    assert (paginator.count, paginator.more) == (4, False)


def test_over_limit_narrows_what_is_paged_only_when_there_are_more():
    OpportunityFactory.create_batch(5)
    everything = Opportunity.objects.order_by("pk")
    newest_two = list(everything.reverse()[:2])

    def narrow(queryset, limit):
        assert limit == 4
        return queryset.filter(pk__in=[o.pk for o in newest_two])

    paginator = BoundedPaginator(everything, 2, limit=4, over_limit=narrow)
    assert (paginator.count, paginator.more) == (4, True)
    assert list(paginator.page(1)) == sorted(newest_two, key=lambda o: o.pk)
    enough = BoundedPaginator(everything, 2, limit=5, over_limit=narrow)
    assert len(enough.page(3)) == 1


def test_the_search_page_says_more_than_the_limit_and_how_to_narrow_it(client, monkeypatch):
    monkeypatch.setattr("portal.pagination.LIMIT", 30)  # a thousand rows would be slow here
    OpportunityFactory.create_batch(31)
    first = client.get("/opportunities/")
    assert "More than 30 opportunities" in first.text
    assert "Showing 1 to 20 of the first 30" in first.text
    last = client.get("/opportunities/", {"page": "2"})
    assert "Only the first 30 opportunities are listed" in last.text
    assert 'rel="next"' not in last.text


@pytest.mark.parametrize("sort", ["relevance", "value"])
def test_the_count_neither_sorts_nor_ranks_the_matches(client, sort):
    """Counting needs only the keys: sorting or ranking every match is the cost avoided."""
    OpportunityFactory.create_batch(3, title="Advice service")
    with CaptureQueriesContext(connection) as queries:
        client.get("/opportunities/", {"q": "advice", "sort": sort})
    [count] = [query["sql"] for query in queries if "COUNT(" in query["sql"]]
    assert "ts_rank" not in count
    assert "LIMIT 1001" in count
    assert "ORDER BY" not in count
