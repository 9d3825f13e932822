"""The OCDS API: ``/api/ocds/releases/`` (release packages, newest first, paged by a
cursor, filtered by date), ``/api/ocds/records/<ocid>/`` (one procurement's
record with its compiled release) and ``/api/ocds/releases.jsonl.gz`` (every release in
one file, made nightly). Anyone may read them; they hold only releases, which hold
only what was public when they were made."""

import datetime

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotFound, JsonResponse
from django.utils import timezone
from django.utils.http import http_date, urlencode
from django.views.decorators.http import require_safe

from opendata import bulk, packages, queries
from opendata.ocds import absolute

JSON = {"ensure_ascii": False, "separators": (",", ":")}
JSON_TYPE = "application/json"


def _error(status, message):
    return JsonResponse({"error": message}, status=status)


def _moment(text, *, day_after=False):
    """A date (UK time, its start; with ``day_after``, the next day's) or an ISO date and
    time with an offset; ValueError otherwise."""
    if "T" not in text:
        day = datetime.date.fromisoformat(text)
        if day_after:
            day += datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime(day.year, day.month, day.day))
    moment = datetime.datetime.fromisoformat(text)
    if timezone.is_naive(moment):
        raise ValueError(text)
    return moment


@require_safe
def releases(request):
    """A page of releases newest first: ``since`` and ``until`` (dates, both included,
    or date-times) bound it, ``cursor`` (from the previous page's ``links.next``) moves
    on."""
    try:
        since = _moment(request.GET["since"]) if request.GET.get("since") else None
        until = _moment(request.GET["until"], day_after=True) if request.GET.get("until") else None
    except (ValueError, OverflowError):
        return _error(
            400, "since and until must be dates like 2026-04-01, or date-times with an offset."
        )
    try:
        page = queries.release_page(
            cursor=request.GET.get("cursor") or None, since=since, until=until
        )
    except queries.BadCursor:
        return _error(
            400, "That cursor is not one this API gave out: start again from the first page."
        )
    kept = {key: request.GET[key] for key in ("since", "until") if request.GET.get(key)}
    next_uri = None
    if page.next_cursor:
        next_uri = absolute(request.path + "?" + urlencode({**kept, "cursor": page.next_cursor}))
    package = packages.release_package_json(
        page.releases, uri=absolute(request.get_full_path()), next_uri=next_uri
    )
    return HttpResponse(package, content_type=JSON_TYPE)


@require_safe
def record(request, ocid):
    """``ocid``'s record package: all its releases, oldest first, and its compiled
    release. 404 for an ocid with no releases."""
    releases = queries.releases_of(ocid)
    if not releases:
        raise Http404("No procurement has that ocid.")
    package = packages.record_package(
        ocid,
        releases,
        queries.compiled_release(releases),
        uri=absolute(request.get_full_path()),
    )
    return JsonResponse(package, json_dumps_params=JSON)


@require_safe
def bulk_file(request):
    """The newest bulk file (gzipped JSON Lines of every release, oldest first) as a
    download; a plain 404 before the first is made. Served from here because the
    storage's files are never public."""
    made = bulk.latest_bulk_file()
    try:
        file = default_storage.open(made.name, "rb") if made else None
    except FileNotFoundError:  # pruned by a build that finished just now
        file = None
    if file is None:
        return HttpResponseNotFound(
            "The bulk file has not been made yet: it is made every night.",
            content_type="text/plain; charset=utf-8",
        )
    response = FileResponse(
        file,
        as_attachment=True,
        filename=made.name.rsplit("/", 1)[-1],
        content_type="application/gzip",
    )
    # It changes once a night; a client may keep it for an hour.
    response["Cache-Control"] = "public, max-age=3600"
    response["Last-Modified"] = http_date(made.made_at.timestamp())
    return response
