import datetime
import gzip
import json
import os

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from opendata import bulk, tasks
from opendata.actions import record_release
from opendata.models import BulkFile
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db

URL = "/api/ocds/releases.jsonl.gz"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def release(reference, day, *, title="Befriending", tags=("tender",)):
    return record_release(
        ocid=f"{settings.OCDS_PREFIX}-{reference}",
        tags=list(tags),
        date=timezone.make_aware(datetime.datetime(2026, 4, day, 9, 30)),
        tender={"id": reference, "title": title, "status": "active"},
    )


def lines_of(name):
    with default_storage.open(name, "rb") as file:
        return gzip.decompress(file.read()).decode().splitlines()


def test_the_file_holds_every_release_oldest_first_one_compact_object_a_line():
    newest = release("BCC-2026-0001", 20, title="Lunch club – “hot meals”")
    oldest = release("BCC-2026-0002", 3)
    middle = release("BCC-2026-0001", 10, tags=["tenderAmendment"])

    made = bulk.make_bulk_file()

    lines = lines_of(made.name)
    assert lines == [oldest.data, middle.data, newest.data]
    assert [json.loads(line)["id"] for line in lines] == [
        f"{settings.OCDS_PREFIX}-BCC-2026-0002-01",
        f"{settings.OCDS_PREFIX}-BCC-2026-0001-02",
        f"{settings.OCDS_PREFIX}-BCC-2026-0001-01",
    ]
    assert all(", " not in line and '": ' not in line for line in lines[1:])
    assert "“hot meals”" in lines[2]  # written as UTF-8, not escaped
    assert made.releases == 3
    assert made.size == default_storage.size(made.name)
    assert made.name == f"opendata/releases-{timezone.localdate():%Y-%m-%d}.jsonl.gz"


def test_with_no_releases_the_file_is_empty_but_made():
    made = bulk.make_bulk_file()

    assert made.releases == 0
    assert lines_of(made.name) == []


def test_a_second_run_the_same_day_replaces_the_file_and_its_row(media):
    release("BCC-2026-0001", 1)
    first = bulk.make_bulk_file()
    release("BCC-2026-0002", 2)

    second = bulk.make_bulk_file()

    assert second.name == first.name
    assert len(lines_of(second.name)) == 2
    assert list(BulkFile.objects.values_list("pk", "releases")) == [(second.pk, 2)]
    # Nothing left over from writing it under a temporary name.
    assert os.listdir(media / "opendata") == [os.path.basename(second.name)]


def test_only_the_newest_files_are_kept(media, time_machine, django_capture_on_commit_callbacks):
    release("BCC-2026-0001", 1)
    made = []
    for day in range(1, 6):
        time_machine.move_to(datetime.datetime(2026, 12, day, 2, 30, tzinfo=datetime.UTC))
        with django_capture_on_commit_callbacks(execute=True):
            made.append(bulk.make_bulk_file())

    kept = made[-bulk.KEEP :]
    assert list(BulkFile.objects.order_by("made_at")) == kept
    assert sorted(os.listdir(media / "opendata")) == [os.path.basename(row.name) for row in kept]
    assert bulk.latest_bulk_file() == made[-1]


def test_the_download_is_the_newest_file_as_gzip(visitor):
    release("BCC-2026-0001", 1)
    made = bulk.make_bulk_file()

    response = visitor.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    assert "Content-Encoding" not in response  # a file to save, not to unzip on the way
    name = os.path.basename(made.name)
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert int(response["Content-Length"]) == made.size
    body = b"".join(response.streaming_content)
    assert json.loads(gzip.decompress(body)) == json.loads(lines_of(made.name)[0])


def test_before_any_file_is_made_the_download_is_a_plain_404(visitor):
    response = visitor.get(URL)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert "has not been made yet" in response.content.decode()


def test_a_file_gone_from_storage_is_not_offered(visitor):
    made = bulk.make_bulk_file()
    default_storage.delete(made.name)

    assert bulk.latest_bulk_file() is None
    assert visitor.get(URL).status_code == 404


def test_the_nightly_task_makes_the_file():
    release("BCC-2026-0001", 1)

    tasks.make_bulk_file.delay()

    assert BulkFile.objects.get().releases == 1


def test_the_task_is_scheduled_nightly():
    entry = settings.CELERY_BEAT_SCHEDULE["make-open-data-bulk-file"]
    assert entry["task"] == "opendata.tasks.make_bulk_file"
    assert entry["schedule"].hour == {2}


def test_the_command_makes_the_file(capsys):
    release("BCC-2026-0001", 1)

    call_command("make_bulk_file")

    assert BulkFile.objects.get().releases == 1
    assert "1 releases" in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_build_while_another_runs_does_nothing():
    release("BCC-2026-0001", 1)
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [bulk.LOCK])
        try:
            results, errors = run_together(lambda _i: bulk.make_bulk_file(), count=2)
        finally:
            cursor.execute("ROLLBACK")

    assert errors == []
    assert results == [None, None]
    assert not BulkFile.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_builds_at_the_same_moment_leave_one_whole_file(media):
    for day in range(1, 8):
        release(f"BCC-2026-000{day}", day)

    results, errors = run_together(lambda _i: bulk.make_bulk_file(), count=4)

    assert errors == []
    assert any(results)
    made = bulk.latest_bulk_file()
    assert BulkFile.objects.get() == made
    assert len(lines_of(made.name)) == 7
    assert os.listdir(media / "opendata") == [os.path.basename(made.name)]
