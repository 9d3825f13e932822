"""The OCDS API: pages newest first by a cursor, date filters, records, errors."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opendata import queries
from opendata.actions import record_release
from opendata.models import Release

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


def make(count, *, ocids=3, step=datetime.timedelta(days=1)):
    for n in range(count):
        record_release(
            ocid=f"ocds-local0-BCC-2026-{n % ocids:04d}",
            tags=["tender"] if n < ocids else ["tenderAmendment"],
            date=START + n * step,
            tender={"id": f"BCC-2026-{n % ocids:04d}", "title": f"Service {n}", "status": "active"},
        )


def walk(client, url="/api/ocds/releases/"):
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(response.json())
        url = pages[-1].get("links", {}).get("next")
    return pages


def test_pages_give_every_release_once_newest_first(client, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 4)
    make(10)
    # Two at the same moment: the one stored later comes first.
    record_release(ocid="ocds-local0-X", tags=["tender"], date=START, tender={"id": "X"})

    pages = walk(client)
    ids = [release["id"] for page in pages for release in page["releases"]]

    assert [len(page["releases"]) for page in pages] == [4, 4, 3]
    assert ids == list(
        Release.objects.order_by("-date", "-id").values_list("release_id", flat=True)
    )
    assert len(set(ids)) == 11
    assert "links" not in pages[-1]
    assert pages[0]["publishedDate"] == pages[0]["releases"][0]["date"]


def test_release_ids_number_each_ocids_releases_in_order():
    make(6, ocids=2)

    assert list(
        Release.objects.filter(ocid="ocds-local0-BCC-2026-0001")
        .order_by("number")
        .values_list("release_id", flat=True)
    ) == [f"ocds-local0-BCC-2026-0001-0{n}" for n in (1, 2, 3)]


def test_since_and_until_are_dates_both_included_and_kept_on_the_next_page(client, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    make(10)  # 5 to 14 January

    pages = walk(client, "/api/ocds/releases/?since=2026-01-07&until=2026-01-11")
    dates = [release["date"][:10] for page in pages for release in page["releases"]]

    assert dates == ["2026-01-11", "2026-01-10", "2026-01-09", "2026-01-08", "2026-01-07"]
    assert "since=2026-01-07" in pages[0]["links"]["next"]


@pytest.mark.parametrize(
    "query",
    [
        "since=yesterday",
        "until=2026-13-01",
        "until=9999-12-31",
        "since=2026-01-01T10:00",
        "cursor=nonsense",
        # A well-made cursor whose id no database column could hold.
        "cursor=MjAyNi0wMS0wNVQwOTowMDowMCswMDowMHw5OTk5OTk5OTk5OTk5OTk5OTk5OQ",
    ],
)
def test_a_bad_parameter_is_a_400_that_says_what_to_do(client, query):
    make(2)

    response = client.get(f"/api/ocds/releases/?{query}")

    assert response.status_code == 400
    assert response.json()["error"]


def test_the_list_reads_one_page_in_one_query_however_deep(client, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    make(12)
    first = client.get("/api/ocds/releases/").json()

    with CaptureQueriesContext(connection) as first_page:
        client.get("/api/ocds/releases/")
    with CaptureQueriesContext(connection) as next_page:
        client.get(first["links"]["next"])

    assert len(first_page) == len(next_page) == 1


def test_a_record_holds_every_release_oldest_first_and_their_merge(client):
    make(7, ocids=3)  # BCC-2026-0000 has releases 1, 4 and 7

    package = client.get("/api/ocds/records/ocds-local0-BCC-2026-0000/").json()
    [record] = package["records"]

    assert [r["tender"]["title"] for r in record["releases"]] == [
        "Service 0",
        "Service 3",
        "Service 6",
    ]
    assert record["compiledRelease"]["tender"]["title"] == "Service 6"
    assert record["compiledRelease"]["tag"] == ["compiled"]
    assert package["publishedDate"] == record["releases"][-1]["date"]


def test_an_unknown_ocid_is_not_found(client):
    assert client.get("/api/ocds/records/ocds-local0-NOPE/").status_code == 404


def test_a_release_is_never_changed_by_a_later_one():
    make(1, ocids=1)
    first = Release.objects.get()
    text = first.data

    record_release(
        ocid=first.ocid, tags=["tenderCancellation"], date=timezone.now(), tender={"id": "x"}
    )

    first.refresh_from_db()
    assert first.data == text
    assert Release.objects.count() == 2
