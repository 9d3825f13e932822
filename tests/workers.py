"""Real Celery workers for tests: ``celery -A portal worker`` processes on REDIS_URL and
the test database, and the environment such processes get."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from portal.celery import app as celery_app
from tests.nginx import free_port  # noqa: F401  (the tests' servers import it from here)

REPO = Path(__file__).resolve().parents[1]


def portal_environment(**overrides):
    """This process's environment without the service URLs, plus ``overrides``.

    A value of None removes the variable.
    """
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_HOST"):
        env.pop(name, None)
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    env["PYTHONPATH"] = str(REPO)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def process_database_url():
    """DATABASE_URL for the database pytest-django created (test_<name>)."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return url._replace(path="/" + settings.DATABASES["default"]["NAME"]).geturl()


class Worker:
    def __init__(self, process, hostname, mail_dir, log_path):
        self.process = process
        self.hostname = hostname
        self.mail_dir = mail_dir
        self.log_path = log_path

    def log(self):
        return self.log_path.read_text(errors="replace")

    def sent_emails(self):
        """The text of every email the worker has written, oldest first."""
        return [path.read_text() for path in sorted(self.mail_dir.glob("*.log"))]


def start_worker(log_path, *, mail_dir=None, **env):
    """Start a worker logging to ``log_path`` and wait until it answers a ping.

    Its email goes to files in ``mail_dir`` unless ``env`` says otherwise (an
    ``EMAIL_URL``). The caller makes sure tasks are not run eagerly, and stops
    the worker with ``stop``.
    """
    hostname = f"test-{uuid.uuid4().hex[:8]}@%h"
    if mail_dir is not None:
        env["EMAIL_FILE_PATH"] = str(mail_dir)
    env = portal_environment(
        DATABASE_URL=process_database_url(), REDIS_URL=settings.REDIS_URL, LOG_LEVEL="INFO", **env
    )
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "--loglevel=INFO", "-n", hostname]
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    worker = Worker(process, hostname.replace("%h", os.uname().nodename), mail_dir, log_path)
    try:
        _wait_until_ready(worker)
    except BaseException:
        worker.process.kill()
        worker.process.wait()
        raise
    return worker


def _wait_until_ready(worker, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(f"The Celery worker exited early:\n{worker.log()}", pytrace=False)
        if celery_app.control.ping(destination=[worker.hostname], timeout=0.5):
            return
    pytest.fail(f"The Celery worker did not answer in {timeout}s:\n{worker.log()}", pytrace=False)


def stop(worker):
    """A warm shutdown (SIGTERM, finishing the current task), which must succeed."""
    if worker.process.poll() is None:
        worker.process.terminate()
        try:
            worker.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait()
            pytest.fail(f"The Celery worker ignored SIGTERM:\n{worker.log()}", pytrace=False)
    if worker.process.returncode != 0:
        pytest.fail(
            f"The Celery worker exited with {worker.process.returncode}:\n{worker.log()}",
            pytrace=False,
        )
