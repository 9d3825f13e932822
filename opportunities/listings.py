"""The public lists of opportunities that every visitor is shown alike, kept in the cache.

The home page's counts and lists, the Atom feed and the search form's list of
publishers are the same for everyone and change only when an opportunity is
published, amended, cancelled or awarded (the publishing actions call
``changed`` once their transaction commits) or as time passes (an opportunity
closes at its deadline). So each is kept for a minute at most, under a
generation number that every change moves on: a change shows at once, the
passing of time within a minute. When the cache does not answer, the lists
are made afresh for each request and the pages are served all the same.
"""

import logging

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

GENERATION = "opportunities:listings:generation"
KEPT_FOR_SECONDS = 60


def drop_all():
    """Drop every kept list now, whatever the transaction (tests, and ``changed``)."""
    try:
        try:
            cache.incr(GENERATION)
        except ValueError:  # not set yet, or dropped by the cache
            cache.set(GENERATION, 1, timeout=None)
    except Exception as error:  # whatever the cache backend raises when it is away
        # Nothing can be kept while it is away, and what was kept expires within a minute.
        logger.warning("The kept opportunity lists were not dropped: %r", error)


def changed():
    """Drop every kept list once the current transaction commits (now if there is none)."""
    transaction.on_commit(drop_all)


def kept(name, make):
    """The value of ``make()`` kept under ``name`` for this generation, for a minute at most."""
    try:
        key = f"opportunities:listings:{name}:{cache.get(GENERATION, 0)}"
        value = cache.get(key)
    except Exception as error:  # whatever the cache backend raises when it is away
        logger.warning(
            "The opportunity list %s is made afresh: the cache did not answer (%r)", name, error
        )
        return make()
    if value is None:
        value = make()
        try:
            cache.set(key, value, timeout=KEPT_FOR_SECONDS)
        except Exception as error:
            logger.warning("The opportunity list %s was not kept: %r", name, error)
    return value
