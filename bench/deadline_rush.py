"""The deadline rush: bidders submitting in the last minute, through gunicorn on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/deadline_rush.py [--bidders 200] [--seconds 60] [--keep | --reuse] \\
        [--redis redis://127.0.0.1:6379/9] [--proxy]

Makes its own database, migrated as the tests make theirs (``test_`` plus the name in
DATABASE_URL plus ``_rush_`` and ``--bidders``), and fills it through the actions:
a publisher, an open opportunity with two lots and its tender from the 60/20/20
template, and twice ``--bidders`` organisations, each with one member (its
administrator) and a complete draft bid for both lots, ready to submit. ``--keep``
keeps that database as seeded; ``--reuse`` starts from the one a run kept. Each run
works on a copy of it (PostgreSQL's ``CREATE DATABASE ... TEMPLATE``), dropped at the
end unless ``--keep``.

Every bidder is signed in by a session made in the database (the portal keeps its
sessions there), without the sign-in form. gunicorn starts as production does
(``bench/pages.py``: gunicorn.conf.py, 2 workers, DEBUG off, no Redis, so Celery runs
tasks in the request and each receipt is emailed before the response; the email
backend writes files into a temporary folder, so receipts can be counted). With
``--redis URL`` gunicorn queues the receipts on that Redis database instead (emptied
first) and a real ``celery -A portal worker`` (concurrency 2, as docker-compose.yml)
sends them, as production does; the run then waits until every receipt is sent and
prints how long after the rush that was. With ``--proxy`` nginx stands in front of
gunicorn with deploy/nginx's template, as docker-compose.yml runs it, and the portal
trusts its ``X-Request-Start`` (``TRUST_REQUEST_START``): a bid nginx received before
the deadline counts even if it waited for a worker past it.

**The rush.** The submission deadline is moved (by SQL, not through an amendment) to the
server's clock now plus ``--seconds`` plus ``--margin``. Locust, headless, starts
``--bidders`` users at ``--bidders / --seconds`` a second; each opens its bid's check
page (getting the CSRF cookie and the form's token, as a browser does), posts the submit
form once, records the answer and idles. Prints the answers, the errors (5xx, timeouts,
dropped connections), the median, 95th percentile and slowest submission, then from the
database the bids submitted, their versions and receipts, and the receipt emails
written: a lost receipt is a submitted version with no receipt.

**The closed box.** Then it waits until the deadline has passed by the server's clock
and does the same with the other ``--bidders`` organisations' draft bids: every
submission must be refused with the deadline message, storing no version. Their check
page no longer shows the submit form, so they post the token of the page's sign-out
form, as a page loaded before the deadline would.

Prints; asserts nothing about times. Locust is in the ``bench`` extra of pyproject.toml.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from email import message_from_string
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
# No Redis in this process (only gunicorn and the worker get --redis): Celery runs the
# floor's receipt tasks here.
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("LOG_LEVEL", "WARNING")  # not a line per receipt task

import pages  # noqa: E402  (sets Django up)
import redis  # noqa: E402
from celery import Celery  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from opportunities.models import Lot, Opportunity, Procedure  # noqa: E402
from organisations.models import (  # noqa: E402
    LegalForm,
    Membership,
    MembershipRole,
    Organisation,
    ServiceCategory,
    Ward,
)
from tenders import actions  # noqa: E402
from tenders.models import Bid, BidVersion, TenderEvent  # noqa: E402
from tenders.queries import checklist, missing_from  # noqa: E402
from tests.nginx import running_nginx  # noqa: E402

REPO = pages.REPO
LOCUSTFILE = Path(__file__).resolve().parent / "rush_locustfile.py"
warnings.filterwarnings("ignore", message="No directory at")
REFERENCE = "BENCH-RUSH"
# Bids submitted in this process, without gunicorn, for the floor.
FLOOR_BIDS = 6
ANSWER = (
    "We have run lunch clubs, advice sessions and befriending in the city for twelve "
    "years, with paid staff and trained volunteers, and will do the same here."
)
RECEIPT = re.compile(r"^Receipt for your bid (B-\S+)")
# Django's file backend writes each message, then a line of 79 dashes.
SEPARATOR = "\n" + "-" * 79 + "\n"


# The databases: one seeded and kept, a copy of it for each run.


def database_names(bidders):
    seeded = f"test_{connection.settings_dict['NAME']}_rush_{bidders}"
    return seeded, seeded + "_run"


def nodb_sql(*statements):
    """Run statements on the server's maintenance database (no connection to ours)."""
    connection.close()
    with connection.creation._nodb_cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def use(name):
    connection.close()
    connection.settings_dict["NAME"] = name


# Seeding, through the actions.


def make_tender(now):
    """A publisher, its commissioner, an open opportunity with two lots and its tender."""
    publisher = Organisation.objects.create(
        name="Bench council",
        slug="bench-council",
        legal_form=LegalForm.PUBLIC_BODY,
        publishing_allowed_at=now,
    )
    commissioner = User.objects.create(
        email="commissioner@example.org", full_name="Commissioner", email_confirmed_at=now
    )
    Membership.objects.create(organisation=publisher, user=commissioner, role=MembershipRole.MEMBER)
    opportunity = Opportunity.objects.create(
        reference=REFERENCE,
        publisher=publisher,
        title="Community support across the city",
        summary="Support for people in their own homes.",
        description="The service helps people live independently.",
        category=ServiceCategory.objects.create(name="Adult social care", slug="bench-care"),
        value_low=Decimal(500_000),
        value_high=Decimal(500_000),
        procedure=Procedure.OPEN,
        citywide=True,
        clarification_deadline=now + timedelta(weeks=10),
        submission_deadline=now + timedelta(weeks=12),
        contact_name="Commissioning team",
        contact_email="commissioning@example.org",
        published_at=now,
    )
    Lot.objects.bulk_create(
        Lot(opportunity=opportunity, number=n, title=f"Lot {n} area") for n in (1, 2)
    )
    return actions.create_tender(opportunity=opportunity, by=commissioner)


def complete(bid, by, *, ward, price=Decimal(40_000)):
    """Fill in every section of ``bid`` through the actions (tests/tenders/conftest.py's
    ``complete``)."""
    tender = bid.tender
    lots = list(tender.opportunity.lots.all())
    actions.save_lots(bid=bid, lots=lots, by=by)
    for criterion in tender.criteria.all():
        for lot in lots if criterion.per_lot else [None]:
            actions.save_answer(bid=bid, criterion=criterion, lot=lot, text=ANSWER, by=by)
    for lot in lots:
        lines = list(tender.price_lines.filter(lot=lot))
        unit_prices = {line: price / line.quantity / len(lines) for line in lines}
        total = sum(line.quantity * p for line, p in unit_prices.items())
        breakdown = None
        if tender.full_cost_breakdown:
            breakdown = {
                "direct_delivery": total - 3000,
                "staff": Decimal(1000),
                "volunteer_expenses": Decimal(500),
                "overheads": Decimal(1500),
            }
        actions.save_price(bid=bid, lot=lot, by=by, unit_prices=unit_prices, breakdown=breakdown)
    actions.add_commitment(
        bid=bid, by=by, measure="Volunteering hours", quantity=100, unit="hours", wards=[ward]
    )
    actions.save_declarations(
        bid=bid, by=by, has_other_funding=False, has_conflicts=False, living_wage="accredited"
    )


def seed(bidders):
    """The tender and ``2 × bidders + FLOOR_BIDS`` organisations with a complete draft
    bid each."""
    now = timezone.now()
    tender = make_tender(now)
    ward = Ward.objects.create(gss_code="E05011151", name="Ladywood", slug="ladywood")
    count = 2 * bidders + FLOOR_BIDS
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Community Group {n}",
            slug=f"community-group-{n}",
            legal_form=LegalForm.REGISTERED_CHARITY,
            description="Runs lunch clubs and advice sessions.",
        )
        for n in range(count)
    )
    users = [
        User(email=f"bidder{n}@example.org", full_name=f"Bidder {n}", email_confirmed_at=now)
        for n in range(count)
    ]
    for user in users:
        user.set_unusable_password()
    users = User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        Membership(organisation=o, user=u, role=MembershipRole.ADMIN)
        for o, u in zip(organisations, users, strict=True)
    )
    for organisation, user in zip(organisations, users, strict=True):
        bid = actions.start_bid(tender=tender, organisation=organisation, by=user)
        complete(bid, user, ward=ward)
    first = Bid.objects.select_related("tender__opportunity").earliest("pk")
    missing = missing_from(checklist(first))
    if missing:
        sys.exit(f"the seeded bids cannot be submitted: {missing}")


def bidders_of(bids):
    """A signed-in session for each bid's member, as ``{"session", "reference"}``."""
    expire = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store = SessionStore()
    rows, out = [], []
    for bid in bids:
        user = bid.organisation.memberships.get().user
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        out.append({"session": key, "reference": bid.reference})
    Session.objects.bulk_create(rows)
    return out


# The run.


def floor(bids):
    """The same submissions without the web layer, in this process: the SQL queries and
    time of one submit POST through Django's test client, and the median time of
    ``actions.submit`` alone (receipt emailed as in the request) for the other bids."""
    users = {b.pk: b.organisation.memberships.get().user for b in bids}
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        client = Client(HTTP_HOST="localhost")
        first = bids[0]
        client.force_login(users[first.pk])
        path = f"/bids/{first.reference}/submit/"
        client.get(path)  # as the locust users do; and templates loaded once
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post(path)
            post_s = time.perf_counter() - started
        if response.status_code != 302:
            sys.exit(f"the floor's submission was not accepted: {response.status_code}")
        times = []
        for bid in bids[1:]:
            started = time.perf_counter()
            actions.submit(bid=bid, by=users[bid.pk])
            times.append(time.perf_counter() - started)
    return len(queries.captured_queries), post_s, statistics.median(times)


def locust(port, bidders, *, seconds, timeout, folder, label):
    """Run the locust users for ``bidders``; returns their results (one dict each)."""
    bidders_path = folder / f"{label}_bidders.json"
    results_path = folder / f"{label}_results.jsonl"
    bidders_path.write_text(json.dumps(bidders))
    results_path.unlink(missing_ok=True)
    users = len(bidders)
    env = dict(
        os.environ,
        RUSH_BIDDERS=str(bidders_path),
        RUSH_RESULTS=str(results_path),
        RUSH_TIMEOUT=str(timeout),
    )
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(users),
        "--spawn-rate",
        f"{users / seconds:.3f}",
        "--run-time",
        f"{int(seconds + 2 * timeout + 10)}s",
        "--stop-timeout",
        str(int(timeout + 5)),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    started = time.monotonic()
    with open(folder / f"{label}_locust.log", "w") as log:
        subprocess.run(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    elapsed = time.monotonic() - started
    results = []
    if results_path.exists():
        results = [json.loads(line) for line in results_path.read_text().splitlines()]
    return results, elapsed


def start_worker(database_url, log_path, environment):
    """``celery -A portal worker`` on the Redis gunicorn queues to, with the same
    environment (so its receipts are written beside gunicorn's); once it answers a ping."""
    env = pages.gunicorn_environment(database_url, 0, LOG_LEVEL="INFO", **environment)
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--concurrency=2"]
    command += ["--without-gossip", "--without-mingle", "--loglevel=INFO"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(  # noqa: S603  (our own worker, fixed arguments)
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    control = Celery(broker=environment["REDIS_URL"]).control
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the Celery worker stopped; see {log_path}")
        if control.ping(timeout=0.5):
            return process
    process.kill()
    sys.exit(f"the Celery worker did not answer in 60 s; see {log_path}")


def worker_log(folder):
    return (folder / "worker.log").read_text(errors="replace")


def wait_for_receipts(references, *, timeout):
    """Seconds until every submitted version of ``references`` has its receipt sent
    (the worker's task stamps it), or ``timeout`` if some are still waiting then."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not stored(references)["lost"]:
            break
        time.sleep(0.2)
    return time.monotonic() - started


def percentile(values, share):
    return pages.percentile(values, share) if values else None


def ms(seconds):
    return "–" if seconds is None else pages.ms(seconds)


def classify(result):
    """``receipt`` (redirected to the receipt), ``refused`` (the page with its refusal),
    or what went wrong."""
    if result.get("error"):
        return "error: " + result["error"].split(":")[0]
    status = result["status"]
    if status == 302 and "/receipts/" in result["location"]:
        return "receipt"
    if status == 200 and result["refusal"]:
        return "refused"
    return f"error: HTTP {status}"


def worker_peaks(process):
    """Peak resident memory (VmHWM) of gunicorn's workers, in MiB."""
    peaks = []
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    except OSError:
        return peaks
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        if found:
            peaks.append(int(found[1]) / 1024)
    return peaks


def receipt_emails(folder):
    """Bid reference → receipt emails written by the file backend."""
    counts = Counter()
    for path in folder.glob("*.log"):
        for text in path.read_text(errors="replace").split(SEPARATOR):
            if text.strip():
                subject = str(make_header(decode_header(message_from_string(text)["Subject"])))
                counts.update(RECEIPT.findall(subject))
    return counts


def stored(references):
    bids = Bid.objects.filter(reference__in=references)
    versions = BidVersion.objects.filter(bid__reference__in=references)
    return {
        "submitted": bids.exclude(submitted_at=None).count(),
        "versions": versions.count(),
        "receipts": versions.exclude(receipt_sent_at=None).count(),
        "lost": versions.filter(receipt_sent_at=None).count(),
        "events": TenderEvent.objects.filter(
            bid__reference__in=references,
            kind__in=[TenderEvent.Kind.BID_SUBMITTED, TenderEvent.Kind.BID_REPLACED],
        ).count(),
    }


def report(label, results, elapsed, *, expected, planned):
    outcomes = Counter(classify(r) for r in results)
    posts = [r["post_s"] for r in results if "post_s" in r]
    gets = [r["get_s"] for r in results if "get_s" in r]
    errors = sum(n for outcome, n in outcomes.items() if outcome.startswith("error"))
    statuses = Counter(r["status"] for r in results if r["status"] is not None)
    distinct = len({r["reference"] for r in results})
    print(
        f"{label}: {len(results)} bidders ({distinct} distinct bids) in {elapsed:.0f} s; "
        + ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
        + "; submit answered "
        + ", ".join(f"{n}× HTTP {status}" for status, n in sorted(statuses.items()))
    )
    starts = [r["started"] for r in results]
    if len(starts) > 1:
        spread = max(starts) - min(starts)
        ends = [r["started"] + r.get("get_s", 0) + r.get("post_s", 0) for r in results]
        print(
            f"  started over {spread:.0f} s ({len(starts) / max(spread, 1):.1f} bidders a second);"
            f" the last done {max(ends) - min(starts):.0f} s after the first started"
        )
    print(
        f"  submit POST: median {ms(posts and statistics.median(posts))}, "
        f"p95 {ms(percentile(posts, 0.95))}, slowest {ms(posts and max(posts))}; "
        f"check page GET: median {ms(gets and statistics.median(gets))}, "
        f"p95 {ms(percentile(gets, 0.95))}"
    )
    refusals = Counter(m for r in results for m in r.get("refusal", []))
    for message, n in refusals.most_common(3):
        print(f"  refused {n}×: {message}")
    if len(results) < planned:
        print(f"  {planned - len(results)} bidders never reported: the run time ended first")
    odd = [r for r in results if classify(r) != expected][:5]
    for r in odd:
        print(f"  unexpected: {json.dumps(r)}")
    return {
        "bidders": len(results),
        "outcomes": outcomes,
        "errors": errors,
        "p50": posts and statistics.median(posts),
        "p95": percentile(posts, 0.95),
        "max": posts and max(posts),
    }


def run(args, folder):
    tender_opportunity = Opportunity.objects.get(reference=REFERENCE)
    bids = list(Bid.objects.select_related("organisation").order_by("pk"))
    rush_bids, closed_bids = bids[: args.bidders], bids[args.bidders : 2 * args.bidders]
    rush, closed = bidders_of(rush_bids), bidders_of(closed_bids)
    queries, post_s, action_s = floor(bids[2 * args.bidders :])
    print(
        f"floor             one submission through Django's test client: {ms(post_s)}, "
        f"{queries} SQL queries; actions.submit alone (with its receipt): median {ms(action_s)}"
    )
    mail = folder / "mail"
    mail.mkdir()
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
    environment = {
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions were signed with it
        "EMAIL_FILE_PATH": str(mail),
    }
    if args.redis:
        redis.Redis.from_url(args.redis).flushdb()
        environment["REDIS_URL"] = args.redis
    if args.proxy:
        environment.update(TRUST_REQUEST_START="true", TRUSTED_PROXY_COUNT="1")
    process, port = pages.start_gunicorn(url.geturl(), folder / "gunicorn.log", **environment)
    worker = None
    front = contextlib.ExitStack()
    try:
        print(f"gunicorn          127.0.0.1:{port}, 2 workers (log {folder / 'gunicorn.log'})")
        if args.proxy:
            port = front.enter_context(running_nginx(folder, upstream_port=port))
            print(
                f"nginx             127.0.0.1:{port}, deploy/nginx's template in front "
                "(TRUST_REQUEST_START=true)"
            )
        if args.redis:
            worker = start_worker(url.geturl(), folder / "worker.log", environment)
            print(
                f"celery worker     {args.redis}, concurrency 2, as docker-compose.yml "
                f"(log {folder / 'worker.log'})"
            )
        load = os.getloadavg()
        # The deadline by the server's clock: the whole rush fits before it.
        deadline = timezone.now() + timedelta(seconds=args.seconds + args.margin)
        Opportunity.objects.filter(pk=tender_opportunity.pk).update(
            submission_deadline=deadline, clarification_deadline=deadline - timedelta(days=1)
        )
        print(f"deadline          {deadline:%H:%M:%S} UTC (in {args.seconds + args.margin:.0f} s)")
        results, elapsed = locust(
            port, rush, seconds=args.seconds, timeout=args.timeout, folder=folder, label="open"
        )
        load_after = os.getloadavg()
        figures = report("open box", results, elapsed, expected="receipt", planned=len(rush))
        references = [b["reference"] for b in rush]
        if worker is not None:
            drained = wait_for_receipts(references, timeout=args.timeout * 4)
            print(f"  receipts: the worker had sent the last {drained:.1f} s after the rush ended")
        db = stored(references)
        emails = receipt_emails(mail)
        emailed = sum(1 for r in references if emails[r])
        print(
            f"  stored: {db['submitted']} bids submitted, {db['versions']} versions, "
            f"{db['events']} submission events, {db['receipts']} receipts sent, "
            f"{db['lost']} lost; receipt emails written for {emailed} bids "
            f"({sum(emails[r] for r in references)} emails)"
        )
        peaks = worker_peaks(process)
        print(f"  gunicorn workers' peak RSS: {', '.join(f'{p:.0f} MiB' for p in peaks)}")
        print(f"  load average before {load[0]:.2f}, after {load_after[0]:.2f}")

        wait = (deadline - timezone.now()).total_seconds() + 1
        if wait > 0:
            print(f"waiting {wait:.0f} s for the deadline to pass")
            time.sleep(wait)
        closed_results, closed_elapsed = locust(
            port, closed, seconds=args.seconds, timeout=args.timeout, folder=folder, label="closed"
        )
        closed_figures = report(
            "closed box", closed_results, closed_elapsed, expected="refused", planned=len(closed)
        )
        closed_db = stored([b["reference"] for b in closed])
        closed_emails = receipt_emails(mail)
        print(
            f"  stored: {closed_db['submitted']} bids submitted, {closed_db['versions']} versions, "
            f"{closed_db['events']} submission events; receipt emails "
            f"{sum(closed_emails[b['reference']] for b in closed)}"
        )
        errors_logged = (folder / "gunicorn.log").read_text().count("Traceback")
        print(f"  tracebacks in gunicorn's log: {errors_logged}")
        if worker is not None:
            print(f"  tracebacks in the worker's log: {worker_log(folder).count('Traceback')}")
    finally:
        front.close()
        process.terminate()
        process.wait(timeout=60)
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)

    print()
    print(
        "| run | bidders | receipts (redirect) | refused | errors | p50 | p95 | slowest "
        "| bids stored | versions | receipts sent | lost receipts |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for label, f, d in (("open box", figures, db), ("closed box", closed_figures, closed_db)):
        cells = [
            label,
            f["bidders"],
            f["outcomes"]["receipt"],
            f["outcomes"]["refused"],
            f["errors"],
            ms(f["p50"]),
            ms(f["p95"]),
            ms(f["max"]),
            d["submitted"],
            d["versions"],
            d["receipts"],
            d["lost"],
        ]
        print("| " + " | ".join(str(c) for c in cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bidders", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60, help="the rush: users start over it")
    parser.add_argument(
        "--margin", type=float, default=30, help="seconds from the rush's end to the deadline"
    )
    parser.add_argument("--timeout", type=float, default=30, help="seconds a request may take")
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="queue the receipts on this Redis database (emptied first) for a real Celery "
        "worker, as production does, instead of sending them in the request",
    )
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="put nginx (deploy/nginx's template) in front, as docker-compose.yml does, with "
        "TRUST_REQUEST_START on: submissions are timed by when nginx received them",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases for --reuse")
    parser.add_argument("--reuse", action="store_true", help="start from the database a run kept")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: postgres://user@host:5432/name")

    original = connection.settings_dict["NAME"]
    seeded, working = database_names(args.bidders)
    started = time.perf_counter()
    if args.reuse:
        print(f"database          {seeded} (reused)")
    else:
        connection.settings_dict["TEST"]["NAME"] = seeded
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        migrated = time.perf_counter()
        seed(args.bidders)
        print(
            f"database          {seeded} (migrated in {migrated - started:.0f} s, "
            f"{2 * args.bidders} draft bids made through the actions in "
            f"{time.perf_counter() - migrated:.0f} s)"
        )
    nodb_sql(
        f'DROP DATABASE IF EXISTS "{working}"', f'CREATE DATABASE "{working}" TEMPLATE "{seeded}"'
    )
    use(working)
    folder = Path(tempfile.mkdtemp(prefix="bench_rush_"))
    try:
        run(args, folder)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        if not args.keep:
            nodb_sql(f'DROP DATABASE IF EXISTS "{working}"')
            if not args.reuse:
                nodb_sql(f'DROP DATABASE IF EXISTS "{seeded}"')
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"kept              {seeded}, {working} and {folder}")
    print(f"whole run         {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
