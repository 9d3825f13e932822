"""Release and record packages around stored releases, as OCDS 1.1 asks."""

import json

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from opendata import schema
from opendata.ocds import absolute, when

LICENCE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def _package(uri, published):
    return {
        "uri": uri,
        "version": "1.1",
        "extensions": list(schema.EXTENSION_URLS),
        "publishedDate": published,
        "publisher": {"name": settings.COUNCIL_NAME, "uri": settings.COUNCIL_URL},
        "license": LICENCE,
        "publicationPolicy": absolute(reverse("open_data")),
    }


def release_package_json(releases, *, uri, next_uri=None):
    """The JSON text of a release package of ``releases`` (``Release`` rows) found at
    ``uri``, with ``links.next`` when there is a next page. Its date is its newest
    release's, or now for an empty page. The releases' stored text is copied in as it
    is, never parsed."""
    published = max((release.date for release in releases), default=None)
    package = _package(uri, when(published or timezone.now()))
    if next_uri:
        package["links"] = {"next": next_uri}
    head = json.dumps(package, ensure_ascii=False, separators=(",", ":"))
    return head[:-1] + ',"releases":[' + ",".join(row.data for row in releases) + "]}"


def record_package(ocid, releases, compiled, *, uri):
    """A record package holding ``ocid``'s record: every release, oldest first, and the
    compiled release."""
    package = _package(uri, releases[-1]["date"])
    package["records"] = [{"ocid": ocid, "releases": releases, "compiledRelease": compiled}]
    return package
