import datetime

import pytest
import time_machine
from django.http import QueryDict

from organisations import queries
from organisations.identifiers import Scheme
from organisations.models import (
    Document,
    DocumentKind,
    Identifier,
    IncomeBand,
    ServiceCategory,
)
from tests.factories import CouncillorFactory, OrganisationFactory, WardFactory

pytestmark = pytest.mark.django_db


def add_document(organisation, kind, expires_on=None, title=None):
    return Document.objects.create(
        organisation=organisation,
        kind=kind,
        title=title or kind.label,
        file="organisations/documents/file.pdf",
        expires_on=expires_on,
    )


@pytest.fixture
def ready_to_bid():
    """An organisation with everything a bid needs."""
    organisation = OrganisationFactory(
        description="Runs lunch clubs.", income_band=IncomeBand.FROM_10K, citywide=True
    )
    organisation.service_categories.add(ServiceCategory.objects.create(name="Food", slug="food"))
    Identifier.objects.create(organisation=organisation, scheme=Scheme.CHC, value="1123456")
    for kind in queries.DOCUMENTS_FOR_BIDS:
        add_document(organisation, kind, expires_on=datetime.date(2030, 1, 1))
    return organisation


def test_an_empty_profile_misses_everything_a_bid_needs():
    organisation = OrganisationFactory(description="  ")
    assert queries.missing_for_bids(organisation) == [
        "A description of what you do",
        "A charity, company or mutual number",
        "Your annual income",
        "The services you provide",
        "The wards you work in, or that you work across the whole city",
        "A safeguarding policy",
        "An insurance certificate",
        "Annual accounts",
    ]
    assert queries.profile_completeness(organisation) == 0


def test_a_complete_profile_misses_nothing(ready_to_bid):
    assert queries.missing_for_bids(ready_to_bid) == []
    assert queries.profile_completeness(ready_to_bid) == 100


def test_wards_served_count_instead_of_citywide(ready_to_bid):
    ready_to_bid.citywide = False
    assert "The wards you work in, or that you work across the whole city" in (
        queries.missing_for_bids(ready_to_bid)
    )
    ready_to_bid.wards_served.add(WardFactory())
    assert queries.missing_for_bids(ready_to_bid) == []


@pytest.mark.parametrize(
    ("kind", "item"),
    [
        (DocumentKind.SAFEGUARDING, "A safeguarding policy"),
        (DocumentKind.INSURANCE, "An insurance certificate"),
        (DocumentKind.ACCOUNTS, "Annual accounts"),
    ],
)
def test_each_document_a_bid_needs_is_asked_for(ready_to_bid, kind, item):
    ready_to_bid.documents.filter(kind=kind).delete()
    assert queries.missing_for_bids(ready_to_bid) == [item]
    assert queries.profile_completeness(ready_to_bid) == 88


@time_machine.travel(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC))
def test_an_expired_document_is_missing_until_replaced(ready_to_bid):
    add_document(ready_to_bid, DocumentKind.INSURANCE, datetime.date(2026, 3, 1), "Cover 2025")
    add_document(ready_to_bid, DocumentKind.EQUALITY, datetime.date(2026, 3, 2), "Still valid")
    assert queries.missing_for_bids(ready_to_bid) == [
        "A current copy of “Cover 2025”, which expired on 1 March 2026"
    ]
    assert queries.profile_completeness(ready_to_bid) == 89


def test_search_directory_returns_the_bound_filterset_and_sorted_results():
    OrganisationFactory(name="beta", open_to_partnering=True)
    OrganisationFactory(name="Alpha", open_to_partnering=True)
    OrganisationFactory(name="Gamma")
    filterset, organisations = queries.search_directory(QueryDict("partnering=on&size=huge"))
    assert [o.name for o in organisations] == ["Alpha", "beta"]
    assert list(filterset.form.errors) == ["size"]


def test_search_directory_without_parameters_lists_everyone():
    OrganisationFactory.create_batch(3)
    filterset, organisations = queries.search_directory(QueryDict())
    assert not filterset.is_bound
    assert organisations.count() == 3


def test_an_organisation_in_several_ticked_services_is_listed_once():
    organisation = OrganisationFactory()
    organisation.service_categories.set(
        [ServiceCategory.objects.create(name=n, slug=n) for n in ("a", "b")]
    )
    _filterset, organisations = queries.search_directory(QueryDict("category=a&category=b"))
    assert list(organisations) == [organisation]


def test_verified_means_any_identifier_verified():
    organisation = OrganisationFactory()
    Identifier.objects.create(organisation=organisation, scheme=Scheme.CHC, value="1123456")
    _filterset, organisations = queries.search_directory(QueryDict())
    assert not organisations.get().has_verified_identifier
    Identifier.objects.create(
        organisation=organisation,
        scheme=Scheme.COH,
        value="01234567",
        verified_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    assert organisations.all().get().has_verified_identifier


def test_wards_represented_by_a_councillor():
    councillor = CouncillorFactory(wards=[WardFactory(name="B"), WardFactory(name="A")])
    assert [w.name for w in queries.wards_represented_by(councillor.user)] == ["A", "B"]
