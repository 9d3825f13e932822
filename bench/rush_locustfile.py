"""Locust users for ``bench/deadline_rush.py``: each bidder submits its bid once, as a browser.

Run by ``deadline_rush.py`` (``locust -f bench/rush_locustfile.py --headless ...``), not
by hand. ``RUSH_BIDDERS`` names a JSON file of ``{"session": ..., "reference": ...}``,
one per user, in the order they start; ``RUSH_RESULTS`` a file each user appends one
JSON line to; ``RUSH_TIMEOUT`` the seconds a request may take.

Each user, signed in by its session cookie, opens its bid's check page (as a browser
does, getting the CSRF cookie and the form's token), posts the submit form once, without
following the redirect, records what came back, and then idles. It does not stop:
locust counts the users running and, during the ramp, starts more to replace any that
stopped, which would start the bidders faster than the spawn rate. The last one to
finish ends the run.
"""

import html
import itertools
import json
import os
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, task
from locust.exception import StopUser

BIDDERS = json.loads(Path(os.environ["RUSH_BIDDERS"]).read_text())
RESULTS = os.environ["RUSH_RESULTS"]
TIMEOUT = float(os.environ.get("RUSH_TIMEOUT", "30"))
NEXT = itertools.count()
FINISHED = itertools.count(1)

# The first form token on the page: the submit form's, or (when the box is closed and
# the page has no submit form) the sign-out form's, which carries the same secret.
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REFUSAL = re.compile(r'govuk-error-summary__list">(.*?)</ul>', re.S)
ITEM = re.compile(r"<li>(.*?)</li>", re.S)


def refusal_of(page):
    """The messages of the page's error summary, as plain text."""
    found = REFUSAL.search(page)
    if not found:
        return []
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in ITEM.findall(found[1])]


class Bidder(HttpUser):
    wait_time = staticmethod(lambda: 0)

    def on_start(self):
        n = next(NEXT)
        self.bidder = BIDDERS[n] if n < len(BIDDERS) else None
        if self.bidder:
            self.client.cookies.set("sessionid", self.bidder["session"])

    def record(self, **result):
        with open(RESULTS, "a") as out:
            out.write(json.dumps({"reference": self.bidder["reference"], **result}) + "\n")

    def finish(self):
        self.done = True
        if next(FINISHED) >= len(BIDDERS):
            gevent.spawn_later(0.2, self.environment.runner.quit)

    @task
    def submit(self):
        if self.bidder is None:
            raise StopUser()
        if getattr(self, "done", False):
            gevent.sleep(1)
            return
        path = f"/bids/{self.bidder['reference']}/submit/"
        result = {"get_status": None, "status": None, "started": time.time()}
        try:
            started = time.perf_counter()
            page = self.client.get(path, name="check page", timeout=TIMEOUT)
            result.update(get_status=page.status_code, get_s=time.perf_counter() - started)
            if page.status_code == 0:  # locust's client: no response at all
                result["error"] = f"check page: {page.error!r}"
                return
            token = TOKEN.search(page.text)
            if page.status_code != 200 or not token:
                result["error"] = f"check page {page.status_code}, no form token"
                return
            started = time.perf_counter()
            response = self.client.post(
                path,
                name="submit",
                data={"csrfmiddlewaretoken": html.unescape(token[1])},
                headers={"Origin": self.host, "Referer": self.host + path},
                allow_redirects=False,
                timeout=TIMEOUT,
            )
            result.update(
                status=response.status_code,
                post_s=time.perf_counter() - started,
                location=response.headers.get("Location", ""),
                refusal=refusal_of(response.text) if response.status_code == 200 else [],
            )
            if response.status_code == 0:
                result["error"] = f"submit: {response.error!r}"
        except Exception as error:  # noqa: BLE001  (a timeout or a dropped connection is data)
            result["error"] = f"{type(error).__name__}: {error}"
        finally:
            self.record(**result)
            self.finish()
