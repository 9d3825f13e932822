"""The bulk download: every stored release, oldest first, one compact JSON object a line
(JSON Lines: each release's text exactly as stored), gzip-compressed, in the default
storage's ``opendata/`` folder.

Made nightly (``opendata.tasks.make_bulk_file``) and after the demo seed. Releases are
read from the database in chunks and compressed as they come, so making it takes the
same memory at a million releases as at ten. The file is written under a temporary
name and renamed into place, and its ``BulkFile`` row is stored after that, so a
download never sees half a file.
"""

import gzip
import os
import tempfile
import zlib

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from opendata.models import BulkFile, Release

FOLDER = "opendata"
KEEP = 3  # files kept: the newest and two before it, for a download already under way
CHUNK = 2000  # releases read from the database at a time
COMPRESSION = 6  # gzip's level: 9 is much slower for a file a few per cent smaller
# The PostgreSQL advisory lock that lets one build run at a time (any stable number).
LOCK = zlib.crc32(b"opendata.bulk")


def _claim():
    """True if this transaction may build the file: on PostgreSQL, the advisory lock,
    held until the transaction ends, even if the worker dies. Elsewhere (development's
    SQLite, where tasks run in the web process) there is no one to race."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK])
        return cursor.fetchone()[0]


def _write(file):
    """Every release, oldest first, into ``file`` (binary) as gzipped JSON Lines;
    returns how many."""
    count = 0
    rows = Release.objects.order_by("date", "id").values_list("data", flat=True)
    # mtime=0: the same releases make the same bytes.
    with gzip.GzipFile(fileobj=file, mode="wb", compresslevel=COMPRESSION, mtime=0) as out:
        # Each release is stored as compact JSON on one line (record_release), so it is
        # copied out as it is, never parsed.
        for data in rows.iterator(chunk_size=CHUNK):
            out.write(data.encode())
            out.write(b"\n")
            count += 1
    return count


def _store(name):
    """Write the releases to ``name`` in the default storage and return ``(name as
    stored, releases)``. A local folder gets a temporary file renamed over ``name`` (an
    atomic replace: a download under way keeps reading the file it opened); a remote
    storage gets a finished upload, under a fresh name if ``name`` is taken."""
    try:
        final = default_storage.path(name)
    except NotImplementedError:
        with tempfile.TemporaryFile() as file:
            count = _write(file)
            file.seek(0)
            return default_storage.save(name, File(file)), count
    os.makedirs(os.path.dirname(final), exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=os.path.dirname(final), prefix=".making-", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as file:
            count = _write(file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, final)
    except BaseException:
        os.unlink(temporary)
        raise
    return name, count


def _prune(keep):
    """Forget all but the ``keep`` newest files, and delete the files no kept row names
    (a rebuild on the same day replaced its file in place, under the same name)."""
    kept = list(BulkFile.objects.order_by("-made_at", "-pk")[:keep])
    old = BulkFile.objects.exclude(pk__in=[row.pk for row in kept])
    names = set(old.values_list("name", flat=True)) - {row.name for row in kept}
    old.delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


def make_bulk_file(*, keep=KEEP):
    """Write every release to ``opendata/releases-<today>.jsonl.gz`` (today in UK time),
    record it as a ``BulkFile`` and keep only the ``keep`` newest files. Safe to run
    again (a rerun the same day replaces that day's file) and at the same time as
    another run: while one is building, the other does nothing and returns None.
    Returns the new ``BulkFile``."""
    with transaction.atomic():
        if not _claim():
            return None
        made_at = timezone.now()
        name, count = _store(f"{FOLDER}/releases-{timezone.localdate(made_at):%Y-%m-%d}.jsonl.gz")
        BulkFile.objects.filter(name=name).delete()  # the file it named was just replaced
        bulk = BulkFile.objects.create(
            made_at=made_at, releases=count, size=default_storage.size(name), name=name
        )
        _prune(keep)
    return bulk


def latest_bulk_file():
    """The newest ``BulkFile`` whose file is there to serve, or None before the first."""
    for bulk in BulkFile.objects.order_by("-made_at", "-pk")[:KEEP]:
        if default_storage.exists(bulk.name):
            return bulk
    return None
