"""The sealed bid box, tried from outside by every persona on every URL of the portal.

The demo's open tender has bids in every state. Each bid gets unmistakable
content (answers, a partner, a commitment, declared funding, a file, each with
a marker), then every persona requests every URL the portal has, filled in
with the demo's real ids (opportunity and bid references, partner, criterion,
lot, attachment and receipt numbers, the bidders' profiles, every admin list
searched for a bid reference and every admin page of the bidders). No marker,
bid reference or hash may appear anywhere, and — the stronger check — every
page must be exactly what it would be if nobody had bid at all: the same pages
are requested again after the bids are deleted, and compared. The only
differences allowed are the publisher's commissioners' tender pages (the
submitted count, and the method's lock), and the partnership request a
not-yet-confirmed partner's administrators are sent.
"""

import re

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import User
from home import demo
from opendata import ocds
from opportunities import listings
from organisations.models import MembershipRole
from tenders.models import Bid, BidPartner, BidVersion, Tender
from tests.factories import MembershipFactory
from tests.tenders import crawl

pytestmark = pytest.mark.django_db

MARKER = "SEALEDMARKER"
VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'nonce="[^"]*"'), "nonce"),
    (re.compile(r"csrftoken=[^;\s\"]*"), "csrftoken"),
]


def _mark(tender):
    """Put a marker in every part of every bid of ``tender``; returns the secrets to look for."""
    secrets = []
    for n, bid in enumerate(Bid.objects.filter(tender=tender).select_related("organisation")):
        crawl.mark(bid, f"{MARKER}{n}")
        secrets.append(bid.reference)
    secrets += list(BidVersion.objects.filter(bid__tender=tender).values_list("sha256", flat=True))
    return secrets


def _urls(tender, routes):
    """Every route with the demo's real ids put in; admin pages for every registered model."""
    opportunity = tender.opportunity
    bids = list(Bid.objects.filter(tender=tender))
    candidates = {
        "reference": [opportunity.reference],
        "bid_reference": [bid.reference for bid in bids],
        "partnership": list(BidPartner.objects.filter(bid__in=bids).values_list("pk", flat=True)),
        "attachment": [a.pk for bid in bids for a in bid.attachments.all()],
        # One of each: the pages of a bid's other questions, lots and lines are the same views.
        "criterion_pk": list(tender.criteria.values_list("pk", flat=True)[:1]),
        "lot_pk": list(opportunity.lots.values_list("pk", flat=True)[:1]),
        "price_line": list(tender.price_lines.values_list("pk", flat=True)[:1]),
        "number": [1, 2],
        "ocid": [ocds.ocid(opportunity.reference)],
    }
    # One organisation of each kind: a lead, a confirmed partner, a partner still asked.
    partners = BidPartner.objects.filter(bid__in=bids, organisation__isnull=False)
    bidders = [
        bids[0].organisation,
        partners.filter(confirmed_at__isnull=False).first().organisation,
        partners.filter(confirmed_at__isnull=True).first().organisation,
    ]

    def values_of(route, name):
        if name == "reference" and route.startswith("bids/"):
            return candidates["bid_reference"]
        if name == "pk" and "partnerships" in route:
            return candidates["partnership"]
        if name == "pk" and ("attachments" in route or "files" in route):
            return candidates["attachment"]
        if name == "pk" and "tender/questions" in route:
            return candidates["criterion_pk"]
        if name == "pk" and "tender/prices" in route:
            return candidates["price_line"]
        if name == "slug" and route.startswith("organisations/"):
            return [o.slug for o in bidders]
        # None for an id of something else (an inquiry, a week): nothing of a bid.
        return candidates.get(name)

    urls = crawl.fill(routes, values_of)
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        urls.add(changelist)
        urls.update(f"{changelist}?q={secret}" for secret in candidates["bid_reference"][:1])
    for organisation in bidders:
        urls.add(reverse("admin:organisations_organisation_change", args=[organisation.pk]))
    for user in User.objects.filter(memberships__organisation__in=bidders).distinct():
        urls.add(reverse("admin:accounts_user_change", args=[user.pk]))
    urls.update(["/", "/admin/", f"/opportunities/?q={MARKER}", f"/organisations/?q={MARKER}"])
    return sorted(urls)


def _state(tender):
    """Everything a stray post could change about the tender's bids."""
    bids = Bid.objects.filter(tender=tender).order_by("pk")
    return (
        list(bids.values_list("changed_at", "submitted_at", "withdrawn_at", "current_version")),
        list(BidPartner.objects.filter(bid__in=bids).values_list("confirmed_at", "declined_at")),
        sum(b.answers.count() + b.attachments.filter(removed_at=None).count() for b in bids),
    )


def _normalise(body):
    for pattern, replacement in VOLATILE:
        body = pattern.sub(replacement, body)
    return body


def _snapshot(clients, urls):
    listings.drop_all()
    cache.clear()
    pages = {}
    for persona, client in clients.items():
        for url in urls:
            response = client.get(url)
            pages[persona, url] = (
                response.status_code,
                response.get("Location", ""),
                response.get("Content-Disposition", ""),
                _normalise(crawl.body_of(response)),
            )
    return pages


def test_nothing_about_a_bid_reaches_anyone_outside_the_bidding_organisations(time_machine):
    time_machine.move_to("2026-12-03 10:00:00+00:00", tick=False)
    demo.seed()
    tender = Tender.objects.get(opportunity__title=demo.tenders_demo.OPEN)
    commissioner = User.objects.get(email="commissioner@example.org")
    secrets = _mark(tender)
    waiting = BidPartner.objects.get(
        bid__tender=tender, organisation__isnull=False, confirmed_at=None
    )
    personas = {
        "visitor": None,
        "member of another organisation": MembershipFactory().user,
        "partner not yet confirmed": MembershipFactory(
            organisation=waiting.organisation, role=MembershipRole.ADMIN
        ).user,
        "commissioner": commissioner,
        "evaluator": User.objects.get(email="evaluator@example.org"),
        "councillor": User.objects.get(email="councillor@example.org"),
        "scrutiny officer": User.objects.get(email="scrutiny@example.org"),
        "site admin": User.objects.get(email="admin@example.org"),
    }
    clients = {}
    for persona, user in personas.items():
        clients[persona] = Client()
        if user is not None:
            clients[persona].force_login(user)
    urls = _urls(tender, crawl.routes())
    print(f"{len(urls)} URLs × {len(clients)} personas")
    with_bids = _snapshot(clients, urls)

    for (persona, url), (_status, _location, _disposition, body) in with_bids.items():
        if MARKER in url or any(secret in url for secret in secrets):
            continue  # a search says what it searched for; compared below
        found = [s for s in secrets if s in body] + ([MARKER] if MARKER in body else [])
        assert not found, f"{persona} sees {found} at {url}"

    # Posting to a bid's pages from outside changes nothing and says nothing.
    before = _state(tender)
    for persona in ("visitor", "member of another organisation", "commissioner", "site admin"):
        for url in (u for u in urls if u.startswith("/bids/")):
            response = clients[persona].post(url, {"text": "x", "remove": "1", "accept": "1"})
            assert response.status_code in {302, 404, 405}, (persona, url)
            if response.status_code == 302:
                assert response["Location"].startswith("/accounts/login/"), (persona, url)
    assert _state(tender) == before

    # The same pages as if nobody had bid.
    bids = Bid.objects.filter(tender=tender)
    bids.update(current_version=None, submitted_at=None)
    bids.delete()
    Tender.objects.filter(pk=tender.pk).update(locked_at=None)
    without_bids = _snapshot(clients, urls)

    tender_pages = f"/opportunities/{tender.opportunity.reference}/tender/"
    allowed = {("commissioner", url) for url in urls if url.startswith(tender_pages)} | {
        # The request itself, and where its administrators are told of it.
        ("partner not yet confirmed", url)
        for url in (f"/bids/partnerships/{waiting.pk}/", "/opportunities/activity/", "/")
    }
    differ = sorted(
        key for key in with_bids if with_bids[key] != without_bids[key] and key not in allowed
    )
    assert differ == [], f"{len(differ)} pages show that bids exist, first: {differ[:5]}"
    # The allowed differences do differ (so the comparison is really made).
    assert with_bids["commissioner", tender_pages] != without_bids["commissioner", tender_pages]
    print(f"{len(urls)} URLs × {len(clients)} personas compared")


def test_after_opening_the_commissioner_reads_submitted_bids_only(client, time_machine):
    time_machine.move_to("2026-12-03 10:00:00+00:00", tick=False)
    demo.seed()
    closed = Tender.objects.get(opportunity__title=demo.tenders_demo.CLOSED)
    commissioner = User.objects.get(email="commissioner@example.org")
    client.force_login(commissioner)

    def page(tender, bid):
        url = reverse("tenders:submitted_bid", args=[tender.opportunity.reference, bid.reference])
        return client.get(url)

    listed = client.get(reverse("tenders:tender", args=[closed.opportunity.reference])).text
    for bid in Bid.objects.filter(tender=closed).select_related("organisation"):
        response = page(closed, bid)
        assert response.status_code == (200 if bid.is_submitted else 404), bid
        assert (bid.reference in listed) == bid.is_submitted
        if bid.is_submitted:
            assert bid.current_version.sha256 in response.text
    # The open tender's box is sealed, for its commissioner too.
    open_tender = Tender.objects.get(opportunity__title=demo.tenders_demo.OPEN)
    for bid in Bid.objects.filter(tender=open_tender):
        assert page(open_tender, bid).status_code == 404
    # Nobody else reads an opened box: not a site admin, not another commissioner.
    client.force_login(User.objects.get(email="admin@example.org"))
    for bid in Bid.objects.filter(tender=closed):
        assert page(closed, bid).status_code == 404
