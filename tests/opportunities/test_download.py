"""The opportunity search as a CSV download: the search page's filters, every result,
plain values, no contact's name or address, and queries that do not grow with rows."""

import datetime
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opportunities.models import CpvCode, Procedure
from opportunities.views.search import RESULTS_PER_PAGE
from tests.downloads import csv_download
from tests.factories import (
    OpportunityFactory,
    PublisherFactory,
    ServiceCategoryFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db

DOWNLOAD = "/opportunities/opportunities.csv"
LONDON = ZoneInfo("Europe/London")


def download(client, query=""):
    """The response, and its rows as dictionaries by column."""
    return csv_download(client, f"{DOWNLOAD}?{query}")


def references(client, query=""):
    return [row["Reference"] for row in download(client, query)[1]]


def listed(client, query=""):
    """The references the search page lists for ``query`` (one page is enough here)."""
    page = client.get(f"/opportunities/?{query}").context["page"]
    return [opportunity.reference for opportunity in page]


def test_the_download_is_a_streamed_utf8_csv_file(visitor):
    OpportunityFactory()
    response, rows = download(visitor)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="opportunities-{today}.csv"'
    assert len(rows) == 1


def test_a_row_holds_what_the_page_shows_as_plain_values(visitor):
    aston, bordesley = WardFactory(name="Aston"), WardFactory(name="Bordesley")
    cpv = CpvCode.objects.create(code="99999999-1", description="Testing services")
    opportunity = OpportunityFactory(
        title="Home from hospital",
        publisher=PublisherFactory(name="Birmingham City Council"),
        category=ServiceCategoryFactory(name="Adult social care"),
        value_low=Decimal("40000"),
        value_high=Decimal("60000.50"),
        procedure=Procedure.LIGHT_TOUCH,
        published_at=datetime.datetime(2026, 6, 1, 9, 30, tzinfo=LONDON),
        clarification_deadline=timezone.now() + timedelta(days=20),
        submission_deadline=datetime.datetime(2099, 7, 1, 12, 0, tzinfo=LONDON),
        contract_start=datetime.date(2099, 10, 1),
        duration_months=24,
        citywide=False,
        suitable_for_small=True,
    )
    opportunity.wards.set([bordesley, aston])
    opportunity.cpv_codes.set([cpv])
    (row,) = download(visitor)[1]
    assert row == row | {
        "Reference": opportunity.reference,
        "Title": "Home from hospital",
        "Published by": "Birmingham City Council",
        "Category": "Adult social care",
        "Status": "Open",
        "Value from (GBP)": "40000.00",
        "Value to (GBP)": "60000.50",
        "Value includes VAT": "no",
        "Procedure": "Light-touch procedure (social and other specific services)",
        "Published": "2026-06-01T09:30:00+01:00",
        "Deadline for bids": "2099-07-01T12:00:00+01:00",
        "Contract start": "2099-10-01",
        "Length in months": "24",
        "Citywide": "no",
        "Wards": "Aston; Bordesley",
        "Suitable for small organisations": "yes",
        "Subcontracting opportunity": "no",
        "CPV codes": "99999999-1",
        "URL": f"http://testserver/opportunities/{opportunity.reference}/",
    }


def test_no_contact_name_or_email_is_in_the_download(visitor):
    OpportunityFactory(contact_name="Jo Bloggs", contact_email="jo.bloggs@example.org")
    response = visitor.get(DOWNLOAD)
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Jo Bloggs" not in body and "jo.bloggs" not in body and "@" not in body


def test_drafts_are_never_downloaded_and_cancelled_ones_only_when_asked_for(visitor):
    live = OpportunityFactory()
    OpportunityFactory(published_at=None)
    cancelled = OpportunityFactory(cancelled_at=timezone.now())
    assert references(visitor) == [live.reference]
    assert references(visitor, "status=cancelled") == [cancelled.reference]
    assert sorted(references(visitor, "status=any")) == sorted(
        [live.reference, cancelled.reference]
    )


def test_the_download_honours_the_pages_filters(visitor):
    ward, elsewhere = WardFactory(), WardFactory()
    care, parks = ServiceCategoryFactory(), ServiceCategoryFactory()
    publisher = PublisherFactory()
    in_ward = OpportunityFactory(category=care, citywide=False, title="Lunch club")
    in_ward.wards.set([ward])
    OpportunityFactory(category=care, citywide=False).wards.set([elsewhere])
    citywide_parks = OpportunityFactory(category=parks, publisher=publisher, title="Park keepers")
    small = OpportunityFactory(category=parks, suitable_for_small=True, title="Lunch club two")

    for query, expected in [
        (f"ward={ward.slug}", {in_ward, citywide_parks, small}),
        (f"ward={ward.slug}&category={care.slug}", {in_ward}),
        (f"publisher={publisher.slug}", {citywide_parks}),
        ("small=on", {small}),
        ("q=lunch", {in_ward, small}),
        (f"ward=no-such-ward&category={parks.slug}", {citywide_parks, small}),
    ]:
        expected = {opportunity.reference for opportunity in expected}
        assert set(references(visitor, query)) == expected, query
        # The same search as the page: the same opportunities, in the same order.
        assert references(visitor, query) == listed(visitor, query), query


def test_every_result_is_downloaded_not_one_page(visitor):
    publisher, category = PublisherFactory(), ServiceCategoryFactory()
    made = [
        OpportunityFactory(publisher=publisher, category=category)
        for _ in range(RESULTS_PER_PAGE + 5)
    ]
    assert len(references(visitor, "page=2")) == len(made)


def test_a_title_a_spreadsheet_would_run_is_written_as_text(visitor):
    OpportunityFactory(title='=HYPERLINK("https://evil.example","Click")')
    (row,) = download(visitor)[1]
    assert row["Title"] == '\'=HYPERLINK("https://evil.example","Click")'


@pytest.mark.parametrize("query", ["", "q=support&sort=relevance"])
def test_the_queries_do_not_grow_with_the_rows(visitor, query):
    publisher, category = PublisherFactory(), ServiceCategoryFactory()
    wards = [WardFactory(), WardFactory()]

    def make(n):
        for _ in range(n):
            opportunity = OpportunityFactory(publisher=publisher, category=category, citywide=False)
            opportunity.wards.set(wards)

    def queries_for(expected_rows):
        with CaptureQueriesContext(connection) as queries:
            assert len(download(visitor, query)[1]) == expected_rows
        return len(queries)

    make(3)
    queries_for(3)  # the search form's list of publishers is then kept (``listings``)
    few = queries_for(3)
    make(27)
    assert queries_for(30) == few


def test_rows_across_chunks_keep_their_own_wards_and_codes(visitor, monkeypatch):
    monkeypatch.setattr("portal.csv.CHUNK_SIZE", 4)
    publisher, category = PublisherFactory(), ServiceCategoryFactory()
    expected = {}
    for n in range(10):
        opportunity = OpportunityFactory(publisher=publisher, category=category, citywide=False)
        ward = WardFactory(name=f"Ward for {n}")
        opportunity.wards.set([ward])
        cpv = CpvCode.objects.create(code=f"9999{n:04d}-2", description="Testing")
        opportunity.cpv_codes.set([cpv])
        expected[opportunity.reference] = (ward.name, cpv.code)
    download(visitor)  # the search form's list of publishers is then kept
    with CaptureQueriesContext(connection) as queries:
        rows = download(visitor, "status=any")[1]
    assert {row["Reference"]: (row["Wards"], row["CPV codes"]) for row in rows} == expected
    # The opportunities in one cursor; the wards and codes of each of 3 chunks.
    assert len(queries) == 1 + 2 * 3


def test_the_search_page_links_to_the_download_of_its_results(visitor):
    ward = WardFactory()
    page = visitor.get(f"/opportunities/?ward={ward.slug}&page=2&small=on").text
    assert f'href="{DOWNLOAD}?ward={ward.slug}&amp;small=on"' in page
    assert "Download these results as CSV" in page
