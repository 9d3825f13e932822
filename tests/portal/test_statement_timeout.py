"""Web processes' queries are stopped by PostgreSQL before gunicorn kills the worker,
and the person sees a page saying so."""

import json

import pytest

from tests.workers import REPO, process_database_url

pytestmark = pytest.mark.postgres

SHOW = """
import json
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    print(json.dumps(cursor.fetchone()[0]))
"""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"PORTAL_PROCESS": "web"}, "20s"),
        ({"PORTAL_PROCESS": "web", "DATABASE_STATEMENT_TIMEOUT_MS": "1500"}, "1500ms"),
        ({"PORTAL_PROCESS": "web", "DATABASE_STATEMENT_TIMEOUT_MS": "0"}, "0"),
        ({}, "0"),  # workers, beat, migrations and commands
    ],
)
def test_only_web_processes_get_the_statement_timeout(run_portal, env, expected):
    process = run_portal(SHOW, DATABASE_URL=process_database_url(), **env)
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout.splitlines()[-1]) == expected


def test_gunicorn_marks_its_processes_as_web():
    namespace = {"__file__": str(REPO / "gunicorn.conf.py")}
    exec((REPO / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 -- our own config file
    assert "PORTAL_PROCESS=web" in namespace["raw_env"]
    assert namespace["timeout"] * 1000 > 20_000  # gunicorn waits longer than PostgreSQL


@pytest.mark.django_db
def test_a_stopped_query_gets_a_page_saying_it_took_too_long(client, settings):
    settings.ROOT_URLCONF = "tests.portal.slow_urls"
    client.raise_request_exception = False
    response = client.get("/slow/")
    assert response.status_code == 503
    assert "This is taking too long" in response.text
    assert response["Retry-After"] == "60"
