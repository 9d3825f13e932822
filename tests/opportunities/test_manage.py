import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opportunities.views import publish
from portal.formats import LONDON
from tests.factories import MembershipFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 1, 5, 9, 0, tzinfo=LONDON))
def test_your_opportunities_writes_a_noon_deadline_as_midday(commissioner):
    OpportunityFactory(
        publisher=commissioner.organisation,
        submission_deadline=datetime(2026, 4, 6, 12, 0, tzinfo=LONDON),
    )
    page = commissioner.get("/opportunities/manage/").content.decode()
    assert "Midday on Monday 6 April 2026" in page
    assert "12:00" not in page
    assert "p.m." not in page


def _listed(page):
    """The references in the list's table, in order."""
    table = page.split('id="manage-caption"')[1].split("</table>")[0]
    return re.findall(r"<td class=\"govuk-table__cell\">(BCC-[\w-]+)</td>", table)


@pytest.fixture
def two_a_page(monkeypatch):
    monkeypatch.setattr(publish, "PER_PAGE", 2)


def test_your_opportunities_come_a_page_at_a_time_newest_first(commissioner, two_a_page):
    # Made in the same instant: the newest row (the highest key) comes first.
    with time_machine.travel(datetime(2026, 1, 5, 9, 0, tzinfo=LONDON), tick=False):
        made = [OpportunityFactory(publisher=commissioner.organisation) for _ in range(5)]
    newest_first = [o.reference for o in reversed(made)]
    first = commissioner.get("/opportunities/manage/").text
    assert _listed(first) == newest_first[:2]
    assert "1 to 2, newest first" in first
    assert _listed(commissioner.get("/opportunities/manage/?page=2").text) == newest_first[2:4]
    # Past the last page, or not a number: the last page, the first.
    assert _listed(commissioner.get("/opportunities/manage/?page=99").text) == newest_first[4:]
    assert _listed(commissioner.get("/opportunities/manage/?page=x").text) == newest_first[:2]


def test_every_status_is_counted_and_listed_on_its_own(commissioner, two_a_page):
    publisher = commissioner.organisation
    now = timezone.now()
    OpportunityFactory(publisher=publisher, reference="BCC-D-1", published_at=None)
    for n in range(3):
        OpportunityFactory(publisher=publisher, reference=f"BCC-O-{n}")
    closed = {
        "clarification_deadline": now - timedelta(days=3),
        "submission_deadline": now - timedelta(days=1),
    }
    OpportunityFactory(publisher=publisher, reference="BCC-C-1", **closed)
    OpportunityFactory(publisher=publisher, reference="BCC-A-1", awarded_at=now, **closed)
    OpportunityFactory(publisher=publisher, reference="BCC-X-1", cancelled_at=now)
    OpportunityFactory(reference="BCC-OTHER-1")  # another publisher's
    page = commissioner.get("/opportunities/manage/").text
    for label in ("All (7)", "Draft (1)", "Open (3)", "Closed (1)", "Awarded (1)"):
        assert label in page
    assert "Cancelled (1)" in page and "With questions to answer (0)" in page
    assert 'href="?show=draft"' in page and 'aria-current="page">All (7)' in page

    def listed(show, page=1):
        return _listed(commissioner.get(f"/opportunities/manage/?show={show}&page={page}").text)

    assert listed("draft") == ["BCC-D-1"]
    assert listed("open") == ["BCC-O-2", "BCC-O-1"] and listed("open", 2) == ["BCC-O-0"]
    assert listed("closed") == ["BCC-C-1"]
    assert listed("awarded") == ["BCC-A-1"]
    assert listed("cancelled") == ["BCC-X-1"]
    # Unknown: everything.
    assert len(listed("nonsense")) == 2 and "BCC-OTHER-1" not in str(listed("all", 4))


def test_the_chosen_status_and_words_are_kept_across_pages(commissioner, two_a_page):
    for n in range(3):
        OpportunityFactory(publisher=commissioner.organisation, title=f"Carers breaks {n}")
    OpportunityFactory(publisher=commissioner.organisation, title="Meals on wheels")
    page = commissioner.get("/opportunities/manage/?show=open&q=carers").text
    assert "Open matching “carers” (3)" in page
    assert 'href="?show=open&amp;q=carers&amp;page=2"' in page
    second = commissioner.get("/opportunities/manage/?show=open&q=carers&page=2").text
    assert [t for t in ("Carers breaks 0", "Meals on wheels") if t in second] == ["Carers breaks 0"]
    # Another status keeps the words and starts at page 1.
    assert 'href="?show=draft&amp;q=carers"' in second
    assert "Open (3)" in second and "All (3)" in second


def test_a_reference_finds_its_opportunity(commissioner):
    wanted = OpportunityFactory(publisher=commissioner.organisation, reference="BCC-2025-0042")
    OpportunityFactory(publisher=commissioner.organisation, reference="BCC-2025-0043")
    page = commissioner.get("/opportunities/manage/?q=bcc-2025-0042").text
    assert _listed(page) == [wanted.reference]
    assert (
        "None of your opportunities match"
        in commissioner.get("/opportunities/manage/?q=nothing+like+it").text
    )


def test_those_with_questions_waiting_are_listed_together(commissioner, two_a_page):
    from opportunities import actions

    asker = MembershipFactory()
    waiting = []
    for n in range(4):
        opportunity = OpportunityFactory(publisher=commissioner.organisation)
        question = actions.ask_question(
            opportunity=opportunity, organisation=asker.organisation, by=asker.user, text="Why?"
        )
        if n % 2:
            waiting.append(opportunity.reference)
        else:
            actions.answer_question(question=question, by=commissioner.user, answer="Yes.")
    page = commissioner.get("/opportunities/manage/?show=questions").text
    assert "With questions to answer (2)" in page
    assert _listed(page) == list(reversed(waiting))
    assert page.count("1 question to answer") == 2


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/opportunities/manage/", "/opportunities/manage/?show=open"])
def test_your_opportunities_take_as_many_queries_however_many_there_are(commissioner, url):
    asker = MembershipFactory()
    from opportunities import actions

    def add(count):
        for _ in range(count):
            opportunity = OpportunityFactory(publisher=commissioner.organisation)
            actions.ask_question(
                opportunity=opportunity, organisation=asker.organisation, by=asker.user, text="?"
            )

    add(2)
    few = _queries(commissioner, url)
    add(60)  # more than a page
    page = commissioner.get(url).text
    assert len(_listed(page)) == publish.PER_PAGE
    assert page.count("1 question to answer") == publish.PER_PAGE
    assert _queries(commissioner, url) == few


def test_words_that_cannot_be_searched_for_list_everything(commissioner):
    """A NUL character cannot go into a query: the list is shown as if unsearched."""
    wanted = OpportunityFactory(publisher=commissioner.organisation, reference="BCC-2025-0042")
    response = commissioner.get("/opportunities/manage/?q=a%00b")
    assert response.status_code == 200
    assert _listed(response.text) == [wanted.reference]
