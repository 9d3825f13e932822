"""Browser tests: Playwright driving Debian's Chromium against the live server.

Every page a test loads is checked the same way, through ``page.visit``,
``page.follow`` and ``page.submit``: axe-core's WCAG 2.2 A and AA rules run,
the page is laid out at 320 and 375 CSS pixels to see that nothing makes it
wider than the screen, a full-page screenshot is saved under
``test-artifacts/screenshots/``, and at the end of the test any accessibility
violation, overflow, browser console error or request to another host fails
it. A page that loads without being checked (a navigation the helpers did not
make) fails the test too, so nothing slips through unseen.
"""

import io
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 740}
# WCAG 1.4.10 Reflow: 320 CSS pixels (1280 at 400% zoom); 375 is a common phone.
NARROW_WIDTHS = (320, 375)
# The elements sticking out past the right edge that contain no other such
# element: what a person fixing the overflow needs to look at.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = (element) => element.getBoundingClientRect().right > width + 0.5;
  return [...document.body.querySelectorAll("*")]
    .filter((element) => out(element) && ![...element.children].some(out))
    .slice(0, 3)
    .map((element) => `<${element.localName} class="${element.className}">`
      + ` "${(element.textContent || "").trim().slice(0, 40)}"`);
}"""
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Everything in this folder is a browser test, and runs after the others.

    Running them last keeps the fast tests' feedback first, and keeps the
    Playwright event loop (see ``browser``) out of every other test.
    """
    browser_tests = [item for item in items if HERE in Path(str(item.path)).resolve().parents]
    for item in browser_tests:
        item.add_marker(pytest.mark.browser)
    others = [item for item in items if item not in browser_tests]
    items[:] = others + browser_tests


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After the test's own steps pass, fail it on anything its pages showed."""
    result = yield
    for value in item.funcargs.values():
        if isinstance(value, CheckedPage):
            value.assert_no_problems()
    return result


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install it with `apt-get install chromium`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Browser tests must run in CI, but {reason}.")
        pytest.skip(f"Browser tests need Debian's Chromium; {reason}.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop registered on this thread,
    # which makes Django refuse database calls from the test ("async
    # context"). The tests and the live server are plain threads, so allow it
    # while the browser is up.
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if saved is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(autouse=True)
def _eager_tasks_and_local_links(settings):
    """Run Celery tasks in the live server's thread and link emails to it.

    Browser tests read the emails the portal sends, so tasks must run eagerly
    even where REDIS_URL is set (CI): no worker is listening to this process.
    """
    from portal.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


# The demo data's rows, table by table, as COPY wrote them: (columns, data), and the
# files they name: (storage, name, content). Filled by the first test in this process
# that asks for ``demo_users``.
_DEMO_ROWS = {}
_DEMO_FILES = []


@pytest.fixture
def demo_users(transactional_db):
    """The demo data: a user per role, all with ``DEMO_PASSWORD``.

    Seeding takes seconds and every such test needs the same rows, so the first test in
    a process empties the database as a finished transactional test leaves it, seeds it
    for real and copies every table out (COPY), with the files the rows name; each later
    test gets exactly those rows copied back into its emptied tables, and the files
    written again under its MEDIA_ROOT, which takes a fraction of a second. The tests
    still cannot see each other's changes: each starts from the freshly seeded rows.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction

    from accounts.models import User
    from home.demo import DEMO_USERS, seed

    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        if not _DEMO_ROWS:
            call_command("flush", verbosity=0, interactive=False)
            seed()
            rows = {}
            for table in tables:
                columns = _stored_columns(cursor, table)
                data = io.BytesIO()
                cursor.copy_expert(f"COPY {_quoted(table)} ({columns}) TO STDOUT", data)
                rows[table] = columns, data.getvalue()
            _DEMO_FILES.extend(_stored_files())
            _DEMO_ROWS.update(rows)
        else:
            with transaction.atomic():  # foreign keys are checked at the end, all rows in
                cursor.execute("TRUNCATE " + ", ".join(_quoted(table) for table in tables))
                for table, (columns, data) in _DEMO_ROWS.items():
                    cursor.copy_expert(
                        f"COPY {_quoted(table)} ({columns}) FROM STDIN", io.BytesIO(data)
                    )
            # The flush that ended the last test made content types with other ids.
            ContentType.objects.clear_cache()
            # The files too, under this test's MEDIA_ROOT, as seeding would write them.
            for storage, name, content in _DEMO_FILES:
                path = Path(storage.path(name))
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
    emails = [email for email, _name, _role in DEMO_USERS]
    by_email = {user.email: user for user in User.objects.filter(email__in=emails)}
    return {email: by_email[email] for email in emails}


def _stored_files():
    """(storage, name, content) of every file a FileField in the database names."""
    from django.apps import apps
    from django.db import models

    files = []
    for model in apps.get_models():
        for field in model._meta.fields:
            if isinstance(field, models.FileField):
                names = model.objects.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                for name in names:
                    with field.storage.open(name) as stored:
                        files.append((field.storage, name, stored.read()))
    return files


def _quoted(table):
    from django.db import connection

    return connection.ops.quote_name(table)


def _stored_columns(cursor, table):
    """The table's columns that take a value (not generated ones), quoted, in order."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = %s AND is_generated = 'NEVER'"
        " ORDER BY ordinal_position",
        [table],
    )
    return ", ".join(_quoted(name) for (name,) in cursor.fetchall())


class CheckedPage:
    """A Playwright page whose every load is checked; other calls pass through."""

    def __init__(self, page, *, base_url, axe, test_name):
        self._page = page
        self.base_url = base_url.rstrip("/")
        self._axe = axe
        self._test_name = re.sub(r"[^\w.-]+", "-", test_name).strip("-")
        self._loads = 0
        self._checked = 0
        self.screenshots = []
        self.violations = []
        self.overflows = []
        self.console_errors = []
        self.foreign_requests = []
        self._expected_status_errors = set()
        for stale in SCREENSHOTS.glob(f"{self._test_name}-[0-9]*.png"):
            stale.unlink(missing_ok=True)  # from an earlier run: the folder shows this run
        page.on("load", self._on_load)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append((page.url, str(error))))
        page.on("request", self._on_request)

    def __getattr__(self, name):
        return getattr(self._page, name)

    @property
    def playwright_page(self):
        """The Playwright page itself, for ``expect(...).to_have_title`` and such."""
        return self._page

    # Recorders -------------------------------------------------------------

    def _on_load(self, _page):
        self._loads += 1

    def _on_console(self, message):
        if message.type != "error":
            return
        url = message.location.get("url", "") if message.location else ""
        # Chromium logs an error status of the document itself ("Failed to
        # load resource: ... 404"); a test that asked for that status allows it.
        status = re.search(r"status of (\d{3})", message.text)
        if status and (url, int(status.group(1))) in self._expected_status_errors:
            return
        self.console_errors.append((self._page.url, message.text))

    def _on_request(self, request):
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if not self._same_origin(request.url):
            self.foreign_requests.append((self._page.url, request.url))

    def _same_origin(self, url):
        ours, theirs = urlsplit(self.base_url), urlsplit(url)
        return (ours.scheme, ours.netloc) == (theirs.scheme, theirs.netloc)

    # Navigation helpers ------------------------------------------------------

    def url_for(self, path):
        return path if path.startswith("http") else self.base_url + path

    def visit(self, path, *, status=200):
        """Open a page by address, check its status, then check the page."""
        url = self.url_for(path)
        if status >= 400:
            self._expected_status_errors.add((url, status))
        response = self._page.goto(url)
        assert response is not None and response.status == status, (
            f"{url} answered {response and response.status}, expected {status}"
        )
        self.check()
        return response

    def follow(self, locator):
        """Select a link (or a button that navigates) and check the new page."""
        with self._page.expect_navigation():
            locator.click()
        self.check()

    def submit(self, name):
        """Press the form's button called ``name`` and check the page it leads to."""
        self.follow(self._page.get_by_role("button", name=name, exact=True))

    def check(self):
        """Run axe on the current page and save a full-page screenshot of it."""
        self._page.wait_for_load_state("load")
        self._checked = self._loads
        url = self._page.url
        results = self._axe.run(
            self._page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_22_AA_TAGS},
                "resultTypes": ["violations"],
            },
        )
        for violation in results.response["violations"]:
            self.violations.append((url, violation))
        self.check_reflow()
        self.screenshot_now()

    def check_reflow(self):
        """Lay the page out at each narrow width and record any horizontal overflow.

        A wide table may scroll inside its own region, but the page itself must
        never scroll sideways. The viewport is put back afterwards.
        """
        viewport = self._page.viewport_size
        for width in NARROW_WIDTHS:
            self._page.set_viewport_size({"width": width, "height": viewport["height"]})
            overflow = self._page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                culprits = self._page.evaluate(OVERFLOWING)
                self.overflows.append((self._page.url, width, overflow, culprits))
        self._page.set_viewport_size(viewport)

    def screenshot_now(self):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self._test_name}-{len(self.screenshots) + 1}.png"
        self._page.screenshot(path=str(path), full_page=True)
        self.screenshots.append(path)
        return path

    # The verdict ---------------------------------------------------------------

    def problems(self):
        problems = []
        for url, violation in self.violations:
            targets = "; ".join(
                " ".join(node["target"]) if isinstance(node["target"], list) else node["target"]
                for node in violation["nodes"]
            )
            problems.append(
                f"axe {violation['id']} ({violation['impact']}) on {url}: "
                f"{violation['help']} — {targets}"
            )
        problems += [
            f"{url} is {overflow}px wider than a {width}px screen: {', '.join(culprits)}"
            for url, width, overflow, culprits in self.overflows
        ]
        problems += [f"console error on {url}: {text}" for url, text in self.console_errors]
        problems += [
            f"request to another host from {url}: {target}" for url, target in self.foreign_requests
        ]
        if self._loads > self._checked:
            problems.append(
                f"{self._loads - self._checked} page load(s) were not checked: navigate with "
                f"page.visit, page.follow or page.submit (last page: {self._page.url})"
            )
        return problems

    def assert_no_problems(self):
        problems = self.problems()
        assert not problems, "The browser found problems:\n" + "\n".join(problems)


def _new_page(request, browser, live_server, axe, viewport):
    context = browser.new_context(viewport=viewport, locale="en-GB")
    context.set_default_timeout(10_000)
    checked = CheckedPage(
        context.new_page(), base_url=live_server.url, axe=axe, test_name=request.node.name
    )
    # Nothing may leave the machine: requests elsewhere are recorded, then refused.
    context.route(lambda url: not checked._same_origin(url), lambda route: route.abort())
    return context, checked


@pytest.fixture
def page(request, browser, live_server, axe, settings):
    """A desktop-width page on the live server, checked on every load."""
    settings.SITE_URL = live_server.url
    context, checked = _new_page(request, browser, live_server, axe, DESKTOP)
    yield checked
    context.close()


@pytest.fixture
def mobile_page(request, browser, live_server, axe, settings):
    """The same as ``page`` at a phone's width (375 CSS pixels)."""
    settings.SITE_URL = live_server.url
    context, checked = _new_page(request, browser, live_server, axe, MOBILE)
    yield checked
    context.close()


@pytest.fixture
def colleague_page(request, browser, live_server, axe, page):
    """Someone else's phone, with its own cookies, checked like ``page``.

    Its screenshots are named ``<test>-colleague-<n>.png`` so that they do not
    overwrite those of ``page``.
    """
    context = browser.new_context(viewport=MOBILE, locale="en-GB")
    context.set_default_timeout(10_000)
    checked = CheckedPage(
        context.new_page(),
        base_url=live_server.url,
        axe=axe,
        test_name=f"{request.node.name}-colleague",
    )
    context.route(lambda url: not checked._same_origin(url), lambda route: route.abort())
    yield checked
    context.close()
