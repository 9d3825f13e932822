"""gunicorn's settings for the portal, read from the working directory at start.

Limits refuse malformed or oversized request heads before Django sees them.
gunicorn has no limit on the size of a request body: the proxy in front
(deploy/nginx/portal.conf.template, ``client_max_body_size``) refuses large
bodies first, and the portal refuses any body over ``REQUEST_MAX_BYTES``
(signed in) or 2.5 MB (signed out) from its Content-Length, unread
(``portal.middleware.RequestGuardMiddleware``).
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A request line (method, path and query string) of at most 8 KB, at most 100
# header fields of at most 8 KB each: ample for any page, link or form.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# A worker stuck longer than this is killed and replaced. PostgreSQL stops a
# web process's statement sooner (DATABASE_STATEMENT_TIMEOUT_MS, 20 s), so a
# slow query ends with a page saying so rather than here.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Tells the settings this is a web process, which gets the statement timeout.
raw_env = ["PORTAL_PROCESS=web"]
graceful_timeout = 30
# Only the proxy talks to gunicorn; trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
accesslog = "-"


def post_worker_init(worker):
    """Once a worker has loaded the portal, keep its long-lived objects out of the
    garbage collector's way.

    Python's cyclic collector now and then makes a full pass over every object a
    process holds: Django, the apps, their modules and settings, some 180,000, which
    took a request of the inquiry page from 50 ms to 200 ms and more. ``gc.freeze()``
    moves those already loaded to a generation no collection scans (the app is not
    preloaded, so this runs in each worker, after its ``load_wsgi``). Objects made
    later, per request, are collected as before.
    """
    gc.freeze()
