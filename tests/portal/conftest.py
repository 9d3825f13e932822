"""Fixtures for tests that need real services: subprocesses and a Celery worker."""

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

REPO = Path(__file__).resolve().parents[2]


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


@pytest.fixture
def run_portal(tmp_path):
    """Run ``code`` in a new Python process with the portal set up by ``django.setup()``.

    The process gets its own environment (see ``portal_environment``), with an
    empty SQLite database under ``tmp_path`` unless DATABASE_URL is given.
    Returns the ``CompletedProcess``; stdout and stderr are text.
    """

    def run(code, *, timeout=60, **env):
        env.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
        script = "import django\ndjango.setup()\n" + code
        return subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO,
            env=portal_environment(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


def _test_database_url():
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
    log_path = tmp_path / "worker.log"
    hostname = f"test-{uuid.uuid4().hex[:8]}@%h"
    celery_app.control.purge()  # nothing left over from an earlier, failed run
    env = portal_environment(
        DATABASE_URL=_test_database_url(),
        REDIS_URL=settings.REDIS_URL,
        EMAIL_FILE_PATH=str(mail_dir),
        LOG_LEVEL="INFO",
    )
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "--loglevel=INFO", "-n", hostname]
    celery_app.conf.task_always_eager = False
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
        yield worker
    finally:
        celery_app.conf.task_always_eager = True
        _stop(worker)


def _wait_until_ready(worker, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            pytest.fail(f"The Celery worker exited early:\n{worker.log()}", pytrace=False)
        if celery_app.control.ping(destination=[worker.hostname], timeout=0.5):
            return
    pytest.fail(f"The Celery worker did not answer in {timeout}s:\n{worker.log()}", pytrace=False)


def _stop(worker):
    if worker.process.poll() is None:
        worker.process.terminate()  # SIGTERM: warm shutdown, finishing the current task
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
