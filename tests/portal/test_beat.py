"""Celery beat, run for real as docker-compose's ``beat`` service runs it.

Beat reads its schedule from the settings and keeps when each job last ran in
a file. Here that file says the nightly session clean-up last ran two days
ago, so beat sends it at once; a real worker runs it against the test
database, and the expired session is gone.
"""

import subprocess
import sys
import time
from datetime import timedelta

import pytest
from celery.beat import PersistentScheduler
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal.celery import app as celery_app
from tests.workers import REPO, portal_environment, process_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker]


def _schedule_saying_sessions_were_cleared_long_ago(path):
    scheduler = PersistentScheduler(app=celery_app, schedule_filename=str(path), lazy=True)
    scheduler.setup_schedule()
    entry = scheduler.schedule["clear-expired-sessions"]
    entry.last_run_at = entry.default_now() - timedelta(days=2)
    scheduler.sync()
    scheduler.close()


def test_beat_sends_a_due_job_that_a_worker_runs(celery_worker, tmp_path, settings):
    Session.objects.create(
        session_key="expired" * 4,
        session_data="",
        expire_date=timezone.now() - timedelta(days=1),
    )
    schedule = tmp_path / "celerybeat-schedule"
    _schedule_saying_sessions_were_cleared_long_ago(schedule)
    log_path = tmp_path / "beat.log"
    env = portal_environment(DATABASE_URL=process_database_url(), REDIS_URL=settings.REDIS_URL)
    with log_path.open("w") as log:
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "beat", "--loglevel=INFO"]
            + [f"--schedule={schedule}", "--max-interval=1"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 60
        while Session.objects.exists() and time.monotonic() < deadline:
            assert beat.poll() is None, log_path.read_text()
            time.sleep(0.5)
        assert not Session.objects.exists(), log_path.read_text() + celery_worker.log()
        assert "portal.tasks.clear_expired_sessions" in log_path.read_text()
    finally:
        beat.terminate()
        beat.wait(timeout=30)
    assert beat.returncode == 0, log_path.read_text()
