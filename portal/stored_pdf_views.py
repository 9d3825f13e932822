"""Serving a stored PDF (``portal.stored_pdf``): the file when it is current, else a page
saying it is being made, or that it could not be made.

Each view that serves one checks who may read it first, exactly as for the
page it comes from; the file itself is in the private storage, which no URL serves.
"""

from django.http import FileResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

# The "being made" page asks again this often.
REFRESH_SECONDS = 5


def file_response(row, file_name, *, as_attachment=False):
    """The stored PDF of ``row`` as a response, or ``None`` if its file has gone (replaced
    by a newer version between the query and the open)."""
    try:
        handle = row.pdf.open("rb")
    except FileNotFoundError:
        return None
    return FileResponse(
        handle, content_type="application/pdf", filename=file_name, as_attachment=as_attachment
    )


def serve_stored_pdf(request, *, current, ask, templates, context, refresh_seconds=REFRESH_SECONDS):
    """Serve the current PDF; or ask for it and serve it if made at once; or say why not.

    ``current()`` returns the response for the current PDF or ``None``; ``ask()``
    asks for it (once per version) and returns the stored-PDF row. The render is
    queued when that commits, and runs there and then when Celery is eager (tests,
    the embedded default), so ``current()`` is tried again. ``templates`` is the
    pair (being made, could not be made); each gets ``context`` and ``report``, the
    first also ``refresh_seconds`` (answered 202).
    """
    response = current()
    if response is not None:
        return response
    report = ask()
    response = current()
    if response is not None:
        return response
    report.refresh_from_db()
    being_made, not_made = templates
    context = context | {"report": report}
    if report.failed_at is not None:
        response = render(request, not_made, context)
    else:
        context["refresh_seconds"] = refresh_seconds
        response = render(request, being_made, context, status=202)
    add_never_cache_headers(response)
    return response
