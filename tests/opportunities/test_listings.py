"""The public lists kept for a minute: the home page, the feed and the publishers.

Each change an action makes shows at once; a row written any other way (the
admin site, a deadline passing) shows within a minute.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from opportunities import actions
from opportunities.listings import KEPT_FOR_SECONDS
from tests.factories import OpportunityFactory, PublisherFactory, UserFactory
from tests.opportunities.test_home import listed_under, opportunity

pytestmark = pytest.mark.django_db

FEED = "/opportunities/feed/"


def draft(title, **fields):
    now = timezone.now()
    return OpportunityFactory(
        title=title,
        published_at=None,
        clarification_deadline=now + timedelta(days=59),
        submission_deadline=now + timedelta(days=90),
        **fields,
    )


@pytest.fixture
def commissioner_of():
    def make(publisher):
        user = UserFactory()
        publisher.memberships.create(user=user, role="admin")
        return user

    return make


def test_what_an_action_changes_shows_at_once(
    visitor, commissioner_of, django_capture_on_commit_callbacks
):
    opportunity("Carers breaks", closes_in=30)
    assert listed_under(visitor.get("/"), "Newest") == ["Carers breaks"]
    published = draft("Youth clubs")
    by = commissioner_of(published.publisher)
    with django_capture_on_commit_callbacks(execute=True):
        actions.publish(opportunity=published, by=by)
    assert listed_under(visitor.get("/"), "Newest") == ["Youth clubs", "Carers breaks"]
    assert "Youth clubs" in visitor.get(FEED).text
    assert "Youth clubs" in visitor.get("/opportunities/", {"sort": "newest"}).text

    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel(opportunity=published, by=by, reason="The service moved in-house.")
    assert listed_under(visitor.get("/"), "Newest") == ["Carers breaks"]


def test_a_row_written_another_way_shows_within_a_minute(visitor, time_machine, settings):
    # Redis keeps its own time: the cache in memory follows the test's clock.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    time_machine.move_to(timezone.now(), tick=False)
    opportunity("Carers breaks", closes_in=30)
    assert listed_under(visitor.get("/"), "Newest") == ["Carers breaks"]
    assert "Carers breaks" in visitor.get(FEED).text
    visitor.get("/opportunities/")
    opportunity("Youth clubs", closes_in=30, publisher=PublisherFactory(name="Sutton Trust"))
    # Kept: the same lists as a moment ago.
    assert listed_under(visitor.get("/"), "Newest") == ["Carers breaks"]
    assert "Youth clubs" not in visitor.get(FEED).text
    assert "Sutton Trust</option>" not in visitor.get("/opportunities/").text

    time_machine.shift(timedelta(seconds=KEPT_FOR_SECONDS + 1))
    assert listed_under(visitor.get("/"), "Newest") == ["Youth clubs", "Carers breaks"]
    assert "Youth clubs" in visitor.get(FEED).text
    assert "Sutton Trust</option>" in visitor.get("/opportunities/").text


def test_the_feed_is_kept_for_each_address_it_is_served_at(visitor):
    opportunity("Carers breaks", closes_in=30)
    assert "http://localhost/opportunities/" in visitor.get(FEED, HTTP_HOST="localhost").text
    other = visitor.get(FEED, HTTP_HOST="127.0.0.1").text
    assert "http://127.0.0.1/opportunities/" in other
    assert "http://localhost/" not in other
