"""``/health/``: is each service the portal needs reachable?

Checks the database, the cache and, when a broker is configured, the broker
and at least one Celery worker. Answers 200 when all are up and 503 naming
what is down, as JSON, so load balancers and people can both read it.

Every check gives up within about two seconds, and the worker is not pinged
when the broker is down (the ping would only wait for the broker), so a call
answers in a few seconds whatever has failed.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.celery import app as celery_app

logger = logging.getLogger(__name__)

TIMEOUT = 2  # seconds, for each check


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


def checks():
    """The checks that apply to this configuration, in order, by name."""
    found = {"database": check_database, "cache": check_cache}
    if settings.REDIS_URL:
        found["broker"] = check_broker
        found["worker"] = check_worker
    return found


# A check is not run when a service it goes through is down: it is down too.
REQUIRES = {"worker": "broker"}


def run_checks():
    """Run every check that applies; map each name to "up" or "down"."""
    results = {}
    for name, check in checks().items():
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


@never_cache
@require_safe
def health(request):
    results = run_checks()
    down = sorted(name for name, status in results.items() if status == "down")
    return JsonResponse(
        {"status": "down" if down else "up", "down": down, "checks": results},
        status=503 if down else 200,
    )
