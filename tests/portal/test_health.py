"""``/health/``: up when every service answers, 503 naming exactly what is down.

The "down" cases run the portal in a new process whose DATABASE_URL or
REDIS_URL points at a closed port, so each service is really unreachable.
"""

import json
import time

import pytest

from portal import health

TOKEN = "a-health-token-for-operators"


@pytest.fixture(autouse=True)
def _fresh_results(settings):
    """Each test sees checks run now, not a result another test left in this process."""
    settings.HEALTH_TOKEN = TOKEN
    health._Recent.results = None
    yield
    health._Recent.results = None


CLOSED_PORT = "127.0.0.1:1"

# Runs in the new process: fetch a page and report status and body.
FETCH = """
import json, sys
{setup}
from django.test import Client
response = Client().get(sys.argv[1] if len(sys.argv) > 1 else {path!r})
print(json.dumps({{
    "status": response.status_code,
    "body": response.content.decode(),
}}))
"""


def fetch(run_portal, path, *, migrate=False, **env):
    setup = "from django.core.management import call_command\ncall_command('migrate', verbosity=0)"
    process = run_portal(FETCH.format(path=path, setup=setup if migrate else ""), **env)
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout.splitlines()[-1])


def test_health_is_up_on_the_embedded_default(run_portal):
    result = fetch(run_portal, "/health/")

    assert result["status"] == 200
    assert json.loads(result["body"]) == {
        "status": "up",
        "down": [],
        "checks": {"database": "up", "cache": "up"},
    }


def test_health_names_the_database_when_it_is_unreachable(run_portal):
    result = fetch(run_portal, "/health/", DATABASE_URL=f"postgres://postgres@{CLOSED_PORT}/portal")

    assert result["status"] == 503
    assert json.loads(result["body"]) == {
        "status": "down",
        "down": ["database"],
        "checks": {"database": "down", "cache": "up"},
    }


def test_health_names_cache_and_broker_when_redis_is_unreachable(run_portal):
    result = fetch(run_portal, "/health/", REDIS_URL=f"redis://{CLOSED_PORT}/0")

    assert result["status"] == 503
    body = json.loads(result["body"])
    assert body["down"] == ["broker", "cache"]
    assert body["checks"]["database"] == "up"


def test_health_names_everything_when_nothing_is_reachable(run_portal):
    result = fetch(
        run_portal,
        "/health/",
        DATABASE_URL=f"postgres://postgres@{CLOSED_PORT}/portal",
        REDIS_URL=f"redis://{CLOSED_PORT}/0",
    )

    assert result["status"] == 503
    assert json.loads(result["body"])["down"] == ["broker", "cache", "database"]


def test_pages_are_still_served_when_redis_is_unreachable(run_portal):
    result = fetch(run_portal, "/", migrate=True, REDIS_URL=f"redis://{CLOSED_PORT}/0")

    assert result["status"] == 200
    assert "Skip to main content" in result["body"]


# Runs in the new process: ask the operators' check with the token.
FETCH_WITH_TOKEN = """
import json
from django.test import Client
response = Client(headers={{"Authorization": "Bearer {token}"}}).get("/health/workers/")
print(json.dumps({{
    "status": response.status_code,
    "body": response.content.decode(),
}}))
"""


@pytest.mark.redis
def test_the_operators_check_names_the_worker_when_none_is_running(run_portal, settings):
    process = run_portal(
        FETCH_WITH_TOKEN.format(token=TOKEN), REDIS_URL=settings.REDIS_URL, HEALTH_TOKEN=TOKEN
    )
    assert process.returncode == 0, process.stderr
    result = json.loads(process.stdout.splitlines()[-1])

    assert result["status"] == 503
    assert json.loads(result["body"])["checks"] == {
        "database": "up",
        "cache": "up",
        "broker": "up",
        "worker": "down",
    }


def test_the_operators_check_reports_the_worker_down_without_waiting_on_a_dead_broker(
    run_portal,
):
    process = run_portal(
        FETCH_WITH_TOKEN.format(token=TOKEN),
        REDIS_URL=f"redis://{CLOSED_PORT}/0",
        HEALTH_TOKEN=TOKEN,
    )
    assert process.returncode == 0, process.stderr
    result = json.loads(process.stdout.splitlines()[-1])

    assert result["status"] == 503
    assert json.loads(result["body"])["down"] == ["broker", "cache", "worker"]
    # No ping waited on the dead broker: the worker check was not run (not a timing,
    # which a loaded machine would make flaky).
    assert "Health check worker skipped: broker is down" in process.stderr
    assert "Health check worker failed" not in process.stderr


@pytest.mark.redis
def test_the_public_check_does_not_ping_workers(run_portal, settings):
    """With Redis up and no worker running, the public answer is up: no worker is asked."""
    result = fetch(run_portal, "/health/", REDIS_URL=settings.REDIS_URL)

    assert result["status"] == 200
    assert json.loads(result["body"])["checks"] == {"database": "up", "cache": "up", "broker": "up"}


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_the_operators_check_is_up_with_redis_and_a_running_worker(client, celery_worker):
    response = client.get("/health/workers/", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200
    assert response.json() == {
        "status": "up",
        "down": [],
        "checks": {"database": "up", "cache": "up", "broker": "up", "worker": "up"},
    }
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_the_operators_check_is_not_found_without_the_token(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    assert client.get("/health/workers/", headers=headers).status_code == 404


@pytest.mark.django_db
def test_the_operators_check_is_not_found_when_no_token_is_set(client, settings):
    settings.HEALTH_TOKEN = ""
    assert client.get("/health/workers/", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.django_db
def test_the_public_answer_is_reused_for_a_few_seconds(client, django_assert_num_queries):
    """Many clients polling /health/ reach the database once per interval per process."""
    with django_assert_num_queries(1):
        for _ in range(20):
            assert client.get("/health/").status_code == 200

    health._Recent.taken = time.monotonic() - health.CACHE_SECONDS
    with django_assert_num_queries(1):
        client.get("/health/")


@pytest.mark.django_db
def test_health_answers_plain_http_when_pages_redirect_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/").status_code == 301
    response = client.get("/health/")
    assert response.status_code in {200, 503}  # whether a worker runs is not the point
    assert response.json()["checks"]["database"] == "up"


# Runs in the new process: register through the form with the broker down.
REGISTER = """
import json
from django.core import mail
from django.test import Client
response = Client().post("/accounts/register/", {
    "full_name": "Grace Hopper", "email": "grace@example.org",
    "password": "a-long-unusual-passphrase", "password_again": "a-long-unusual-passphrase",
})
from accounts.models import User
print(json.dumps({
    "status": response.status_code,
    "users": list(User.objects.values_list("email", flat=True)),
    "mail": [message.to for message in mail.outbox],
}))
"""


def test_registering_still_works_and_sends_its_email_when_redis_is_unreachable(run_portal):
    migrate = run_portal(
        "from django.core.management import call_command\ncall_command('migrate', verbosity=0)"
    )
    assert migrate.returncode == 0, migrate.stderr
    code = "from django.test.utils import setup_test_environment\nsetup_test_environment()\n"
    process = run_portal(code + REGISTER, REDIS_URL=f"redis://{CLOSED_PORT}/0")
    assert process.returncode == 0, process.stderr
    result = json.loads(process.stdout.splitlines()[-1])
    assert result == {
        "status": 302,
        "users": ["grace@example.org"],
        "mail": [["grace@example.org"]],
    }
