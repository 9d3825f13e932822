"""``/health/``: is each service the portal needs reachable?

Two answers, as JSON, 200 when all are up and 503 naming what is down, so load
balancers and people can both read them:

- ``/health/``, public: the database, the cache and (when ``REDIS_URL`` is set)
  the broker. Cheap: each web process answers from its last result for
  ``CACHE_SECONDS``, so clients polling it cannot slow the pages. It reveals
  only those names and whether each is up; reasons go to the log.
- ``/health/workers/``, for operators: the same plus a Celery worker ping,
  which waits on a broadcast for up to a second. It answers only a request
  carrying ``Authorization: Bearer <HEALTH_TOKEN>``; without the token, or when
  ``HEALTH_TOKEN`` is not set, it is a 404 like any unknown page.

Every check gives up within about two seconds, and the worker is not pinged
when the broker is down (the ping would only wait for the broker), so a call
answers in a few seconds whatever has failed.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import Http404, JsonResponse
from django.utils.crypto import constant_time_compare, get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.celery import app as celery_app

logger = logging.getLogger(__name__)

TIMEOUT = 2  # seconds, for each check
# The public answer is reused for this long by each web process.
CACHE_SECONDS = 5


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key = f"health:{get_random_string(12)}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


def check_broker():
    with celery_app.connection_for_write(connect_timeout=TIMEOUT) as conn:
        # One immediate retry forgives a dropped pooled connection, no more.
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=TIMEOUT)


def check_worker():
    replies = celery_app.control.ping(timeout=TIMEOUT / 2)
    if not replies:
        raise RuntimeError("no Celery worker answered")


def checks(*, workers=False):
    """The checks that apply to this configuration, in order, by name.

    The worker ping is included only when ``workers`` is asked for.
    """
    found = {"database": check_database, "cache": check_cache}
    if settings.REDIS_URL:
        found["broker"] = check_broker
        if workers:
            found["worker"] = check_worker
    return found


# A check is not run when a service it goes through is down: it is down too.
REQUIRES = {"worker": "broker"}


def run_checks(*, workers=False):
    """Run every check that applies; map each name to "up" or "down"."""
    results = {}
    for name, check in checks(workers=workers).items():
        if results.get(REQUIRES.get(name)) == "down":
            logger.warning("Health check %s skipped: %s is down", name, REQUIRES[name])
            results[name] = "down"
            continue
        try:
            check()
        except Exception as error:  # any failure means "down", whatever raised it
            # The reason goes to the log only: it can name internal hosts.
            logger.warning("Health check %s failed: %s", name, error)
            results[name] = "down"
        else:
            results[name] = "up"
    return results


class _Recent:
    """The last public result in this process, and when it was taken."""

    lock = threading.Lock()
    results = None
    taken = 0.0


def recent_checks():
    """The public checks' results, run again only when ``CACHE_SECONDS`` have passed.

    Held in the process, not the shared cache: the cache is one of the things
    being checked. One request at a time runs them; the others wait for it.
    """
    with _Recent.lock:
        if _Recent.results is None or time.monotonic() - _Recent.taken >= CACHE_SECONDS:
            _Recent.results = run_checks()
            _Recent.taken = time.monotonic()
        return dict(_Recent.results)


def _answer(results):
    down = sorted(name for name, status in results.items() if status == "down")
    return JsonResponse(
        {"status": "down" if down else "up", "down": down, "checks": results},
        status=503 if down else 200,
    )


@never_cache
@require_safe
def health(request):
    return _answer(recent_checks())


def _has_token(request):
    token = settings.HEALTH_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and constant_time_compare(given, f"Bearer {token}")


@never_cache
@require_safe
def health_with_workers(request):
    """Every check including a worker ping, for whoever holds ``HEALTH_TOKEN``; else 404."""
    if not _has_token(request):
        raise Http404
    return _answer(run_checks(workers=True))
