"""Opening the sealed bid box after the deadline, and reading the tender's log."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from tenders import actions
from tenders.models import TenderEvent
from tests.tenders.conftest import complete

pytestmark = pytest.mark.django_db

OUTSIDERS = ["commissioner", "organisation_admin", "other_member", "visitor", "evaluator"]


def url(name, tender):
    return reverse(f"tenders:{name}", args=[tender.opportunity.reference])


def after_deadline(tender, minutes=5):
    return time_machine.travel(
        tender.opportunity.submission_deadline + timedelta(minutes=minutes), tick=False
    )


@pytest.fixture
def submitted(tender, bid, bidder):
    """A bid submitted before the deadline; its version holds the SHA-256."""
    complete(bid, bidder)
    return actions.submit(bid=bid, by=bidder)


def test_the_box_cannot_be_opened_before_the_deadline(client, tender, publisher_member):
    client.force_login(publisher_member)
    page = client.get(url("tender", tender))
    assert "Open the bid box" not in page.text
    response = client.post(url("open_box", tender), follow=True)
    assert "The bid box can only be opened after the deadline for bids" in response.text
    tender.refresh_from_db()
    assert tender.opened_at is None
    assert not tender.events.filter(kind=TenderEvent.Kind.BOX_OPENED).exists()


def test_after_the_deadline_a_commissioner_opens_the_box(
    client, tender, publisher_member, submitted
):
    with after_deadline(tender):
        client.force_login(publisher_member)
        page = client.get(url("tender", tender))
        assert "Open the bid box" in page.text
        assert "bids submitted" not in page.text  # the count is for before the deadline

        response = client.post(url("open_box", tender), follow=True)

        tender.refresh_from_db()
        assert tender.opened_by == publisher_member
        assert tender.opened_at is not None
        event = tender.events.get(kind=TenderEvent.Kind.BOX_OPENED)
        assert (event.by, event.detail["submitted"]) == (publisher_member, 1)
        assert "The bid box is open." in response.text
        assert f"The bid box was opened by {escape(publisher_member.full_name)}" in response.text
        assert "Open the bid box" not in response.text
        assert url("log", tender) in response.text


def test_opening_twice_keeps_the_first_opening(client, tender, publisher_member):
    with after_deadline(tender) as traveller:
        client.force_login(publisher_member)
        client.post(url("open_box", tender))
        tender.refresh_from_db()
        first = tender.opened_at
        traveller.shift(timedelta(hours=1))
        client.post(url("open_box", tender))
        tender.refresh_from_db()
        assert tender.opened_at == first
        assert tender.events.filter(kind=TenderEvent.Kind.BOX_OPENED).count() == 1


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_cannot_open_the_box(request, persona, tender):
    with after_deadline(tender):
        client = request.getfixturevalue(persona)
        assert client.post(url("open_box", tender)).status_code == 404
    tender.refresh_from_db()
    assert tender.opened_at is None


def test_the_box_opens_only_by_post(client, tender, publisher_member):
    with after_deadline(tender):
        client.force_login(publisher_member)
        assert client.get(url("open_box", tender)).status_code == 405
    tender.refresh_from_db()
    assert tender.opened_at is None


@pytest.mark.parametrize("persona", ["publisher_member", "site_admin"])
def test_the_log_is_404_before_the_deadline(request, client, persona, tender, submitted):
    if persona == "publisher_member":
        client.force_login(request.getfixturevalue("publisher_member"))
    else:
        client = request.getfixturevalue("site_admin")
    assert client.get(url("log", tender)).status_code == 404


@pytest.mark.parametrize("persona", ["publisher_member", "site_admin"])
def test_the_log_is_readable_after_the_deadline(request, client, persona, tender, submitted, bid):
    with after_deadline(tender):
        if persona == "publisher_member":
            client.force_login(request.getfixturevalue("publisher_member"))
        else:
            client = request.getfixturevalue("site_admin")
        response = client.get(url("log", tender))
    assert response.status_code == 200
    assert "Tender started from the 60/20/20 template" in response.text
    assert "Evaluation method locked by the first bid" in response.text
    assert "Bid submitted" in response.text
    assert bid.reference in response.text
    assert submitted.sha256 in response.text


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_cannot_read_the_log_even_after_the_deadline(request, persona, tender):
    with after_deadline(tender):
        client = request.getfixturevalue(persona)
        assert client.get(url("log", tender)).status_code == 404
