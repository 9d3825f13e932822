"""The public list of awards as a CSV download (``/awards/awards.csv``): the list's
filters, confirmed awards only, what the list shows and nothing more."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opportunities.models import Lot
from organisations.models import LegalForm
from tenders import actions
from tenders.models import AwardDecision, BidPartner
from tests.downloads import csv_download
from tests.factories import (
    OrganisationFactory,
    PublisherFactory,
    ServiceCategoryFactory,
    WardFactory,
)
from tests.tenders.award import moderate
from tests.tenders.conftest import submitted_bids
from tests.tenders.test_awards_list import confirmed_award, reference

pytestmark = pytest.mark.django_db

DOWNLOAD = "/awards/awards.csv"
LONDON = ZoneInfo("Europe/London")


def download(client, query=""):
    """The response, and its rows as dictionaries by column."""
    return csv_download(client, f"{DOWNLOAD}?{query}")


def references(client, query=""):
    return [row["Opportunity reference"] for row in download(client, query)[1]]


def listed(client, query=""):
    page = client.get(f"/awards/?{query}").context["page"]
    return [award.tender.opportunity.reference for award in page]


def test_the_download_is_a_streamed_utf8_csv_file(visitor):
    confirmed_award()
    response, rows = download(visitor)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="awards-{today}.csv"'
    assert len(rows) == 1


def test_a_row_holds_what_the_list_shows(visitor):
    award = confirmed_award(
        title="Supported housing",
        publisher=PublisherFactory(name="Birmingham City Council"),
        category=ServiceCategoryFactory(name="Housing"),
        winner=OrganisationFactory(name="Hope Housing"),
        price="123456.78",
        confirmed_at=datetime.datetime(2026, 6, 1, 12, tzinfo=LONDON),
    )
    lot = Lot.objects.create(opportunity=award.tender.opportunity, number=2, title="North")
    AwardDecision.objects.filter(pk=award.pk).update(lot=lot)
    bid = award.winners.get()
    BidPartner.objects.create(bid=bid, name="Neighbourhood Trust", share_percent=20)
    (row,) = download(visitor)[1]
    assert row == {
        "Opportunity reference": reference(award),
        "Title": "Supported housing",
        "Published by": "Birmingham City Council",
        "Category": "Housing",
        "Lot number": "2",
        "Lot title": "North",
        "Winners": "Hope Housing",
        "Consortium partners": "Neighbourhood Trust (with Hope Housing)",
        "Awarded value (GBP)": "123456.78",
        "Confirmed": "2026-06-01T12:00:00+01:00",
        "URL": f"http://testserver/opportunities/{reference(award)}/",
    }


def test_only_confirmed_awards_of_published_opportunities_are_downloaded(visitor):
    confirmed = confirmed_award()
    intended = confirmed_award()
    AwardDecision.objects.filter(pk=intended.pk).update(confirmed_at=None)
    withdrawn = confirmed_award()
    AwardDecision.objects.filter(pk=withdrawn.pk).update(
        confirmed_at=None, withdrawn_at=withdrawn.intention_sent_at, withdrawal_reason="Error."
    )
    draft = confirmed_award()
    draft.tender.opportunity.published_at = None
    draft.tender.opportunity.save()
    assert references(visitor) == [reference(confirmed)]


def test_an_intended_award_is_not_downloaded_until_it_is_confirmed(
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
    assert download(visitor)[1] == []
    time_machine.move_to(decision.standstill_ends_at, tick=False)
    actions.confirm_award(decision=decision, by=publisher_member)
    (row,) = download(visitor)[1]
    assert row["Winners"] == opened_bids[0].organisation.name
    assert row["Awarded value (GBP)"] == "40000.00"
    body = b"".join(visitor.get(DOWNLOAD).streaming_content).decode("utf-8-sig")
    # Nothing about the bids that lost, and no scores or evaluators.
    for loser in opened_bids[1:]:
        assert loser.organisation.name not in body
        assert loser.reference not in body
    assert publisher_member.full_name not in body
    assert "score" not in body.lower()


def test_nothing_about_a_sealed_bid_is_in_any_download(tender, visitor):
    (bid,) = submitted_bids(tender, ["40000"])
    assert tender.opened_at is None
    bodies = [
        b"".join(visitor.get(f"{path}?status=any").streaming_content).decode("utf-8-sig")
        for path in (DOWNLOAD, "/opportunities/opportunities.csv", "/contracts/contracts.csv")
    ]
    assert tender.opportunity.reference in bodies[1]  # the opportunity itself is public
    for body in bodies:
        assert bid.organisation.name not in body
        assert bid.reference not in body


def test_the_download_honours_the_lists_filters(visitor):
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
    for query, expected in [
        ("publisher=city-council", [charity]),
        ("category=housing", [charity]),
        (f"ward={ward.slug}", [citywide, charity]),
        ("year=2026", [citywide, cic]),
        ("year=2026&winner_type=cic", [cic]),
        ("q=hope", [charity]),
        ("winner_type=dragons&q=youth", [cic]),  # a value not valid is left out
    ]:
        assert references(visitor, query) == [reference(award) for award in expected], query
        assert references(visitor, query) == listed(visitor, query), query


def test_a_title_a_spreadsheet_would_run_is_written_as_text(visitor):
    confirmed_award(title="@SUM(1+1)*cmd|' /C calc'!A0")
    (row,) = download(visitor)[1]
    assert row["Title"] == "'@SUM(1+1)*cmd|' /C calc'!A0"


def test_the_queries_do_not_grow_with_the_rows(visitor):
    publisher, category = PublisherFactory(), ServiceCategoryFactory()

    def make(n):
        for _ in range(n):
            award = confirmed_award(publisher=publisher, category=category)
            BidPartner.objects.create(bid=award.winners.get(), name="Partner", share_percent=10)

    def queries_for(expected_rows):
        with CaptureQueriesContext(connection) as queries:
            assert len(download(visitor)[1]) == expected_rows
        return len(queries)

    make(3)
    queries_for(3)  # the filter form's list of publishers is then kept
    few = queries_for(3)
    make(27)
    assert queries_for(30) == few


def test_rows_across_chunks_keep_their_own_winners_and_partners(visitor, monkeypatch):
    monkeypatch.setattr("portal.csv.CHUNK_SIZE", 2)
    expected = {}
    for n in range(5):
        award = confirmed_award(winner=OrganisationFactory(name=f"Winner {n}"))
        BidPartner.objects.create(bid=award.winners.get(), name=f"Partner {n}", share_percent=5)
        expected[reference(award)] = (f"Winner {n}", f"Partner {n} (with Winner {n})")
    rows = download(visitor)[1]
    assert {r["Opportunity reference"]: (r["Winners"], r["Consortium partners"]) for r in rows} == (
        expected
    )


def test_the_list_links_to_the_download_of_its_results(visitor):
    page = visitor.get("/awards/?year=2026&page=3").text
    assert f'href="{DOWNLOAD}?year=2026"' in page
    assert "Download these results as CSV" in page
