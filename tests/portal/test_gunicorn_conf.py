"""gunicorn.conf.py's worker hook: what a worker has loaded is kept out of the collector's way."""

import gc
from pathlib import Path

from gunicorn.config import KNOWN_SETTINGS

REPO = Path(__file__).resolve().parents[2]


def _config():
    namespace = {"__file__": str(REPO / "gunicorn.conf.py")}
    exec((REPO / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 -- our own config file
    return namespace


def test_a_worker_freezes_the_objects_it_loaded():
    hook = _config()["post_worker_init"]
    assert "post_worker_init" in {setting.name for setting in KNOWN_SETTINGS}
    gc.unfreeze()
    try:
        hook(None)
        assert gc.get_freeze_count() > 10_000  # Django and the apps, already imported
    finally:
        gc.unfreeze()
