import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from opendata.models import BulkFile

pytestmark = pytest.mark.django_db

URL = "/open-data/"


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_visitor_reads_what_is_published_and_the_ocid_prefix(visitor, settings):
    settings.OCDS_PREFIX = "ocds-b5fd17"

    response = visitor.get(URL)

    assert response.status_code == 200
    text = text_of(response)
    assert "ocds-b5fd17-BCC-2026-0001" in text
    assert "Open Government Licence v3.0" in text
    for path in (
        "/api/ocds/releases/",
        "/api/ocds/releases.jsonl.gz",
        "/opportunities/opportunities.csv",
        "/awards/awards.csv",
        "/contracts/contracts.csv",
        "/opportunities/feed/",
        "/awards/feed/",
    ):
        assert path in response.content.decode(), path
    assert "What is never published" in text


def test_before_the_bulk_file_is_made_the_page_says_so(visitor):
    text = text_of(visitor.get(URL))

    assert "has not been made yet" in text
    assert "Download every release" not in text


def test_the_bulk_file_is_offered_with_its_size_and_date(visitor):
    default_storage.save("opendata/releases-2026-12-03.jsonl.gz", ContentFile(b"\x1f\x8b"))
    BulkFile.objects.create(
        made_at=timezone.make_aware(datetime.datetime(2026, 12, 3, 2, 30)),
        releases=104_211,
        size=157_286_400,
        name="opendata/releases-2026-12-03.jsonl.gz",
    )

    text = text_of(visitor.get(URL))

    assert "Download every release (150.0 MB, gzip)" in text
    assert "3 December 2026" in text
    assert "104,211 releases" in text
    assert "has not been made yet" not in text


def test_the_footer_links_to_the_page(visitor):
    assert 'href="/open-data/"' in visitor.get("/accessibility/").content.decode()
