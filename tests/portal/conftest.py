"""Fixtures for tests that run the portal in another process."""

import subprocess
import sys

import pytest

from tests.workers import REPO, portal_environment


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
