"""UK postcodes: reading what people type, and finding the Birmingham ward a postcode is in.

``normalise("b152tt")`` gives ``"B15 2TT"``; ``district("B15 2TT")`` gives ``"B15"``
(the outward code). ``ward_for`` looks the postcode up in ``PostcodeWard``,
which ``import_nspl`` fills from the ONS National Statistics Postcode Lookup
(NSPL, or the ONS Postcode Directory, which has the same columns that matter):
see docs/postcodes.md for where to get it and its licence. Only postcodes in
one of our wards (``Ward.gss_code``) are kept, so a postcode outside the city
is "not found in Birmingham's wards" just as an unknown one is.
"""

import csv
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from commissioning.models import PostcodeWard
from organisations.models import Ward

# The full UK format (the BS 7666 outward forms, then a digit and two letters
# from the inward alphabet), written for upper case with the space taken out.
_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9]{1,2}"
    r"|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
POSTCODE = re.compile(rf"(?:({_OUTWARD})({_INWARD})|(GIR)(0AA))")

# Whatever people put between the parts: spaces (also non-breaking), tabs.
_SPACES = re.compile(r"\s+")

# The attribution the Open Government Licence asks for, shown wherever wards
# are reported from postcodes (docs/postcodes.md).
NSPL_ATTRIBUTION = _(
    "Postcodes are matched to wards with the ONS National Statistics Postcode Lookup. "
    "Contains OS data © Crown copyright and database right; Contains Royal Mail data "
    "© Royal Mail copyright and database right; Contains GeoPlace data © Local "
    "Government Information House Limited copyright and database right; Source: Office "
    "for National Statistics licensed under the Open Government Licence v.3.0."
)


class PostcodeError(ValidationError):
    """A postcode that is not one, or that is in none of Birmingham's wards."""


def normalise(text):
    """``text`` as a postcode in capitals with one space before the inward code.

    Raises ``PostcodeError`` ("‘B1X 2TT’ is not a postcode") when it does not
    have the form of a UK postcode.
    """
    squeezed = _SPACES.sub("", str(text or "")).upper()
    match = POSTCODE.fullmatch(squeezed)
    if match is None:
        shown = " ".join(str(text or "").split()) or _("an empty line")
        raise PostcodeError(
            _("‘%(postcode)s’ is not a postcode"), code="malformed", params={"postcode": shown}
        )
    outward, inward = [part for part in match.groups() if part]
    return f"{outward} {inward}"


def district(postcode):
    """The postcode district (outward code) of a normalised postcode: ``B15`` of ``B15 2TT``."""
    return postcode.split(" ", 1)[0]


def ward_for(text):
    """``(ward, district)`` for the postcode in ``text``.

    Raises ``PostcodeError`` when it is malformed, or when it is well formed but
    not in the lookup (unknown, or outside Birmingham).
    """
    postcode = normalise(text)
    found = PostcodeWard.objects.select_related("ward").filter(postcode=postcode).first()
    if found is None:
        raise PostcodeError(
            _(
                "We could not find %(postcode)s in Birmingham’s wards: check it, or leave "
                "it out if the person lives outside the city"
            ),
            code="unknown",
            params={"postcode": postcode},
        )
    return found.ward, district(postcode)


def wards_for(postcodes):
    """``{normalised postcode: ward}`` for those of ``postcodes`` in the lookup, one query."""
    return {
        row.postcode: row.ward
        for row in PostcodeWard.objects.select_related("ward").filter(postcode__in=postcodes)
    }


# NSPL and ONSPD have named the ward column differently over the years:
# ``ward`` (NSPL before 2024), ``osward`` (ONSPD), ``wd24cd``, ``wd25cd``...
_WARD_COLUMN = re.compile(r"wd\d\dcd|osward|ward")
BATCH = 5000


class LookupFormatError(ValueError):
    """The file does not have the columns of the NSPL."""


def _lines_without_comments(handle):
    # Our demo file starts with ``#`` lines that say it is demo data; NSPL has none.
    for line in handle:
        if not line.startswith("#"):
            yield line


def _ward_column(header, asked):
    if asked:
        if asked not in header:
            raise LookupFormatError(f"The file has no column called {asked!r}.")
        return asked
    found = [name for name in header if _WARD_COLUMN.fullmatch(name.lower())]
    if not found:
        raise LookupFormatError(
            "The file has no ward column (wd25cd, wd24cd, ward or osward): give --ward-column."
        )
    return sorted(found, reverse=True)[0]  # the newest year's codes


def import_nspl(handle, *, ward_column=None):
    """Read an NSPL CSV from ``handle`` line by line and keep its Birmingham postcodes.

    Rows whose ward code is one of our ``Ward.gss_code`` are inserted, or their
    ward updated if the postcode is already there; every other row is skipped.
    Running it again with the same file changes nothing. Returns a dict of
    counts: ``read``, ``kept`` and ``skipped`` rows, and ``wards`` that got at
    least one postcode. Raises ``LookupFormatError`` if the columns are missing.
    """
    reader = csv.DictReader(_lines_without_comments(handle))
    header = reader.fieldnames or []
    if "pcds" not in header:
        raise LookupFormatError("The file has no pcds column: is it the NSPL or ONSPD CSV?")
    column = _ward_column(header, ward_column)
    wards = dict(Ward.objects.values_list("gss_code", "pk"))
    counts = {"read": 0, "kept": 0, "skipped": 0}
    wards_seen = set()
    batch = []
    for row in reader:
        counts["read"] += 1
        ward_id = wards.get((row.get(column) or "").strip())
        try:
            postcode = normalise(row["pcds"]) if ward_id else None
        except PostcodeError:
            postcode = None
        if postcode is None:
            counts["skipped"] += 1
            continue
        batch.append(PostcodeWard(postcode=postcode, ward_id=ward_id))
        wards_seen.add(ward_id)
        counts["kept"] += 1
        if len(batch) >= BATCH:
            _upsert(batch)
            batch = []
    _upsert(batch)
    counts["wards"] = len(wards_seen)
    return counts


@transaction.atomic
def _upsert(rows):
    if rows:
        PostcodeWard.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["postcode"], update_fields=["ward"]
        )
