"""``/health/``: is each service the portal needs reachable?

Checks the database, the cache and, when a broker is configured, the broker
and at least one Celery worker. Answers 200 when all are up and 503 naming
what is down, as JSON, so load balancers and people can both read it.
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
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def check_worker():
    replies = celery_app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no Celery worker answered")


def checks():
    """The checks that apply to this configuration, by name."""
    found = {"database": check_database, "cache": check_cache}
    if settings.REDIS_URL:
        found["broker"] = check_broker
        found["worker"] = check_worker
    return found


@never_cache
@require_safe
def health(request):
    results = {}
    for name, check in checks().items():
        try:
            check()
        except Exception as error:  # any failure means "down", whatever raised it
            logger.warning("Health check %s failed: %s", name, error)
            # The reason goes to the log only: it can name internal hosts.
            results[name] = "down"
        else:
            results[name] = "up"
    down = sorted(name for name, status in results.items() if status == "down")
    return JsonResponse(
        {"status": "down" if down else "up", "down": down, "checks": results},
        status=503 if down else 200,
    )
