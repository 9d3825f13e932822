"""Time the registration page for a new address and for one that has an account.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/registration_timing.py [--runs 15]

If the two differ, the page tells anyone who asks whether an address has an
account. Posts the registration form through Django's test client with the
production password hasher (PBKDF2, Django's default) and emails kept in memory,
alternating the two cases, and prints the median, fastest and slowest of each
and their ratio. Works in a database of its own, made and dropped as the tests
do (``test_`` plus the name in DATABASE_URL); with REDIS_URL unset tasks run in
the request, as in the embedded default.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("LOG_LEVEL", "WARNING")

import setup_django  # noqa: E402, F401  (sets Django up)
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

PASSWORD = "a-long-unusual-passphrase"


def post(n, email):
    """Post one registration from an address of its own; returns seconds taken."""
    client = Client()
    form = {
        "full_name": "Benchmark Person",
        "email": email,
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    # Each post from its own address, so the rate limit on registrations is not
    # what is measured.
    address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
    started = time.perf_counter()
    response = client.post("/accounts/register/", form, REMOTE_ADDR=address)
    elapsed = time.perf_counter() - started
    if response.status_code != 302:
        sys.exit(f"Registration answered {response.status_code}, not a redirect")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    hasher = settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1]

    name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"test_{name}_registration_bench"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        get_user_model().objects.create_user(
            email="taken@example.org", password=PASSWORD, full_name="Has An Account"
        )
        post(0, "warm-up@example.org")  # imports, templates and connections
        new, taken = [], []
        for n in range(1, args.runs + 1):
            new.append(post(2 * n, f"new-{n}@example.org"))
            taken.append(post(2 * n + 1, "taken@example.org"))
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)

    print(f"Password hasher: {hasher}; {args.runs} registrations of each kind")
    for label, times in (("new address", new), ("address with an account", taken)):
        print(
            f"{label:>24}: median {statistics.median(times) * 1000:6.0f} ms"
            f" (fastest {min(times) * 1000:.0f}, slowest {max(times) * 1000:.0f})"
        )
    ratio = statistics.median(taken) / statistics.median(new)
    print(f"{'ratio':>24}: {ratio:.2f} (with an account ÷ new)")


if __name__ == "__main__":
    main()
