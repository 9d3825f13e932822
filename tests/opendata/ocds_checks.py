"""Checking what the portal publishes against the Open Contracting Data Standard, offline.

The schemas are read from ``../shared/standards/`` when it is beside the repository
(the copies the issue names), else from the unchanged copy in
``opendata/standards/`` that the portal itself merges with; a test checks the two
are the same files.
"""

import contextlib
import csv
import functools
import json
import shutil
import zipfile
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from opendata import schema

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "standards"
STANDARDS = SHARED if SHARED.exists() else schema.STANDARD
BASE = "https://standard.open-contracting.org/schema/1__1__5/"


def _read(path):
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def merged_release_schema():
    release = _read(STANDARDS / "ocds-1.1.5" / "release-schema.json")
    for name in ("lots", "bids"):
        patch = _read(STANDARDS / "ocds-extensions" / name / "release-schema.json")
        release = schema.merge_patch(release, patch)
    return release


@functools.cache
def _validator(kind):
    release = merged_release_schema()
    resources = [(BASE + "release-schema.json", release)]
    versioned = STANDARDS / "ocds-1.1.5" / "versioned-release-validation-schema.json"
    resources.append((BASE + "versioned-release-validation-schema.json", _read(versioned)))
    registry = Registry().with_resources(
        (url, Resource.from_contents(contents, default_specification=DRAFT4))
        for url, contents in resources
    )
    package = _read(STANDARDS / "ocds-1.1.5" / f"{kind}-package-schema.json")
    checker = Draft4Validator.FORMAT_CHECKER
    return Draft4Validator(package, registry=registry, format_checker=checker)


def schema_errors(package, kind="release"):
    """Every JSON Schema error in ``package`` (a release or record package), as text."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in _validator(kind).iter_errors(package)
    ]


@functools.cache
def _codes_of(name):
    """The codes of codelist ``name``: the core's, else an extension's."""
    for folder in [STANDARDS / "ocds-1.1.5" / "codelists"] + [
        STANDARDS / "ocds-extensions" / ext / "codelists" for ext in ("lots", "bids")
    ]:
        if (folder / name).exists():
            with open(folder / name, encoding="utf-8", newline="") as file:
                return frozenset(row["Code"] for row in csv.DictReader(file))
    raise LookupError(name)


def codes_outside_closed_codelists(release):
    """``[(path, code)]`` for every code in ``release`` that a closed codelist of the
    merged schema does not hold: the schema's ``enum`` does not check them all."""
    root = merged_release_schema()
    found = []

    def resolve(node):
        while "$ref" in node:
            node = root["definitions"][node["$ref"].split("/")[-1]]
        return node

    def walk(data, node, path):
        node = resolve(node)
        if "codelist" in node and node.get("openCodelist") is False:
            codes = _codes_of(node["codelist"])
            values = data if isinstance(data, list) else [data]
            found.extend((path, code) for code in values if code is not None and code not in codes)
            return
        if isinstance(data, dict):
            for key, value in data.items():
                child = node.get("properties", {}).get(key)
                if child is not None:
                    walk(value, child, f"{path}/{key}")
        elif isinstance(data, list) and "items" in node:
            for index, value in enumerate(data):
                walk(value, node["items"], f"{path}/{index}")

    walk(release, root, "")
    return found


def standard_zip(folder):
    """A zip of the standard in its repository's layout, for libcoveocds' ``standard_zip``."""
    root = Path(folder) / "standard-1__1__5"
    shutil.copytree(STANDARDS / "ocds-1.1.5", root / "schema")
    path = Path(folder) / "standard.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(root, "standard-1__1__5")
        for file in sorted(root.rglob("*")):
            archive.write(file, str(file.relative_to(folder)))
    return path


@contextlib.contextmanager
def _standard_served_locally():
    """libcoveocds reads the standard from the zip, except that dereferencing a record
    package follows the URL of the versioned release schema: the one fetch at the
    network's edge, answered here from the same local copy."""
    import jsonref

    def urlopen(uri):
        if not uri.startswith(BASE):
            raise OSError(f"No network in the tests: {uri}")
        return open(STANDARDS / "ocds-1.1.5" / uri.removeprefix(BASE), "rb")

    saved = jsonref.requests, jsonref.urlopen
    jsonref.requests, jsonref.urlopen = None, urlopen
    try:
        yield
    finally:
        jsonref.requests, jsonref.urlopen = saved


def cove(package, zip_path):
    """libcoveocds' review of ``package``: ``(validation_errors, closed codelist values)``."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    config = LibCoveOCDSConfig(
        {"standard_zip": f"file://{zip_path}", "context": "api", "additional_checks": "all"}
    )
    with _standard_served_locally():
        result = ocds_json_output(json_data=package, lib_cove_ocds_config=config)
    return result.get("validation_errors", []), result.get("additional_closed_codelist_values", {})
