"""The exchange's public pages make as many queries with many needs, offers, matches
and deliveries as with few."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchange import totals
from exchange.models import Kind, Unit
from tests.exchange.factories import NeedFactory, OfferFactory
from tests.exchange.test_totals import delivered
from tests.factories import OrganisationFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _totals_made_afresh():
    totals.forget()


PAGES = [
    "/exchange/",
    "/exchange/?measure=value",
    "/exchange/needs/",
    "/exchange/needs/?kind=mentoring&ward=ladywood&size=micro",
    "/exchange/offers/",
    "/exchange/offers/?kind=mentoring&ward=ladywood&size=micro&charter=on",
]


def make(count, ladywood):
    for n in range(count):
        ward = ladywood if n % 2 else WardFactory()
        signatory = OrganisationFactory(
            income_band="under_10k", charter_signatory_since="2026-01-01"
        )
        NeedFactory(ward=ward, organisation=OrganisationFactory(income_band="under_10k"))
        OfferFactory(organisation=signatory, citywide=False, wards=[ward, WardFactory()])
        delivered(n + 1, ward=ward, value=10, said=f"Thanks {n}")
        delivered(1, ward=ward, kind=Kind.TRAINING, unit=Unit.PLACES, confirm=False)


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", PAGES)
def test_the_query_count_does_not_grow_with_the_rows(visitor, url):
    ladywood = WardFactory(name="Ladywood", slug="ladywood")
    make(2, ladywood)
    few = queries_of(visitor, url)
    make(25, ladywood)
    assert queries_of(visitor, url) == few


@pytest.mark.parametrize("url", PAGES[:1])
def test_the_overview_for_someone_signed_in_does_not_grow_either(member, url):
    ladywood = WardFactory(name="Ladywood", slug="ladywood")
    make(2, ladywood)
    few = queries_of(member, url)
    make(10, ladywood)
    assert queries_of(member, url) == few
