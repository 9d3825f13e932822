"""The exchange's public pages: the overview's totals and testimonials, and the open
needs and offers with their filters, as a visitor sees them."""

from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone

from exchange import totals
from exchange.models import Kind, Unit
from organisations.models import IncomeBand
from tests.exchange.factories import NeedFactory, OfferFactory
from tests.exchange.test_totals import delivered
from tests.factories import OrganisationFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _totals_made_afresh():
    totals.forget()


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


# --- The overview --------------------------------------------------------------------------


def test_a_visitor_sees_what_the_exchange_is_and_how_much_is_open(visitor):
    NeedFactory.create_batch(2)
    NeedFactory(closed_at=timezone.now())
    OfferFactory()
    html = page(visitor, "/exchange/")
    assert "Charities and community groups say what help they need" in html
    assert "(2 open now)" in html and "(1 open now)" in html
    assert 'href="/exchange/needs/new/"' in html and 'href="/exchange/offers/new/"' in html
    assert 'href="/exchange/yours/"' not in html
    assert "No help has been confirmed yet." in html


def test_signed_in_people_are_linked_to_their_organisation_on_the_exchange(member):
    assert 'href="/exchange/yours/"' in page(member, "/exchange/")


def test_the_overview_shows_confirmed_help_in_charts_and_tables(visitor):
    ladywood = WardFactory(name="Ladywood")
    delivered(7, ward=ladywood, value=70)
    delivered(2, ward=ladywood, kind=Kind.EQUIPMENT, unit=Unit.ITEMS, value=500)
    delivered(40, ward=WardFactory(name="Aston"), value=400, confirm=False)
    html = page(visitor, "/exchange/")
    assert "7 hours" in html and "2 items" in html and "0 places" in html and "£570" in html
    assert html.count('role="img"') == 2  # by ward and by kind
    assert "Help delivered by ward: hours" in html
    assert "Help delivered by ward, confirmed only" in html
    assert "Ladywood" in html and "Aston" not in html  # unconfirmed help does not count
    assert "40 hours" not in html and "£970" not in html


def test_the_charts_can_show_another_measure_and_a_bad_one_is_ignored(visitor):
    delivered(7, ward=WardFactory(), value=70)
    assert "Help delivered by kind: value in pounds" in page(visitor, "/exchange/?measure=value")
    assert "Help delivered by kind: hours" in page(visitor, "/exchange/?measure=<b>")


def test_a_testimonial_is_shown_as_plain_text(visitor):
    delivered(3, ward=WardFactory(), said="<script>alert(1)</script> It helped")
    response = visitor.get("/exchange/")
    raw = response.content.decode()
    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt; It helped" in raw


# --- Needs ---------------------------------------------------------------------------------


def test_a_visitor_sees_open_needs_soonest_first_with_the_count(visitor):
    today = timezone.localdate()
    NeedFactory(title="Later need", needed_by=today + timedelta(days=90))
    NeedFactory(title="Sooner need", needed_by=today + timedelta(days=10))
    NeedFactory(title="Closed need", closed_at=timezone.now())
    NeedFactory(title="Expired need", needed_by=today - timedelta(days=1))
    html = page(visitor, "/exchange/needs/")
    assert "2 open needs" in html
    assert html.index("Sooner need") < html.index("Later need")
    assert "Closed need" not in html and "Expired need" not in html


@pytest.mark.parametrize(
    "query, shown",
    [
        ("kind=premises", {"Hall for a club"}),
        ("ward=ladywood", {"Mentoring in Ladywood"}),
        ("size=micro", {"Mentoring in Ladywood"}),
        ("kind=mentoring&ward=ladywood&size=micro", {"Mentoring in Ladywood"}),
        ("kind=mentoring&size=large", set()),
    ],
)
def test_needs_are_filtered(visitor, query, shown):
    ladywood = WardFactory(name="Ladywood", slug="ladywood")
    micro = OrganisationFactory(income_band=IncomeBand.UNDER_10K)
    NeedFactory(title="Mentoring in Ladywood", ward=ladywood, organisation=micro)
    NeedFactory(title="Hall for a club", kind=Kind.PREMISES)
    html = page(visitor, f"/exchange/needs/?{query}")
    listed = {t for t in ("Mentoring in Ladywood", "Hall for a club") if t in html}
    assert listed == shown
    assert f"{len(shown)} open need" in html


@pytest.mark.parametrize(
    "query, error",
    [
        ("kind=juggling", "Select a kind of help from the list"),
        ("ward=atlantis", "Select a ward from the list"),
        ("size=enormous", "Select a size from the list"),
    ],
)
def test_a_bad_need_filter_is_reported_and_left_out(visitor, query, error):
    NeedFactory(title="Still listed")
    html = page(visitor, f"/exchange/needs/?{query}&page=oops")
    assert "There is a problem" in html and error in html
    assert "Still listed" in html and "1 open need" in html


# --- Offers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, shown",
    [
        ("", {"Citywide mentoring", "Ladywood hall", "Aston hall"}),
        ("kind=premises", {"Ladywood hall", "Aston hall"}),
        ("ward=ladywood", {"Citywide mentoring", "Ladywood hall"}),
        ("size=major", {"Ladywood hall"}),
        ("charter=on", {"Aston hall"}),
        ("kind=premises&ward=ladywood&charter=on", set()),
    ],
)
def test_offers_are_filtered(visitor, query, shown):
    ladywood = WardFactory(name="Ladywood", slug="ladywood")
    major = OrganisationFactory(income_band=IncomeBand.OVER_10M)
    signatory = OrganisationFactory(charter_signatory_since=timezone.localdate())
    OfferFactory(title="Citywide mentoring")
    premises = {"kind": Kind.PREMISES, "citywide": False}
    OfferFactory(title="Ladywood hall", wards=[ladywood], organisation=major, **premises)
    OfferFactory(title="Aston hall", wards=[WardFactory()], organisation=signatory, **premises)
    OfferFactory(title="Closed offer", closed_at=timezone.now())
    html = page(visitor, f"/exchange/offers/?{query}")
    listed = {t for t in ("Citywide mentoring", "Ladywood hall", "Aston hall") if t in html}
    assert listed == shown
    assert "Closed offer" not in html
    assert f"{len(shown)} open offer" in html


def test_an_offer_taken_up_in_full_is_not_listed(visitor):
    OfferFactory(title="All taken", capacity=Decimal(5), committed=Decimal(5))
    assert "0 open offers" in page(visitor, "/exchange/offers/")


def test_a_bad_offer_filter_is_reported_and_left_out(visitor):
    OfferFactory(title="Still listed")
    html = page(visitor, "/exchange/offers/?kind=juggling&ward=atlantis&size=%00")
    assert "Select a kind of help from the list" in html
    assert "Select a ward from the list" in html
    assert "Still listed" in html


def test_applied_filters_are_listed_with_a_link_to_remove_each(visitor):
    WardFactory(name="Ladywood", slug="ladywood")
    html = page(visitor, "/exchange/offers/?kind=premises&ward=ladywood")
    assert "Kind of help: <strong>Premises</strong>" in html
    assert 'href="/exchange/offers/?ward=ladywood"' in html
    assert 'href="/exchange/offers/?kind=premises"' in html
