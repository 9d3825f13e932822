"""Every CSV the portal writes, safe to open in a spreadsheet.

Names, evidence and comments are typed by people, and a spreadsheet program runs
a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and skips a
leading tab or carriage return before deciding). Following OWASP's guidance on
CSV injection, such a cell is written with a single quote in front, so it shows
as the text it is. A bare number such as ``-5`` or ``+44`` is left alone: it
cannot hold a formula, and a spreadsheet should still read it as a number.

Write CSV through ``writer``, ``csv_response`` or ``streaming_csv_response``, never
``csv.writer`` directly.
"""

import csv
import re
from collections import defaultdict
from itertools import islice
from numbers import Number
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from portal.formats import LONDON

# A streamed download reads its rows this many at a time (``chunks``): a query a chunk
# for each thing a row needs beyond its own, and a chunk's rows in memory.
CHUNK_SIZE = 2000

# A streamed download is sent in pieces of about this many characters: one per row
# would mean a write (and, chunked, a frame) for every hundred bytes.
STREAM_PIECE = 64 * 1024

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BARE_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def safe_cell(value):
    """``value`` as a spreadsheet should show it: text that would run as a formula gets a
    leading ``'``; numbers (and text that is only a number) are returned unchanged;
    ``None`` becomes ``""``."""
    if value is None:
        return ""
    if isinstance(value, Number) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not BARE_NUMBER.fullmatch(text):
        return "'" + text
    return text


def chunks(queryset, size=None):
    """``queryset`` as lists of at most ``size`` (``CHUNK_SIZE``) objects, read as they
    are needed.

    Read with ``iterator(chunk_size=size)``: on PostgreSQL a server-side cursor
    fetching ``size`` rows at a time (each ``prefetch_related`` lookup a query a
    chunk), so only a chunk is ever held. A download that needs more of each row
    than the queryset loads reads it for the whole chunk at once (``grouped``).
    """
    size = size or CHUNK_SIZE
    rows = queryset.iterator(chunk_size=size)
    while chunk := list(islice(rows, size)):
        yield chunk


def grouped(pairs):
    """``{key: [value, ...]}`` from ``(key, value)`` pairs, values in the order given: a
    chunk's wards or suppliers from one ``values_list`` query, with none of the model
    instances and related managers ``prefetch_related`` makes for every row."""
    groups = defaultdict(list)
    for key, value in pairs:
        groups[key].append(value)
    return groups


def moment_cell(moment):
    """A date and time as ISO 8601 on London's clock with its offset
    (``2026-06-01T12:00:00+01:00``), to the second; ``None`` as an empty cell."""
    if moment is None:
        return ""
    return timezone.localtime(moment, LONDON).isoformat(timespec="seconds")


def date_cell(day):
    """A date as ISO 8601 (``2026-06-01``); ``None`` as an empty cell."""
    return "" if day is None else day.isoformat()


def yes_no_cell(value):
    """``yes`` or ``no``: plainer to filter on in a spreadsheet than TRUE and FALSE."""
    return "yes" if value else "no"


def list_cell(items):
    """Several names in one cell, in the order given, separated by ``"; "``."""
    return "; ".join(str(item) for item in items)


def links_to(request, viewname):
    """``link(key)``: the absolute address of the page ``viewname`` shows for ``key`` (its
    one argument), as ``reverse`` would make it, for a column of links; working it out
    once rather than for every row saves seconds on a hundred thousand rows."""
    marker = "\x00"  # cannot be in the path the pattern makes around it
    before, after = reverse(viewname, args=[marker]).split(quote(marker), 1)
    base = request.build_absolute_uri(before)
    return lambda key: f"{base}{quote(str(key), safe='')}{after}"


class SafeWriter:
    """A ``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, **kwargs):
    """A formula-safe CSV writer on ``file``; ``kwargs`` as for ``csv.writer``."""
    return SafeWriter(file, **kwargs)


def csv_response(filename, header, rows):
    """A UTF-8 CSV download called ``filename`` with ``header`` then ``rows`` (lists of cells).

    It starts with a byte order mark so spreadsheet programs read it as UTF-8.
    ``filename`` is put in the header as given: pass a name the portal made.
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    out = writer(response)
    out.writerow(header)
    out.writerows(rows)
    return response


class _Lines:
    """A file for ``csv.writer`` that hands back each line instead of keeping it."""

    def write(self, line):
        return line


def _pieces(header, rows):
    yield "\ufeff"
    out = writer(_Lines())
    piece, size = [out.writerow(header)], 0
    for row in rows:
        line = out.writerow(row)
        piece.append(line)
        size += len(line)
        if size >= STREAM_PIECE:
            yield "".join(piece)
            piece, size = [], 0
    yield "".join(piece)


def streaming_csv_response(filename, header, rows):
    """A UTF-8 CSV download called ``filename``, written while ``rows`` is read.

    As ``csv_response`` (a byte order mark first, every cell through ``safe_cell``),
    but nothing is held beyond a piece of about ``STREAM_PIECE`` characters, so a
    download of a hundred thousand rows takes as little memory as one of ten. For that
    ``rows`` must be lazy too: a generator over ``chunks(queryset)``, which on
    PostgreSQL reads through a server-side cursor ``CHUNK_SIZE`` rows at a time, and
    whatever else a row needs read once a chunk (``grouped``, or ``prefetch_related``),
    so the queries grow with the number of chunks, never with the number of rows.
    The rows are read after the view has returned, as the response is sent: the
    database connection stays open until then.
    """
    response = StreamingHttpResponse(_pieces(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
