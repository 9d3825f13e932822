"""Settings come from the environment and refuse to start on a bad value.

Each case starts Django in a new process, as a web or worker process would,
and expects it to stop with the variable's name in the error.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_database, env_email_url

REPO = Path(__file__).resolve().parents[2]
SHORT_KEY = "too-short-for-production"


@pytest.mark.parametrize(
    ("variable", "env"),
    [
        ("DEBUG", {"DEBUG": "maybe"}),
        ("SECRET_KEY", {"DEBUG": "false", "SECRET_KEY": None}),
        ("SECRET_KEY", {"DEBUG": "false", "SECRET_KEY": SHORT_KEY}),
        ("ALLOWED_HOSTS", {"DEBUG": "false", "ALLOWED_HOSTS": None}),
        ("DATABASE_URL", {"DATABASE_URL": "mysql://portal@localhost/portal"}),
        ("REDIS_URL", {"REDIS_URL": "http://x"}),
        ("COUNCIL_BRAND_COLOUR", {"COUNCIL_BRAND_COLOUR": "#ffffff"}),
        ("COUNCIL_BRAND_COLOUR", {"COUNCIL_BRAND_COLOUR": "blue"}),
        ("EMAIL_URL", {"EMAIL_URL": "ftp://x"}),
        ("AXES_FAILURE_LIMIT", {"AXES_FAILURE_LIMIT": "abc"}),
        ("CSRF_TRUSTED_ORIGINS", {"CSRF_TRUSTED_ORIGINS": "example.org"}),
        ("SITE_URL", {"SITE_URL": "portal.example.org"}),
        ("PORT", {"PORT": "eighty"}),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_bad_value_stops_start_up_naming_the_variable(run_portal, variable, env):
    process = run_portal("", **env)

    assert process.returncode != 0
    last_line = process.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured")
    assert variable in last_line


def test_the_same_environment_without_the_bad_value_starts(run_portal):
    # The cases above differ from this one only by the value they break.
    process = run_portal("")

    assert process.returncode == 0, process.stderr


def test_debug_needs_no_secret_key_or_hosts(run_portal):
    process = run_portal("", DEBUG="true", SECRET_KEY=None, ALLOWED_HOSTS=None)

    assert process.returncode == 0, process.stderr


@pytest.mark.parametrize(
    ("url", "host", "port", "tls", "ssl"),
    [
        ("smtp://mail.example.org", "mail.example.org", 25, False, False),
        ("smtp+tls://mail.example.org", "mail.example.org", 587, True, False),
        ("smtps://mail.example.org", "mail.example.org", 465, False, True),
        ("smtp+tls://mail.example.org:2525", "mail.example.org", 2525, True, False),
    ],
)
def test_email_url_sets_host_port_and_encryption(monkeypatch, url, host, port, tls, ssl):
    monkeypatch.setenv("EMAIL_URL", url)

    email = env_email_url("EMAIL_URL")

    assert email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (email["EMAIL_HOST"], email["EMAIL_PORT"]) == (host, port)
    assert (email["EMAIL_USE_TLS"], email["EMAIL_USE_SSL"]) == (tls, ssl)
    assert (email["EMAIL_HOST_USER"], email["EMAIL_HOST_PASSWORD"]) == ("", "")
    assert email["EMAIL_TIMEOUT"] == 20


def test_email_url_unescapes_user_and_password(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://portal%40example.org:p%40ss%3Aw%2Frd%23@smtp:587")

    email = env_email_url("EMAIL_URL")

    assert email["EMAIL_HOST_USER"] == "portal@example.org"
    assert email["EMAIL_HOST_PASSWORD"] == "p@ss:w/rd#"
    assert email["EMAIL_HOST"] == "smtp"


def test_email_url_reads_a_timeout(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtps://mail.example.org?timeout=5")

    assert env_email_url("EMAIL_URL")["EMAIL_TIMEOUT"] == 5


def test_email_url_unset_leaves_the_default_backend(monkeypatch):
    monkeypatch.delenv("EMAIL_URL", raising=False)

    assert env_email_url("EMAIL_URL") is None


@pytest.mark.parametrize(
    "url",
    [
        "ftp://mail.example.org",
        "smtp://",
        "smtp://mail.example.org:port",
        "smtp://mail.example.org?timeout=soon",
    ],
)
def test_email_url_refuses_what_it_cannot_use(monkeypatch, url):
    monkeypatch.setenv("EMAIL_URL", url)

    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env_email_url("EMAIL_URL")


PRINT_SITE_URL = "from django.conf import settings\nprint(settings.SITE_URL)"


def test_links_follow_the_port_bin_run_serves_on(run_portal):
    process = run_portal(PRINT_SITE_URL, PORT="8123", SITE_URL=None)

    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == "http://127.0.0.1:8123"


def test_links_use_port_8000_when_no_port_is_given(run_portal):
    process = run_portal(PRINT_SITE_URL, PORT=None, SITE_URL=None)

    assert process.stdout.strip() == "http://127.0.0.1:8000"


def test_site_url_wins_over_the_port(run_portal):
    process = run_portal(PRINT_SITE_URL, PORT="8123", SITE_URL="https://portal.example.org")

    assert process.stdout.strip() == "https://portal.example.org"


# Runs in the new process: a task enqueued on the embedded default (as the demo
# data's emails are on every start of bin/run), with the log at INFO.
ENQUEUE_A_TASK = """
from django.core.management import call_command
call_command("migrate", "sessions", verbosity=0)
from portal.tasks import clear_expired_sessions
clear_expired_sessions.delay()
"""


def test_a_task_on_the_embedded_default_runs_without_a_warning(run_portal):
    process = run_portal(ENQUEUE_A_TASK, LOG_LEVEL="INFO")

    assert process.returncode == 0, process.stderr
    assert "Task portal.tasks.clear_expired_sessions" in process.stderr
    assert "succeeded" in process.stderr
    assert [line for line in process.stderr.splitlines() if " WARNING " in line] == []


def test_postgres_connections_give_up_after_a_few_seconds(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://portal@db:5432/portal")

    assert env_database("DATABASE_URL", None)["OPTIONS"]["connect_timeout"] == 5


def _env_example():
    """The variables .env.example sets, as docker compose's env_file reads them."""
    values = {}
    for line in (REPO / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_env_example_passes_the_deployment_checks():
    # Only .env.example: none of the test run's relaxations may leak in.
    env = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    env.update(_env_example())
    process = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert process.returncode == 0, process.stdout + process.stderr
    assert "System check identified no issues" in process.stdout


def test_env_example_is_a_production_configuration():
    example = _env_example()

    assert example["DEBUG"] == "false"
    assert "replace-me" in example["SECRET_KEY"]
    assert len(example["SECRET_KEY"]) >= 50
    assert example["DATABASE_URL"].startswith("postgres://")
    assert example["EMAIL_URL"].startswith("smtp+tls://")


def test_env_example_names_every_variable_the_settings_read():
    source = (REPO / "portal" / "settings.py").read_text()
    read = set(re.findall(r"env_\w+\(\s*\"([A-Z_]+)\"", source))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (REPO / ".env.example").read_text(), re.M))

    assert read, "the pattern no longer finds the settings' variables"
    assert read - documented == set()


@pytest.mark.django_db
def test_only_scripts_carrying_the_request_nonce_may_run(client):
    response = client.get("/")

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
        if " " in directive.strip()
    )
    script_src = policy["script-src"].split()
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src
    [nonce] = [source[len("'nonce-") : -1] for source in script_src if source.startswith("'nonce-")]
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.text)
    assert inline_scripts, "the page has no inline script to check"
    for attributes in inline_scripts:
        assert f'nonce="{nonce}"' in attributes
    # A new nonce for every response, or it protects nothing.
    assert nonce not in client.get("/")["Content-Security-Policy"]
