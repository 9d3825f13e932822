"""Imported first by every benchmark: the portal's settings as production has them
(DEBUG off, templates without debug information), served over plain HTTP on
loopback as the tests are (pyproject's pytest environment), then ``django.setup()``.

A value already in the environment wins, so a run can point ``DATABASE_URL``
(and anything else) where it likes.
"""

import os
import sys
from pathlib import Path

import django

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

for name, value in {
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "DEBUG": "false",
    "SECRET_KEY": "benchmark-only-not-a-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "localhost,127.0.0.1,testserver",
    "STATIC_MANIFEST": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "SECURE_HSTS_SECONDS": "0",
}.items():
    os.environ.setdefault(name, value)

django.setup()
