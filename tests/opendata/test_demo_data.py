"""Every release package and record the demo data produces is valid OCDS 1.1.5 with the
lots and bids extensions, uses only codes of the closed codelists, and passes the Open
Contracting Partnership's own review (libcoveocds), offline."""

import json
import re

import pytest
from django.utils import timezone

from commissioning.models import PipelineItem
from home import demo
from opendata import schema
from opendata.actions import record_release
from opendata.models import Release
from opportunities.models import Opportunity
from tests.opendata import ocds_checks

pytestmark = pytest.mark.django_db


def all_pages(client):
    url = "/api/ocds/releases/"
    while url:
        package = client.get(url).json()
        yield package
        url = package.get("links", {}).get("next")


def test_the_demo_publishes_valid_ocds_for_every_kind_of_event(client, tmp_path):
    demo.seed()
    tags = {tag for tags in Release.objects.values_list("tags", flat=True) for tag in tags}

    assert tags >= {
        "planning",
        "planningUpdate",
        "tender",
        "tenderUpdate",
        "award",
        "awardUpdate",
        "contract",
        "implementation",
    }

    # Every release package: the schema, and no code outside a closed codelist.
    pages = list(all_pages(client))
    releases = [release for package in pages for release in package["releases"]]

    assert len(releases) == Release.objects.count()
    for package in pages:
        assert ocds_checks.schema_errors(package, "release") == []
    for release in releases:
        assert ocds_checks.codes_outside_closed_codelists(release) == [], release["id"]

    # Nobody's name or email address: an opportunity's contact is never published.
    text = json.dumps(releases)
    assert re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text) == []
    contacts = set(Opportunity.objects.values_list("contact_name", flat=True))
    contacts |= set(PipelineItem.objects.values_list("contact_name", flat=True))
    assert contacts and [name for name in contacts if name in text] == []

    # Every record, and each one's releases and compiled release.
    ocids = sorted(set(Release.objects.values_list("ocid", flat=True)))

    assert ocids
    for ocid in ocids:
        package = client.get(f"/api/ocds/records/{ocid}/").json()
        assert ocds_checks.schema_errors(package, "record") == [], ocid
        [record] = package["records"]
        assert record["ocid"] == ocid
        for release in record["releases"] + [record["compiledRelease"]]:
            assert ocds_checks.codes_outside_closed_codelists(release) == [], ocid

    # The Open Contracting Partnership's own review, offline: every release in one
    # package, every record in another.
    standard = ocds_checks.standard_zip(tmp_path)
    releases = [r for package in all_pages(client) for r in package["releases"]]
    package = client.get("/api/ocds/releases/").json() | {"releases": releases}
    package.pop("links", None)
    records = client.get(f"/api/ocds/records/{ocids[0]}/").json() | {
        "records": [client.get(f"/api/ocds/records/{ocid}/").json()["records"][0] for ocid in ocids]
    }

    for data in (package, records):
        errors, closed = ocds_checks.cove(json.loads(json.dumps(data)), standard)
        assert errors == []
        assert closed == {}


@pytest.mark.skipif(not ocds_checks.SHARED.exists(), reason="../shared/standards is not here")
def test_the_portal_merges_with_the_same_standard_files_as_the_tests_read():
    for path in ocds_checks.SHARED.rglob("*"):
        if path.is_file():
            copy = schema.STANDARD / path.relative_to(ocds_checks.SHARED)
            assert copy.read_bytes() == path.read_bytes(), copy


def test_the_checks_find_a_broken_release(client, tmp_path):
    # The checks above would pass on anything if they could not see a fault.
    record_release(
        ocid="ocds-local0-TEST-1",
        tags=["tender"],
        date=timezone.now(),
        tender={"id": "TEST-1", "title": "A test", "status": "active"},
    )
    package = client.get("/api/ocds/releases/").json()
    package.pop("links", None)
    broken = dict(package["releases"][0], tag=["notATag"])
    del broken["date"]
    package["releases"] = [broken]

    assert ocds_checks.schema_errors(package, "release")
    assert ocds_checks.codes_outside_closed_codelists(broken) == [("/tag", "notATag")]
    errors, closed = ocds_checks.cove(package, ocds_checks.standard_zip(tmp_path))
    assert errors
    assert "notATag" in json.dumps(closed) + json.dumps(errors)
