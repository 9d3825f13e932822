"""No input a browser or an attacker can send gives a server error, to any persona.

Generated from the URLconf and from the pages themselves, so a new page is
covered without editing this file:

- every route ``get_resolver()`` lists is reached with real ids by following
  the links and forms each persona sees on the demo data (links that arrive
  only by email are built from real tokens); a route nobody reaches fails the
  test, so a new page must be linked or added to ``emailed_links``;
- each path segment is replaced by hostile values: NUL, 5,000 characters, an
  RTL override, emoji, ``../`` and a number too big for any column;
- each page is fetched with hostile values in every query parameter a view
  might read: its GET forms' fields, the parameters its links carry, the
  FilterSets' fields and common names (``page``, ``next``, ``q``…);
- every ``<form method="post">`` is posted back with each hostile value in
  every field, then with each free-text field alone filled to the length its
  page allows (so the form can be valid and its save run), and with a tiny
  file with a hostile name in each file field.

Each request runs in a savepoint that is rolled back, with the persona's
cookies put back afterwards, so a post that signs out or leaves an
organisation does not change what the next request sees. Every 5xx is
recorded as (persona, method, URL, field, value, outcome) and the list is
asserted empty at the end, so one run reports them all.

To keep the run short, each route, form and field gets every value once (from
the first persona that reaches it) and one, taking turns, from every other.
"""

import copy
import os
import re
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import django_filters
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.tokens import confirmation_token
from councillors import tokens as councillor_tokens
from home import demo
from opportunities import tokens as opportunity_tokens
from opportunities.actions import documents as opportunity_documents
from opportunities.actions.alerts import save_search
from opportunities.actions.partners import list_for_partners
from opportunities.models import Opportunity, PartnerRole
from organisations.actions import documents as registry_documents
from organisations.actions.contacts import add_key_contact
from organisations.actions.members import invite_member
from organisations.models import Councillor, DocumentKind, MembershipRole, Organisation
from organisations.tokens import invitation_token
from tenders.models import Tender
from tests.factories import MembershipFactory, UserFactory
from tests.portal.pages import parse, route_of, routes

NUL = "a\x00b"
RTL = "\u202egnp.exe 名前"
EMOJI = "🙂👩🏽‍💻"
BIG_NUMBER = "9" * 22  # matches <int:>, too big for any column

PATH_VALUES = [NUL, "x" * 5000, RTL, EMOJI, "../", BIG_NUMBER]

LIST = object()  # the parameter sent twice, once harmless and once hostile
LONG = "x" * 10_000
FIELD_VALUES = [
    NUL,
    LONG,
    RTL + EMOJI,
    "2026-13-45",
    "31/02/2026",
    "1e309",
    "NaN",
    "-0",
    "٣",  # an Arabic-Indic three: str.isdigit() says yes, int() agrees, the database may not
    "9" * 40,
    LIST,
]
# One field at a time, a GET form's fields get a long value and one of the
# others in turn.
TAKING_TURNS = [v for v in FIELD_VALUES if v is not LONG]
# Django's admin is Django's own code: the portal's part is which fields, filters
# and searches each ModelAdmin has, which fewer values, all fields at once, try.
ADMIN_VALUES = [NUL, LONG, LIST]
ADMIN_PATH_VALUES = [NUL, "x" * 5000, "../"]

HOSTILE_FILENAMES = ["\u202efdp.exe", "../../settings.py", "a\x00.pdf", "x" * 300 + ".pdf"]
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

COMMON_QUERY_NAMES = ["page", "next", "q", "sort", "status", "ward", "o", "p", "e", "format"]

PERSONAS = [
    "visitor",
    "member",
    "organisation_admin",
    "other_member",
    "commissioner",
    "evaluator",
    "councillor",
    "scrutiny_officer",
    "site_admin",
]

# Known 5xx that another part of issue 13 fixes; reported, not failed, until then.
# Each entry: (method, route, field the value is in, how the outcome starts).
MAX_PAGES_PER_ROUTE = 2  # a second page of a route often shows another state (draft, closed)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seed plus a member without an organisation and one of another, rolled back after."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def seed():
    """Each persona's user, owning what the demo gives that role, and a little more.

    The extras give the pages with per-object actions something to act on: a
    second member to remove, a second organisation to act for, documents,
    a key contact, a partner listing, a group and sign-in records in the admin.
    """
    demo_users = demo.seed()
    organisation_admin = demo_users["member@example.org"]
    commissioner = demo_users["commissioner@example.org"]
    users = {
        "visitor": None,
        "member": UserFactory(full_name="Morgan Member"),
        "organisation_admin": organisation_admin,
        "other_member": MembershipFactory(role=MembershipRole.MEMBER).user,
        "commissioner": commissioner,
        "evaluator": demo_users["evaluator@example.org"],
        "councillor": demo_users["councillor@example.org"],
        "scrutiny_officer": demo_users["scrutiny@example.org"],
        "site_admin": demo_users["admin@example.org"],
    }
    club = administered(organisation_admin)
    MembershipFactory(organisation=club)
    MembershipFactory(user=organisation_admin)
    registry_documents.add_document(
        organisation=club,
        kind=DocumentKind.SAFEGUARDING,
        title="Safeguarding policy",
        file=_upload("safeguarding.pdf"),
        by=organisation_admin,
    )
    add_key_contact(organisation=club, by=organisation_admin, name="Ada Jones", role="Chair")
    opportunity = commissioners_open_opportunity(commissioner)
    opportunity_documents.add_document(
        opportunity=opportunity, by=commissioner, title="Specification", file=_upload("spec.pdf")
    )
    list_for_partners(
        opportunity=opportunity,
        organisation=club,
        by=organisation_admin,
        role=PartnerRole.PARTNER,
        message="We run lunch clubs in Ladywood.",
    )
    Group.objects.create(name="Support desk")
    AccessAttempt.objects.create(
        username="someone@example.org", ip_address="192.0.2.1", failures_since_start=1
    )
    AccessLog.objects.create(username="someone@example.org", ip_address="192.0.2.1")
    AccessFailureLog.objects.create(username="someone@example.org", ip_address="192.0.2.1")
    return users


def administered(user):
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=MembershipRole.ADMIN
    ).first()


def commissioners_open_opportunity(commissioner):
    """The commissioner's open opportunity with a question still waiting for an answer."""
    return (
        Opportunity.objects.live()
        .filter(publisher__memberships__user=commissioner, questions__answered_at__isnull=True)
        .first()
    )


def start_pages(users):
    """Where each persona's crawl starts: the home page, every route without
    arguments, the pages of the objects ``seed`` made, and links sent by email."""
    fixed = ["/" + r.route for r in routes() if not r.converters and not r.is_regex]
    club = administered(users["organisation_admin"])
    opportunity = commissioners_open_opportunity(users["commissioner"])
    objects = [
        reverse("organisations:profile", args=[club.slug]),
        reverse("organisations:members", args=[club.slug]),
        reverse("opportunities:edit", args=[opportunity.reference]),
        reverse("opportunities:documents", args=[opportunity.reference]),
        reverse("opportunities:questions", args=[opportunity.reference]),
        reverse("opportunities:partners", args=[opportunity.reference]),
        # The demo's opened bid boxes: their pages link the submitted bids and their files,
        # the panel's scoring and moderation, the results, the award and the summaries.
        *(
            reverse(name, args=[reference])
            for reference in Tender.objects.filter(opened_at__isnull=False).values_list(
                "opportunity__reference", flat=True
            )
            for name in (
                "tenders:tender",
                "tenders:evaluation",
                "tenders:moderation",
                "tenders:results",
                "tenders:award",
            )
        ),
        reverse("tenders:evaluations"),
        reverse("tenders:awards"),
        "/admin/not-a-page/",  # the admin's catch-all route
    ]
    return ["/", *fixed, *objects, *emailed_links(users)]


def emailed_links(users):
    """Links the portal sends only by email, with real tokens."""
    organisation_admin, member = users["organisation_admin"], users["member"]
    organisation = Organisation.objects.filter(
        memberships__user=organisation_admin, memberships__role=MembershipRole.ADMIN
    ).first()
    invitation = invite_member(organisation=organisation, email=member.email, by=organisation_admin)
    saved_search = save_search(
        user=member, name="Lunch clubs", query_string="q=lunch", frequency="weekly"
    )
    councillor = Councillor.objects.get(user=users["councillor"])
    return [
        reverse("organisations:accept_invitation", args=[invitation_token(invitation)]),
        reverse(
            "opportunities:unsubscribe", args=[opportunity_tokens.unsubscribe_token(saved_search)]
        ),
        reverse("councillors:unsubscribe", args=[councillor_tokens.unsubscribe_token(councillor)]),
        reverse("accounts:confirm_email", args=[confirmation_token(member)]),
        reverse(
            "accounts:password_reset_confirm",
            args=[
                urlsafe_base64_encode(force_bytes(member.pk)),
                default_token_generator.make_token(member),
            ],
        ),
    ]


def filterset_names():
    """Every query parameter a FilterSet in the portal reads."""
    names = set()
    pending = list(django_filters.FilterSet.__subclasses__())
    while pending:
        filterset = pending.pop()
        pending.extend(filterset.__subclasses__())
        if filterset.__module__.startswith("django_filters"):
            continue
        for name, form_field in filterset().form.fields.items():
            names.add(name)
            for suffix in getattr(form_field.widget, "widgets_names", []):
                names.add(name + suffix)
    return sorted(names)


class Attack:
    """One persona's requests, and the server errors they got.

    ``done`` is shared by all personas: a route, or a form with the same
    fields, gets every value from the first persona that reaches it and one
    value, taking turns, from each persona after.
    """

    def __init__(self, client, persona, done):
        self.client = client
        self.persona = persona
        self.done = done
        self.failures = []
        self.turns = PERSONAS.index(persona)  # so personas take different turns
        self.forms_tried = set()

    def send(self, method, url, data=None, *, field="", value=""):
        """Make one request in a savepoint that is rolled back; record a 5xx."""
        cookies = copy.deepcopy(self.client.cookies)
        outcome = response = None
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(url, data)
                transaction.set_rollback(True)
            if response.status_code >= 500 and not _reports_a_service_down(url, response):
                outcome = f"{response.status_code} {_exception(response)}"
            _finish(response)
        except Exception as error:  # raised outside any view: middleware, the client
            outcome = f"raised {type(error).__name__}: {str(error)[:150]}"
        finally:
            self.client.cookies = cookies
        if outcome:
            self.failures.append(
                (self.persona, method.upper(), url[:150], field, _shown(value), outcome)
            )
        return response

    def first_time(self, key):
        """True for the first persona to ask about ``key``."""
        if key in self.done:
            return False
        self.done.add(key)
        return True

    def turn(self, values=FIELD_VALUES):
        """The next of ``values``, so repeated light tries cover them all."""
        self.turns += 1
        return values[self.turns % len(values)]

    def some_values(self):
        return [LONG, self.turn(TAKING_TURNS)]

    def crawl(self, start):
        """GET pages breadth first from ``start``; returns (route, url, parsed page or None)."""
        counts, visited, found = {}, set(), []
        queue = list(start)
        while queue:
            parts = urlsplit(queue.pop(0))
            if parts.netloc not in {"", "testserver"}:
                continue
            url = parts.path + (f"?{parts.query}" if parts.query else "")
            route = route_of(url)
            limit = 1 if _is_admin(route) else MAX_PAGES_PER_ROUTE
            if route is None or url in visited or counts.get(route, 0) >= limit:
                continue
            visited.add(url)
            counts[route] = counts.get(route, 0) + 1
            response = self.send("get", url)
            page = None
            if response is not None and response.status_code == 200 and _is_html(response):
                page = parse("http://testserver" + url, response.content.decode())
                queue.extend(page.links)
                queue.extend(form.action for form in page.forms)
            found.append((route, url, page))
        return found

    def paths(self, route, url):
        """``url`` with each path argument in turn replaced by hostile values."""
        values = ADMIN_PATH_VALUES if _is_admin(route) else PATH_VALUES
        if not self.first_time(("path", route)):
            values = [NUL]
        for name, value, path in hostile_paths(url, values):
            self.send("get", path, field=f"<{name}>", value=value)

    def query(self, route, url, page, names):
        """GET ``url`` with hostile values in every parameter it might read."""
        path = urlsplit(url).path
        own_forms = [
            form
            for form in (page.forms if page else [])
            if form.method == "get" and urlsplit(form.action).path == path
        ]
        names = set(names)
        for form in own_forms:
            names.update(form.names())
        names = sorted(names)
        if not self.first_time(("query", route)):
            value = self.turn()
            self.send("get", f"{path}?{query_with(names, value)}", field="(all)", value=value)
            return
        if page is None:
            values = [NUL]  # a file, a redirect or an error page: not a page with a form
        elif _is_admin(route):
            values = ADMIN_VALUES
        elif own_forms or urlsplit(url).query:
            values = FIELD_VALUES  # a page that reads its query string gets every value
        else:
            values = self.some_values()
        for value in values:
            self.send("get", f"{path}?{query_with(names, value)}", field="(all)", value=value)
        # One field at a time, the form's others as the page had them.
        for form in own_forms:
            base = form.data()
            for name in form.names():
                for value in self.some_values():
                    query = query_with([name], value, base)
                    self.send("get", f"{path}?{query}", field=name, value=value)

    def form(self, form):
        """POST ``form`` back with hostile values, the page's own in the other fields.

        Every value goes to every field at once (each field's checks run
        whatever the others hold). Then each free-text field alone is filled
        to the length its page allows with right-to-left, CJK and emoji text,
        the others keeping the page's values, to reach the save behind the
        form; and each file field gets a tiny file with a hostile name. A form
        met again (on another page, or by another persona) gets one value in
        every field, and its fields not met before.
        """
        route = route_of(form.action)
        path = urlsplit(form.action).path
        names = [name for name in form.names() if form.field(name).kind not in BUTTONS]
        key = ("form", route, tuple(sorted(names)))
        if route is None or key in self.forms_tried:
            return  # the same form on another page (signing out is on all of them)
        self.forms_tried.add(key)
        files = [name for name in names if form.field(name).kind == "file"]
        typed = [name for name in names if name not in files]
        base = form.data()

        action = urlsplit(form.action)
        target = path + (f"?{action.query}" if action.query else "")

        def post(changes, field, value, url=target):
            uploads = {name: _upload("report.pdf") for name in files}
            self.send("post", url, {**base, **uploads, **changes}, field=field, value=value)

        if self.first_time(("form", route)):
            values = ADMIN_VALUES if _is_admin(route) else FIELD_VALUES
            # The address's own parameters too, as a tampered link would send them,
            # with empty free text filled in so that a simple form is valid.
            in_address = sorted({*parse_qs(action.query), *COMMON_QUERY_NAMES})
            blanks = {
                name: ["A few words"]
                for name in typed
                if form.field(name).kind in FREE_TEXT and base.get(name) == [""]
            }
            for value in (NUL, LONG):
                post(blanks, "(address)", value, url=f"{path}?{query_with(in_address, value)}")
        else:
            values = [self.turn()]
        for value in values:
            post({name: _hostile(value) for name in typed}, "(all)", value)
        if _is_admin(route):
            return
        for name in typed:
            field = form.field(name)
            if field.kind in FREE_TEXT and self.first_time(("field", route, name)):
                value = filled(field.maxlength or len(LONG))
                post({name: [value]}, name, value)
        for name in files:
            if self.first_time(("field", route, name)):
                for filename in HOSTILE_FILENAMES:
                    post({name: _upload(filename)}, name, filename)


FREE_TEXT = {"text", "textarea", "search", "password"}


def filled(length):
    """``length`` characters of right-to-left override, accented, CJK and emoji text."""
    return ("\u202eé名🙂" * length)[:length]


BUTTONS = {"submit", "button", "image", "reset"}


def siblings(pages):
    """Links to the routes ``pages`` did not reach, made with the ids of a page that was.

    ``tracking/<slug>/report.pdf`` borrows the slug of ``tracking/<slug>/``; the
    page sharing the longest start of its route lends its arguments.
    """
    reached = {route: url for route, url, _page in reversed(pages)}
    links = []
    for route in routes():
        if route.route in reached or route.is_regex or not route.converters:
            continue
        needed = {name for name, _converter in route.converters}
        lenders = [
            (len(os.path.commonprefix([route.route, other])), url)
            for other, url in reached.items()
            if needed <= resolve(urlsplit(url).path).kwargs.keys()
        ]
        if lenders:
            links.append(fill(route.route, resolve(urlsplit(max(lenders)[1]).path).kwargs))
    return links


def fill(route, kwargs):
    """The path of ``route`` with its arguments taken from ``kwargs``."""
    return "/" + ARGUMENT.sub(lambda match: quote(str(kwargs[match[1]])), route)


ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def hostile_paths(url, values):
    """(argument, value, path) for ``url``'s path with each argument replaced by each value."""
    path = urlsplit(url).path
    segments = path.split("/")
    for name, argument in resolve(path).kwargs.items():
        spelt = [quote(str(argument), safe=""), str(argument)]
        for value in values:
            hostile = quote(value, safe="")
            replaced = [hostile if segment in spelt else segment for segment in segments]
            if replaced != segments:
                yield name, value, "/".join(replaced)


def query_with(names, value, base=None):
    """A query string with every name in ``names`` set to ``value``, on top of ``base``."""
    params = dict(base or {})
    for name in names:
        params[name] = _hostile(value)
    return urlencode(params, doseq=True)


def _hostile(value):
    return ["1", NUL] if value is LIST else [value]


def _upload(filename):
    return SimpleUploadedFile(filename, TINY_PDF, content_type="application/pdf")


def _is_admin(route):
    return route is not None and route.startswith("admin/")


def _is_html(response):
    return "html" in response.get("Content-Type", "") and not response.streaming


def _finish(response):
    # Reading a streamed file to its end closes it as the test client means to;
    # response.close() would send request_finished, whose handler closes the
    # database connection in the middle of the test's transaction.
    if response.streaming:
        b"".join(response.streaming_content)


def _reports_a_service_down(url, response):
    # /health/ answers 503 when the database, cache or broker is down: its job.
    return route_of(url) == "health/" and response.status_code == 503


def _exception(response):
    error = (getattr(response, "exc_info", None) or (None, None))[1]
    return f"{type(error).__name__}: {str(error)[:150]}" if error else ""


def _shown(value):
    if value is LIST:
        return "(sent twice: '1' and NUL)"
    return repr(value) if len(value) < 40 else f"{value[:10]!r}… ({len(value)} characters)"


# Shared by the persona runs: what got every value, and which routes each reached.
DONE = set()
REACHED = {}


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_hostile_input_gives_a_server_error(client, demo_data, persona):
    client.raise_request_exception = False
    if demo_data[persona] is not None:
        client.force_login(demo_data[persona])
    attack = Attack(client, persona, DONE)
    pages = attack.crawl(start_pages(demo_data))
    pages += attack.crawl(siblings(pages))
    REACHED[persona] = {route for route, _url, _page in pages}
    query_names = [*COMMON_QUERY_NAMES, *filterset_names()]
    for route, url, page in pages:
        attack.paths(route, url)
        attack.query(route, url, page, query_names)
        for form in page.forms if page else []:
            if form.method == "post":
                attack.form(form)
    assert attack.failures == []


# Routes no page links to and no email carries, with why.
UNREACHABLE = {
    # Django's admin shortcut to an object's page on the site, linked only for
    # models with get_absolute_url; none of the portal's admin models has one.
    "admin/r/<path:content_type_id>/<path:object_id>/": "no admin model has a page on the site",
}


def test_every_route_was_reached_with_real_ids():
    """A page nobody reaches is not tried: link it, or build its link in ``emailed_links``."""
    if set(REACHED) != set(PERSONAS):
        pytest.skip("needs every persona's run above, in the same session")
    reached = set().union(*REACHED.values())
    missing = [r.route for r in routes() if r.route not in reached and r.route not in UNREACHABLE]
    assert missing == []
