"""Middleware that guards every request and response the same way.

- ``RequestGuardMiddleware`` answers before any view or form reads the request:
  404 for a path no page can have (control characters such as NUL), 413 for a
  body larger than the person may send. Django spools a multipart body to disk
  as soon as anything (CSRF checking included) reads ``request.POST``, so the
  size is judged from ``Content-Length`` first. Someone not signed in may send
  no more than an ordinary form (``DATA_UPLOAD_MAX_MEMORY_SIZE``, kept in
  memory); a signed-in person up to ``REQUEST_MAX_BYTES``, room for one upload.
- ``SlowQueryMiddleware`` answers a plain-English 503 when PostgreSQL stopped a
  statement at the web's ``statement_timeout`` (see ``DATABASE_STATEMENT_TIMEOUT_MS``).
- ``ReceivedAtMiddleware`` stamps ``request.received_at``, the moment the
  request reached the portal, which bid deadlines are judged by.
- ``PrivateCacheMiddleware`` marks every response to a signed-in person
  ``Cache-Control: private, no-store``, so no shared cache or back button keeps
  a page or download that was meant for them.
"""

import logging
import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import OperationalError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

# The furthest back nginx's X-Request-Start is believed: longer than a request waits
# in gunicorn's queue before nginx gives up on it (proxy_read_timeout 35 s).
REQUEST_START_WINDOW = timedelta(seconds=60)
REQUEST_START = re.compile(r"t=(\d{9,11})(?:\.(\d{1,6}))?")

# C0 and C1 control characters and DEL: never part of a page's address.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _content_length(request):
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return None


def too_large(request, length):
    """Whether ``length`` bytes is more than ``request``'s sender may post.

    Anyone may send an ordinary form; only a signed-in person more, up to
    ``REQUEST_MAX_BYTES`` (asking who they are only then saves a query).
    """
    if length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return False
    return length > settings.REQUEST_MAX_BYTES or not request.user.is_authenticated


class RequestGuardMiddleware:
    """Refuse, unread, what no view should see. Place after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path):
            # Answered by the project's handler404, like any unknown page.
            raise Http404("No page's address has a control character.")
        length = _content_length(request)
        if length is None:
            return render(request, "errors/400.html", status=400)
        if too_large(request, length):
            # No "Connection: close" here: WSGI servers own hop-by-hop headers
            # (runserver refuses them), and each closes or drains an unread body.
            return render(request, "errors/413.html", status=413)
        return self.get_response(request)


def _statement_timed_out(error):
    """Whether ``error`` is PostgreSQL cancelling a statement (SQLSTATE 57014)."""
    cause = error.__cause__ or error
    return getattr(cause, "pgcode", None) == "57014"


class SlowQueryMiddleware:
    """A page saying the request took too long, when the database stopped its query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError) or not _statement_timed_out(exception):
            return None
        logger.error(
            "A query on %s ran past the statement timeout and was stopped",
            request.path,
            exc_info=exception,
        )
        response = render(request, "errors/503_slow.html", status=503)
        response["Retry-After"] = "60"
        return response


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on everything sent to a signed-in person."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Drops any "public" a view set: what a signed-in person sees is theirs.
            patch_cache_control(response, private=True, no_store=True)
        return response


def received_at(request, now=None):
    """When ``request`` reached the portal.

    Behind nginx (``TRUST_REQUEST_START``) that is the moment nginx passed it on,
    from the ``X-Request-Start: t=<seconds since the epoch>`` header nginx sets
    (replacing any a client sent): a bid sent before the deadline keeps its place
    while it waits for a busy worker. The header is believed only within
    ``REQUEST_START_WINDOW`` before the server's clock and never after it;
    otherwise, and without the setting, it is the server's clock ``now``.
    """
    now = now or timezone.now()
    if not settings.TRUST_REQUEST_START:
        return now
    found = REQUEST_START.fullmatch(request.META.get("HTTP_X_REQUEST_START", "").strip())
    if found is None:
        return now
    seconds, fraction = found.groups()
    started = datetime.fromtimestamp(int(seconds), tz=UTC) + timedelta(
        microseconds=int((fraction or "").ljust(6, "0"))
    )
    return started if now - REQUEST_START_WINDOW <= started <= now else now


class ReceivedAtMiddleware:
    """Sets ``request.received_at`` (``received_at``) before anything else runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.received_at = received_at(request)
        return self.get_response(request)
