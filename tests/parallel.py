"""Keeps the suite's parallel processes (pytest-xdist workers) out of each other's way.

``bin/test`` runs the suite in several processes (``-n``). pytest-django already gives
each its own test database (``test_<name>_gw0``, ``_gw1``, ...). Redis is what they
would otherwise share: the cache (rate-limit counts, cached lists, ``cache.clear()``)
and Celery's broker, where a Celery worker started by one process's test would take
the tasks another enqueued and run them against the wrong database.

So process ``gwN`` moves REDIS_URL on by N databases: with ``redis://host:6379/0``, gw0
uses database 0 and gw1 database 1 (Redis has 16 unless configured otherwise). Celery's
control messages (ping, purge) are scoped to the database too. This must happen before
Django reads its settings, so the module is loaded as a plugin (``-p tests.parallel`` in
pyproject.toml's addopts), ahead of pytest-django. A run without ``-n`` is unchanged.
"""

import os
from urllib.parse import urlsplit

import pytest


def redis_url_for_worker(url, worker):
    """``url`` with its database number moved on by the xdist worker's number ("gw1": 1)."""
    index = int(worker.removeprefix("gw"))
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + index
    return parts._replace(path=f"/{database}").geturl()


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = redis_url_for_worker(os.environ["REDIS_URL"], worker)


# Test modules whose tests depend on each other: all of a module's tests go to one
# process, in their order. (pytest-xdist's own ``xdist_group`` marker does nothing with
# pytest 9: the worker renames a node id attribute pytest no longer reads.)
ONE_PROCESS = {
    # Its personas share DONE and REACHED, and its last test needs every persona's run.
    "tests/portal/test_hostile_input.py",
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under ``-n`` (``--dist load``, the default): each test is a unit of work handed to
    the next free process, except that each module in ONE_PROCESS is one unit, handed out
    first as the longest."""
    if config.getvalue("dist") != "load":
        return None  # another --dist asked for by name
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            module = nodeid.split("::", 1)[0]
            return module if module in ONE_PROCESS else nodeid

    return Scheduling(config, log)
