"""Personas, shared fixtures and the rules for tests that need real services.

Tests that need a service are marked ``postgres``, ``redis``, ``worker`` or ``nginx``. When
``DATABASE_URL`` or ``REDIS_URL`` does not point at the service they are skipped
with the reason, except under ``CI=true``, where a missing service is an error:
CI must run every test.
"""

import os
import shutil
import tempfile

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from commissioning import spend
from exchange import totals as exchange_totals
from opportunities import listings
from organisations.models import MembershipRole
from portal.celery import app as celery_app
from tests.factories import PASSWORD, CouncillorFactory, MembershipFactory, UserFactory
from tests.workers import start_worker, stop


def _uses_postgres():
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def missing_service(marker):
    """Why a test with ``marker`` cannot run in this environment, or None if it can."""
    if marker in {"postgres", "worker"} and not _uses_postgres():
        # A worker is another process: it cannot see pytest's in-memory SQLite.
        return f"{marker}: DATABASE_URL does not point at PostgreSQL"
    if marker in {"redis", "worker"} and not settings.REDIS_URL:
        return f"{marker}: REDIS_URL is not set"
    if marker == "nginx" and shutil.which("nginx", path=os.defpath + ":/usr/sbin") is None:
        return "nginx: Debian's nginx is not installed (apt-get install nginx)"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "worker", "nginx"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = missing_service(marker)
        if reason is None:
            continue
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)


def pytest_configure(config):
    # Tests run tasks in the test process, as the embedded default does, even
    # when REDIS_URL is set; only a test with `celery_worker` sends them to Redis.
    celery_app.conf.task_always_eager = True
    # Each test process keeps its files in a folder of its own, made afresh (the demo
    # seed writes the open data file under the same name in every process, and two
    # runs at once, from two checkouts, would otherwise share gw0's), and the
    # processes it starts (a Celery worker, gunicorn) inherit it from the environment.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix=f"{worker}-", dir=settings.MEDIA_ROOT)
    os.environ["MEDIA_ROOT"] = settings.MEDIA_ROOT


def pytest_unconfigure(config):
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # Counts outlive a test in Redis; a test of the limits turns them on.
    settings.RATE_LIMITS_ENABLED = False


@pytest.fixture(autouse=True)
def _public_lists_made_afresh():
    # The home page, the feed and the publishers are kept for a minute, the spend
    # figures for five; each test starts a new generation, so none sees rows
    # another test rolled back.
    listings.drop_all()
    spend.drop_figures()
    exchange_totals.forget()


@pytest.fixture
def rate_limits(settings):
    """Rate limits on, counting from nothing."""
    cache.clear()
    settings.RATE_LIMITS_ENABLED = True


def _client_for(client, user):
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def visitor(client):
    """Someone who is not signed in."""
    client.user = None
    return client


@pytest.fixture
def member(client):
    """A registered user with no roles beyond their own account."""
    return _client_for(client, UserFactory())


@pytest.fixture
def site_admin(client):
    return _client_for(client, UserFactory(is_superuser=True, is_staff=True))


@pytest.fixture
def scrutiny_officer(client):
    return _client_for(client, UserFactory(is_scrutiny_officer=True))


@pytest.fixture
def evaluator(client):
    return _client_for(client, UserFactory(is_evaluator=True))


@pytest.fixture
def councillor(client):
    return _client_for(client, CouncillorFactory().user)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def organisation_admin(client):
    """An administrator of their organisation (``client.organisation``)."""
    membership = MembershipFactory(role=MembershipRole.ADMIN)
    client.organisation = membership.organisation
    return _client_for(client, membership.user)


@pytest.fixture
def other_member(client):
    """A member of some other organisation."""
    membership = MembershipFactory()
    client.organisation = membership.organisation
    return _client_for(client, membership.user)


@pytest.fixture
def commissioner(client):
    """A member of an organisation allowed to publish opportunities."""
    membership = MembershipFactory(organisation__publishing_allowed_at=timezone.now())
    client.organisation = membership.organisation
    return _client_for(client, membership.user)


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real ``celery -A portal worker`` on REDIS_URL and the test database.

    Needs ``transactional_db`` (the worker only sees committed rows) and the
    ``worker`` and ``postgres`` markers. Emails it sends are written as files
    to ``worker.mail_dir``. Stopped with a warm shutdown afterwards, which
    must succeed.
    """
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    celery_app.control.purge()  # nothing left over from an earlier, failed run
    celery_app.conf.task_always_eager = False
    try:
        worker = start_worker(tmp_path / "worker.log", mail_dir=mail_dir)
        yield worker
        stop(worker)
    finally:
        celery_app.conf.task_always_eager = True
