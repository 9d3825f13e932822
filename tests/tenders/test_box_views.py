"""Opening the sealed bid box after the deadline, and reading the tender's log."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from tenders import actions
from tenders.actions.audit import record
from tenders.models import TenderEvent
from tenders.views import box
from tests.factories import UserFactory
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


def _entries(page):
    """The summaries of the log's rows, in order."""
    body = page.split('id="log-caption"')[1].split("</table>")[0]
    return re.findall(r"<strong>[^<]*</strong><br>([^<]*)</td>", body)


@pytest.fixture
def logged(tender, publisher_member, submitted):
    """Three entries of each kind below after the bid, at the same instant."""
    scored = TenderEvent.Kind.SCORE_ENTERED
    at = tender.events.latest("at", "pk").at
    for n in range(3):
        record(tender, scored, by=publisher_member, summary=f"Score {n}", at=at)
        record(
            tender, TenderEvent.Kind.PANEL_CHANGED, by=publisher_member, summary=f"Panel {n}", at=at
        )
    return tender


@pytest.fixture
def three_a_page(monkeypatch):
    monkeypatch.setattr(box, "EVENTS_PER_PAGE", 3)


def test_the_log_comes_a_page_at_a_time_in_order(client, logged, publisher_member, three_a_page):
    before = [e.summary for e in logged.events.exclude(kind=TenderEvent.Kind.SCORE_ENTERED)]
    assert before[-3:] == ["Panel 0", "Panel 1", "Panel 2"]
    pages = (len(before) + 2) // 3
    with after_deadline(logged):
        client.force_login(publisher_member)
        read = [_entries(client.get(url("log", logged) + f"?page={n}").text) for n in (1, 2, pages)]
        past_the_end = _entries(client.get(url("log", logged) + "?page=999").text)
        first = client.get(url("log", logged)).text
    assert read[0] == before[:3] and read[1] == before[3:6]
    assert read[2] == before[(pages - 1) * 3 :] and past_the_end == read[2]
    assert f"Entries 1 to 3 of {len(before)}, oldest first" in first


def test_scores_entered_are_left_out_unless_asked_for(
    client, logged, publisher_member, three_a_page
):
    every = [e.summary for e in logged.events.all()]
    with after_deadline(logged):
        client.force_login(publisher_member)
        first = client.get(url("log", logged)).text
        shown = [
            _entries(client.get(url("log", logged) + f"?scores=shown&page={n}").text)
            for n in range(1, (len(every) + 2) // 3 + 1)
        ]
        second = client.get(url("log", logged) + "?scores=shown&page=2").text
        second_without = client.get(url("log", logged) + "?page=2").text
    assert "3 scores entered by evaluators, one entry each, are left out" in first
    assert 'href="?scores=shown"' in first
    assert "Score 0" not in first
    # Every entry, each once, in order; the choice is kept from page to page.
    assert [summary for page in shown for summary in page] == every
    assert 'href="?scores=shown&amp;page=3"' in second
    assert 'href="?"' in second  # leave them out again
    # Either way round, the other choice starts at the first page.
    assert 'href="?scores=shown"' in second_without


def test_the_log_takes_as_many_queries_however_long_it_is(client, logged, publisher_member):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            for query in ("", "?scores=shown"):
                assert client.get(url("log", logged) + query).status_code == 200
        return len(captured)

    with after_deadline(logged):
        client.force_login(publisher_member)
        few = queries()
        for _ in range(box.EVENTS_PER_PAGE * 2):
            by = UserFactory()
            record(
                logged, TenderEvent.Kind.SCORE_ENTERED, by=by, summary="S", bid=logged.bids.get()
            )
            record(logged, TenderEvent.Kind.MODERATED, by=by, summary="M", bid=logged.bids.get())
        assert len(_entries(client.get(url("log", logged)).text)) == box.EVENTS_PER_PAGE
        assert queries() == few


@pytest.mark.parametrize("query", ["?page=2", "?scores=shown", "?scores=shown&page=999"])
@pytest.mark.parametrize("persona", ["publisher_member", "site_admin"])
def test_no_page_of_the_log_is_readable_before_the_deadline(
    request, client, persona, logged, query
):
    if persona == "publisher_member":
        client.force_login(request.getfixturevalue("publisher_member"))
    else:
        client = request.getfixturevalue("site_admin")
    assert client.get(url("log", logged) + query).status_code == 404


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_cannot_read_any_page_of_the_log(request, persona, logged):
    with after_deadline(logged):
        client = request.getfixturevalue(persona)
        for query in ("?page=2", "?scores=shown&page=1"):
            assert client.get(url("log", logged) + query).status_code == 404
