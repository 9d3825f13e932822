"""Every release package and record the demo data produces is valid OCDS 1.1.5 with the
lots and bids extensions, uses only codes of the closed codelists, and passes the Open
Contracting Partnership's own review (libcoveocds), offline."""

import json

import pytest

from home import demo
from opendata.models import Release
from tests.opendata import ocds_checks

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo.seed()
        yield
        # The module's data goes with the test database; nothing to undo by hand.


def all_pages(client):
    url = "/api/ocds/releases/"
    while url:
        package = client.get(url).json()
        yield package
        url = package.get("links", {}).get("next")


def test_the_demo_publishes_a_release_for_every_kind_of_event(demo_data):
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


def test_every_release_package_is_valid_ocds_with_closed_codes_only(demo_data, client):
    pages = list(all_pages(client))
    releases = [release for package in pages for release in package["releases"]]

    assert len(releases) == Release.objects.count()
    for package in pages:
        assert ocds_checks.schema_errors(package, "release") == []
    for release in releases:
        assert ocds_checks.codes_outside_closed_codelists(release) == [], release["id"]


def test_every_record_is_valid_ocds_with_closed_codes_only(demo_data, client):
    ocids = sorted(set(Release.objects.values_list("ocid", flat=True)))

    assert ocids
    for ocid in ocids:
        package = client.get(f"/api/ocds/records/{ocid}/").json()
        assert ocds_checks.schema_errors(package, "record") == [], ocid
        [record] = package["records"]
        assert record["ocid"] == ocid
        for release in record["releases"] + [record["compiledRelease"]]:
            assert ocds_checks.codes_outside_closed_codelists(release) == [], ocid


def test_libcoveocds_finds_no_errors_and_no_codes_outside_closed_codelists(
    demo_data, client, tmp_path
):
    standard = ocds_checks.standard_zip(tmp_path)
    releases = [r for package in all_pages(client) for r in package["releases"]]
    package = client.get("/api/ocds/releases/").json() | {"releases": releases}
    package.pop("links", None)
    ocids = sorted(set(Release.objects.values_list("ocid", flat=True)))
    records = client.get(f"/api/ocds/records/{ocids[0]}/").json() | {
        "records": [client.get(f"/api/ocds/records/{ocid}/").json()["records"][0] for ocid in ocids]
    }

    for data in (package, records):
        errors, closed = ocds_checks.cove(json.loads(json.dumps(data)), standard)
        assert errors == []
        assert closed == {}


def test_the_checks_find_a_broken_release(demo_data, client, tmp_path):
    # The checks above would pass on anything if they could not see a fault.
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
