"""The streamed CSV download and the plain cells the open data downloads write."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

from django.test import RequestFactory

from portal.csv import (
    STREAM_PIECE,
    date_cell,
    links_to,
    list_cell,
    moment_cell,
    streaming_csv_response,
    yes_no_cell,
)


def read(response):
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_a_streamed_download_is_utf8_csv_with_a_bom_and_safe_cells():
    response = streaming_csv_response(
        "awards-2026-12-04.csv", ["title", "=sum"], iter([["=1+1", -5], ["Zoë", None]])
    )

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="awards-2026-12-04.csv"'
    assert read(response) == [["title", "'=sum"], ["'=1+1", "-5"], ["Zoë", ""]]


def test_rows_are_read_only_as_the_response_is_sent_and_in_pieces():
    read_so_far = []

    def rows():
        for n in range(20_000):
            read_so_far.append(n)
            yield [n, "A row of some length to fill the pieces"]

    response = streaming_csv_response("big.csv", ["n", "text"], rows())
    assert read_so_far == []  # nothing read before the response is sent
    pieces = iter(response.streaming_content)
    next(pieces)  # the byte order mark and the header
    first = next(pieces)
    assert len(first) >= STREAM_PIECE
    # Only about a piece's worth of rows has been read, not all of them.
    assert len(read_so_far) < 2 * STREAM_PIECE / 40
    rest = b"".join(pieces)
    assert len(read_so_far) == 20_000
    assert rest.endswith(b"19999,A row of some length to fill the pieces\r\n")


def test_an_empty_download_still_has_its_header():
    assert read(streaming_csv_response("none.csv", ["reference"], iter([]))) == [["reference"]]


def test_cells_are_plain_iso_dates_yes_no_and_lists():
    summer = datetime.datetime(2026, 6, 1, 11, 0, 5, 123, tzinfo=datetime.UTC)
    winter = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo("Europe/London"))
    assert moment_cell(summer) == "2026-06-01T12:00:05+01:00"
    assert moment_cell(winter) == "2026-12-01T12:00:00+00:00"
    assert moment_cell(None) == ""
    assert date_cell(datetime.date(2027, 4, 1)) == "2027-04-01"
    assert date_cell(None) == ""
    assert (yes_no_cell(True), yes_no_cell(False)) == ("yes", "no")
    assert list_cell(["Aston", "Bordesley"]) == "Aston; Bordesley"
    assert list_cell([]) == ""


def test_links_are_the_addresses_reverse_makes():
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    link = links_to(request, "opportunities:detail")
    assert link("BCC-2026-0001") == "http://localhost/opportunities/BCC-2026-0001/"
    assert links_to(request, "commissioning:contract")("CON-2026-0002") == (
        "http://localhost/contracts/CON-2026-0002/"
    )
