"""Rate limits on the forms someone could send again and again to cause harm.

Each limit counts requests in fixed windows (this hour, this day) in Django's
cache: Redis in production, local memory in the embedded default. ``cache.add``
starts a window's count and ``cache.incr`` adds to it, both atomic, so web
processes share one count. If the cache cannot be reached the request is
allowed and a warning logged: a missing limit is better than a broken form.

A view calls ``limit()`` once its form is valid, just before the action, so
typing mistakes cost nothing, and returns the 429 page it gets back.
"""

import ipaddress
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

HOUR = 60 * 60
DAY = 24 * HOUR

# Generous for a person (a family sharing a connection, an office behind one
# address), small for a script. Each is the keyword arguments of ``limit()``.
REGISTRATIONS = {"per_address": 5, "period": HOUR}
# Per email address too, so nobody's inbox can be filled with reset links.
PASSWORD_RESETS = {"per_address": 5, "per_value": 3, "period": HOUR}
QUESTIONS = {"per_account": 20, "per_address": 60, "period": DAY}
PARTNER_CONTACTS = {"per_account": 10, "per_address": 30, "period": DAY}


def client_address(request):
    """The address a request came from, as the limits count it.

    The one place that reads it. Behind ``settings.TRUSTED_PROXY_COUNT``
    proxies (nginx in the compose file is one) it is the address the outermost
    of them saw, the one that many entries from the end of X-Forwarded-For:
    entries further left were written by the sender and prove nothing. An
    IPv6 address counts as its /64 network: one connection usually holds a
    whole /64, so counting single addresses would let it take billions of turns.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [entry.strip() for entry in forwarded if entry.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def limit(request, key, *, period, per_address=None, per_account=None, value=None, per_value=None):
    """Count one request towards the limits named ``key``; a 429 page if it is over.

    Counts ``per_address`` requests from the client's address, ``per_account``
    from the signed-in user, and ``per_value`` for ``value`` (such as an email
    address typed into the form), each per ``period`` seconds. Returns ``None``
    while every count is within its limit, so the view carries on. Counts
    nothing when ``settings.RATE_LIMITS_ENABLED`` is false, and fails open when
    the cache is down.
    """
    if not settings.RATE_LIMITS_ENABLED:
        return None
    counted = [("address", client_address(request), per_address)]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        counted.append(("account", str(user.pk), per_account))
    if value is not None:
        counted.append(("value", value, per_value))
    now = time.time()
    window = int(now // period)
    seconds_left = (window + 1) * period - now
    try:
        over = [
            _count(f"{key}:{kind}:{who}", window, seconds_left) > allowed
            for kind, who, allowed in counted
            if allowed is not None
        ]
    except Exception as error:  # whatever the cache backend raises when it is away
        logger.warning("Rate limit %s not applied: the cache did not answer (%r)", key, error)
        return None
    if any(over):
        return too_many_requests(request, retry_after=math.ceil(seconds_left))
    return None


def _count(name, window, seconds_left):
    """Add one to ``name``'s count in ``window`` and return the new count."""
    # Keys name no address or email: the cache holds a keyed hash of them.
    digest = salted_hmac("portal.ratelimit", name).hexdigest()[:32]
    key = f"ratelimit:{digest}:{window}"
    timeout = math.ceil(seconds_left) + 1  # gone soon after its window closes
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1


def too_many_requests(request, *, retry_after):
    """The plain-English 429 page, saying when to try again, with ``Retry-After``."""
    response = render(request, "errors/429.html", {"wait": wait_in_words(retry_after)}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def wait_in_words(seconds):
    """How long to wait, roughly, as words to follow "Try again": "in about an hour"."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 55:
        return ngettext("in about %(n)d minute", "in about %(n)d minutes", minutes) % {"n": minutes}
    hours = max(1, round(seconds / HOUR))
    return ngettext("in about an hour", "in about %(n)d hours", hours) % {"n": hours}
