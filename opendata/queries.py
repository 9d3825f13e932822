"""Reading the stored releases: pages of them newest first, and one procurement's record.

Pages are read from a cursor (the last release shown: its date and id), never by
OFFSET, so the thousandth page costs what the first does: one range scan of the
``release_newest`` index.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from functools import cache

import ocdsmerge
from django.db.models import F, Field, Func, Value
from django.db.models.lookups import LessThan
from django.utils import timezone

from opendata import schema
from opendata.models import Release

PAGE_SIZE = 100


class BadCursor(ValueError):
    """The cursor was not one this portal made."""


def encode_cursor(release):
    text = f"{release.date.isoformat()}|{release.pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """``(date, id)`` from a cursor made by ``encode_cursor``, or ``BadCursor``."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        date, pk = text.split("|")
        date, pk = datetime.datetime.fromisoformat(date), int(pk)
        if timezone.is_naive(date) or not 0 < pk < 2**63:
            raise ValueError
        return date, pk
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise BadCursor(cursor) from error


def _row(*expressions):
    # (a, b) as a row value: PostgreSQL and SQLite compare rows in order and use the
    # (date, id) index for it.
    return Func(*expressions, function="", arg_joiner=", ", output_field=Field())


@dataclass
class ReleasePage:
    releases: list  # of Release rows: their date and JSON text
    next_cursor: str | None


def release_page(*, cursor=None, since=None, until=None, size=None):
    """Up to ``size`` releases newest first (by date, then the order they were stored),
    after ``cursor``, dated on or after ``since`` and before ``until`` (aware
    datetimes, either may be None), and the cursor of the next page if there is one."""
    size = size or PAGE_SIZE
    releases = Release.objects.order_by("-date", "-id")
    if cursor is not None:
        date, pk = decode_cursor(cursor)
        releases = releases.filter(LessThan(_row(F("date"), F("id")), _row(Value(date), Value(pk))))
    if since is not None:
        releases = releases.filter(date__gte=since)
    if until is not None:
        releases = releases.filter(date__lt=until)
    rows = list(releases.only("id", "date", "data")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return ReleasePage(
        releases=rows,
        next_cursor=encode_cursor(rows[-1]) if more else None,
    )


def releases_of(ocid):
    """Every release of ``ocid``, oldest first, as published."""
    return [
        json.loads(data)
        for data in Release.objects.filter(ocid=ocid)
        .order_by("number")
        .values_list("data", flat=True)
    ]


@cache
def _merger():
    return ocdsmerge.Merger(schema=schema.release_schema())


def compiled_release(releases):
    """The releases merged as the standard's merge routine does it (ocdsmerge, with the
    portal's schema: core, lots and bids): the procurement's current state."""
    return _merger().create_compiled_release(releases)
