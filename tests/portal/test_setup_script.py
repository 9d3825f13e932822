"""bin/run and bin/test install the dependencies only when something has changed.

Each case copies bin/ and pyproject.toml into a scratch folder whose
``.venv/bin/python`` stands in for the real one: it notes ``pip`` and
``manage.py`` commands in a log instead of running them, and hands everything
else to this Python. So the scripts run for real in a second or two, and the
log says what they would have installed and served.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

FAKE_PYTHON = """#!/bin/sh
case "$1 $2" in
  "-m pip") echo "pip $*" >> "$SETUP_LOG"; exit 0 ;;
esac
if [ "$1" = manage.py ]; then
  echo "PORT=$PORT SITE_URL=${{SITE_URL:-}} $*" >> "$SETUP_LOG"
  exit 0
fi
exec {python} "$@"
"""


@pytest.fixture
def checkout(tmp_path):
    """A scratch copy of the scripts with a stand-in venv; returns its folder."""
    shutil.copytree(REPO / "bin", tmp_path / "bin")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON.format(python=sys.executable))
    python.chmod(0o755)
    return tmp_path


def run(checkout, script, **env):
    """Run ``bin/<script>`` (or, for ``setup``, only bin/_setup.sh); return what it did.

    The answer is the log's lines written by this run: pip and manage.py commands.
    """
    log = checkout / "setup.log"
    log.touch()
    before = len(log.read_text().splitlines())
    if script == "setup":
        command = ["bash", "-c", 'source bin/_setup.sh "$@"', "_setup.sh", *env.pop("args", [])]
    else:
        command = [f"bin/{script}", *env.pop("args", [])]
    environment = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    environment.update(PYTHON=sys.executable, SETUP_LOG=str(log), **env)
    process = subprocess.run(
        command, cwd=checkout, env=environment, capture_output=True, text=True, timeout=60
    )
    assert process.returncode == 0, process.stdout + process.stderr
    return log.read_text().splitlines()[before:]


def installs(lines):
    """The requirement installs among a run's commands (pip upgrading itself aside)."""
    return [line for line in lines if line.startswith("pip") and " -r " in line]


def installed_requirements(checkout):
    return (checkout / ".venv" / "requirements.txt").read_text()


def test_a_first_setup_installs_the_dependencies(checkout):
    assert len(installs(run(checkout, "setup"))) == 1
    assert "django>=5.2" in installed_requirements(checkout)
    assert "pytest>=8" not in installed_requirements(checkout)


def test_switching_between_run_and_test_installs_nothing_again(checkout):
    assert len(installs(run(checkout, "setup", args=["test"]))) == 1

    assert installs(run(checkout, "setup")) == []
    assert installs(run(checkout, "setup", args=["test"])) == []
    assert installs(run(checkout, "setup")) == []


def test_the_test_extra_is_added_once_after_a_first_run(checkout):
    run(checkout, "setup")

    assert len(installs(run(checkout, "setup", args=["test"]))) == 1
    assert "pytest>=8" in installed_requirements(checkout)
    assert installs(run(checkout, "setup")) == []
    assert installs(run(checkout, "setup", args=["test"])) == []


def test_a_change_to_pyproject_reinstalls_once_keeping_the_test_extra(checkout):
    run(checkout, "setup", args=["test"])
    pyproject = checkout / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n# a new dependency would go here\n")

    assert len(installs(run(checkout, "setup"))) == 1
    # What bin/test needs was installed again with it, so it has nothing to do.
    assert "pytest>=8" in installed_requirements(checkout)
    assert installs(run(checkout, "setup", args=["test"])) == []


def test_a_new_python_in_the_venv_reinstalls(checkout):
    run(checkout, "setup")
    marker = checkout / ".venv" / ".installed"
    marker.write_text(marker.read_text().replace("python 3.11.", "python 3.11.0-old-"))

    assert len(installs(run(checkout, "setup"))) == 1
    assert installs(run(checkout, "setup")) == []


def test_bin_run_serves_on_port_and_its_links_follow(checkout):
    commands = run(checkout, "run", PORT="8123")

    assert "PORT=8123 SITE_URL= manage.py runserver 127.0.0.1:8123" in commands
    # Every manage.py command sees the port, so links in seeded emails use it too.
    assert all(line.startswith("PORT=8123 ") for line in commands if "manage.py" in line)


def test_bin_run_serves_on_8000_by_default(checkout):
    commands = run(checkout, "run")

    assert "PORT=8000 SITE_URL= manage.py runserver 127.0.0.1:8000" in commands
    assert all(line.startswith("PORT=8000 ") for line in commands if "manage.py" in line)
