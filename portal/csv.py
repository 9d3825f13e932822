"""Every CSV the portal writes, safe to open in a spreadsheet.

Names, evidence and comments are typed by people, and a spreadsheet program runs
a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and skips a
leading tab or carriage return before deciding). Following OWASP's guidance on
CSV injection, such a cell is written with a single quote in front, so it shows
as the text it is. A bare number such as ``-5`` or ``+44`` is left alone: it
cannot hold a formula, and a spreadsheet should still read it as a number.

Write CSV through ``writer`` or ``csv_response``, never ``csv.writer`` directly.
"""

import csv
import re
from numbers import Number

from django.http import HttpResponse

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
