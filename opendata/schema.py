"""The Open Contracting Data Standard as the portal publishes it: OCDS 1.1.5 with the
lots and bids extensions, read from the copy in ``opendata/standards/`` (the Open
Contracting Partnership's files, unchanged; its README says where they come from).

Nothing here fetches anything: the compiled releases are merged with these rules,
and the tests validate against the same files.
"""

import csv
import json
from functools import cache
from pathlib import Path

STANDARD = Path(__file__).resolve().parent / "standards"
CORE = STANDARD / "ocds-1.1.5"
EXTENSIONS = ("lots", "bids")
# What each package's ``extensions`` lists: the extension.json of the version copied.
EXTENSION_URLS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/"
    "v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
    "v1.1.5/extension.json",
]
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def _read(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def merge_patch(target, patch):
    """``target`` with the JSON Merge Patch ``patch`` applied (RFC 7386): objects merge
    key by key, ``null`` removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@cache
def release_schema():
    """The core release schema with the lots and bids extensions merged in."""
    schema = _read(CORE / "release-schema.json")
    for name in EXTENSIONS:
        patch = _read(STANDARD / "ocds-extensions" / name / "release-schema.json")
        schema = merge_patch(schema, patch)
    return schema


def package_schema(kind):
    """``release-package-schema.json`` or ``record-package-schema.json``, as published."""
    return _read(CORE / f"{kind}-package-schema.json")


@cache
def codelist(name):
    """The codes of the codelist ``name`` (``"releaseTag.csv"``): the core's, else an
    extension's."""
    for folder in [CORE / "codelists"] + [
        STANDARD / "ocds-extensions" / name_ / "codelists" for name_ in EXTENSIONS
    ]:
        path = folder / name
        if path.exists():
            with open(path, encoding="utf-8", newline="") as file:
                return frozenset(row["Code"] for row in csv.DictReader(file))
    raise LookupError(f"No codelist called {name}.")
