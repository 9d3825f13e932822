"""docker-compose.yml and the Dockerfile, checked by reading them.

Docker is not available where the tests run, so these tests check what can be
checked without it: every service's health check, the start-up order, and that
each command names a module, app or command that exists.
"""

import importlib
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from celery.app.utils import find_app
from django.core.management import get_commands

from portal.celery import app as celery_app

REPO = Path(__file__).resolve().parents[2]
PORTAL_SERVICES = {"migrate", "web", "worker", "beat"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def command(service):
    value = service["command"]
    return value if isinstance(value, list) else shlex.split(value)


def one_off(services):
    """Services that others wait on to finish, not to be healthy."""
    return {
        name
        for service in services.values()
        for name, dependency in service.get("depends_on", {}).items()
        if dependency["condition"] == "service_completed_successfully"
    }


def test_the_stack_has_the_services_production_needs(services):
    assert set(services) == PORTAL_SERVICES | {"db", "redis", "proxy"}
    assert services["db"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    # Debian bookworm's nginx, which CI runs with the same template (test_proxy.py).
    assert services["proxy"]["image"] == "nginx:1.22"


def test_only_the_proxy_is_published(services):
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert services["proxy"]["environment"]["PORTAL_UPSTREAM"] == "web:8000"
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_every_long_running_service_has_a_health_check(services):
    assert one_off(services) == {"migrate"}
    for name, service in services.items():
        if name in one_off(services):
            assert service["restart"] == "no", name
        else:
            assert service["healthcheck"]["test"][0] in {"CMD", "CMD-SHELL"}, name


def test_python_health_checks_compile(services):
    for name, service in services.items():
        check = service.get("healthcheck", {}).get("test", [])
        if check[:3] == ["CMD", "python", "-c"]:
            compile(check[3], f"{name} health check", "exec")


def test_portal_services_start_after_their_services_are_healthy(services):
    for name in PORTAL_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["db"]["condition"] == "service_healthy", name
        if name != "migrate":
            assert depends_on["redis"]["condition"] == "service_healthy", name
            assert depends_on["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["env_file"] == ".env", name


def test_web_serves_the_portal_wsgi_application(services):
    args = command(services["web"])
    assert args[0] == "gunicorn"
    module, _, attribute = args[1].partition(":")
    application = getattr(importlib.import_module(module), attribute or "application")
    assert callable(application)


@pytest.mark.parametrize(("name", "subcommand"), [("worker", "worker"), ("beat", "beat")])
def test_celery_services_run_the_portal_app(services, name, subcommand):
    args = command(services[name])
    assert args[:2] == ["celery", "-A"]
    # The lookup `celery -A <name>` itself makes.
    assert find_app(args[2]) is celery_app
    assert args[3] == subcommand


def test_beat_keeps_its_schedule_in_a_volume(services):
    args = command(services["beat"])
    [schedule] = [arg.split("=", 1)[1] for arg in args if arg.startswith("--schedule=")]
    mounts = [volume.split(":") for volume in services["beat"]["volumes"]]
    assert any(schedule.startswith(path + "/") for _, path in mounts)


def test_migrate_runs_a_django_command(services):
    args = command(services["migrate"])
    assert args[:2] == ["python", "manage.py"]
    assert args[2] in get_commands()


def test_named_volumes_are_declared(compose, services):
    used = {
        volume.split(":")[0]
        for service in services.values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    }
    assert used == set(compose["volumes"])


def test_variables_compose_reads_from_env_are_in_the_example(services):
    text = (REPO / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)", text))
    example = (REPO / ".env.example").read_text()
    for variable in interpolated:
        assert re.search(rf"^{variable}=", example, re.M), variable


def dockerfile():
    return (REPO / "Dockerfile").read_text()


def test_image_is_python_311_slim_and_runs_as_a_user():
    text = dockerfile()
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    users = re.findall(r"^USER (\S+)$", text, re.M)
    assert users and users[-1] not in {"root", "0"}
    assert re.search(r"STATIC_MANIFEST=true[\s\S]*manage\.py collectstatic --noinput", text)
    assert re.search(r'^CMD \["gunicorn", "portal\.wsgi:application"', text, re.M)


def test_image_installs_the_dependencies_pyproject_lists():
    [code] = re.findall(r'python -c "(import tomllib[^"]*)"', dockerfile())
    listed = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split("\n")

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert [line for line in listed if line] == project["dependencies"]


def test_image_build_context_leaves_out_secrets_and_local_state():
    ignored = (REPO / ".dockerignore").read_text().split()
    for path in (".env", ".git", ".venv", "node_modules", "db.sqlite3", "media"):
        assert path in ignored


def test_static_files_collect_with_hashed_names(run_portal, tmp_path):
    process = run_portal(
        "from django.core.management import call_command\n"
        "from django.test import override_settings\n"
        f"with override_settings(STATIC_ROOT={str(tmp_path / 'static')!r}):\n"
        "    call_command('collectstatic', interactive=False, verbosity=0)\n",
        STATIC_MANIFEST="true",
        timeout=120,
    )

    assert process.returncode == 0, process.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
