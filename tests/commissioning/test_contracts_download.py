"""The contracts register as a CSV download (``/contracts/contracts.csv``): the register's
filters, every contract, its suppliers lead first, and queries that do not grow."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commissioning.models import ContractKind, ContractSupplier, SupplierRole
from commissioning.views.contracts import RESULTS_PER_PAGE
from tests.commissioning.factories import ContractFactory
from tests.downloads import csv_download
from tests.factories import (
    OrganisationFactory,
    PublisherFactory,
    ServiceCategoryFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db

DOWNLOAD = "/contracts/contracts.csv"


def download(client, query=""):
    """The response, and its rows as dictionaries by column."""
    return csv_download(client, f"{DOWNLOAD}?{query}")


def references(client, query=""):
    return [row["Reference"] for row in download(client, query)[1]]


def listed(client, query=""):
    return [contract.reference for contract in client.get(f"/contracts/?{query}").context["page"]]


def join(contract, organisation, role, **fields):
    return ContractSupplier.objects.create(
        contract=contract,
        organisation=organisation,
        role=role,
        joined_on=contract.starts_on,
        **fields,
    )


def test_the_download_is_a_streamed_utf8_csv_file(visitor):
    ContractFactory()
    response, rows = download(visitor)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="contracts-{today}.csv"'
    assert len(rows) == 1


def test_a_row_holds_the_contract_with_its_suppliers_lead_first(visitor):
    contract = ContractFactory(
        title="Community transport",
        kind=ContractKind.GRANT,
        publisher=PublisherFactory(name="Birmingham City Council"),
        supplier=OrganisationFactory(name="Zebra Lead Trust"),
        category=ServiceCategoryFactory(name="Transport"),
        value=Decimal("210000.50"),
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2028, 3, 31),
        ended_on=datetime.date(2027, 9, 30),
        citywide=False,
    )
    contract.wards.set([WardFactory(name="Nechells"), WardFactory(name="Aston")])
    join(contract, OrganisationFactory(name="Beta Partners"), SupplierRole.PARTNER)
    join(contract, OrganisationFactory(name="Alpha Subcontracting"), SupplierRole.SUBCONTRACTOR)
    join(
        contract,
        OrganisationFactory(name="Gone Away"),
        SupplierRole.PARTNER,
        left_on=datetime.date(2026, 6, 1),
    )
    (row,) = download(visitor)[1]
    assert row == {
        "Reference": contract.reference,
        "Title": "Community transport",
        "Type": "Grant",
        "Published by": "Birmingham City Council",
        "Suppliers": "Zebra Lead Trust; Beta Partners; Alpha Subcontracting",
        "Value (GBP)": "210000.50",
        "Start": "2026-04-01",
        "End": "2028-03-31",
        "Ended early on": "2027-09-30",
        "Citywide": "no",
        "Wards": "Aston; Nechells",
        "Category": "Transport",
        "URL": f"http://testserver/contracts/{contract.reference}/",
    }


def test_the_download_honours_the_registers_filters(visitor):
    ward, category = WardFactory(), ServiceCategoryFactory()
    grant = ContractFactory(kind=ContractKind.GRANT, title="Grant for lunches", citywide=False)
    grant.wards.set([ward])
    sla = ContractFactory(
        kind=ContractKind.SERVICE_LEVEL_AGREEMENT, title="Advice SLA", category=category
    )
    other = ContractFactory(
        title="Transport", supplier=OrganisationFactory(name="Alum Rock Sports"), citywide=False
    )
    for query, expected in [
        ("kind=grant", [grant]),
        (f"ward={ward.slug}", [sla, grant]),
        (f"ward={ward.slug}&kind=sla", [sla]),
        (f"category={category.slug}", [sla]),
        ("q=alum+rock", [other]),
        (f"publisher={other.publisher.slug}", [other]),
        ("kind=lease&q=transport", [other]),  # a value not valid is left out
    ]:
        assert set(references(visitor, query)) == {c.reference for c in expected}, query
        assert references(visitor, query) == listed(visitor, query), query


def test_every_contract_is_downloaded_not_one_page(visitor):
    publisher, category = PublisherFactory(), ServiceCategoryFactory()
    for _ in range(RESULTS_PER_PAGE + 3):
        ContractFactory(publisher=publisher, category=category)
    assert len(references(visitor, "page=2")) == RESULTS_PER_PAGE + 3


def test_a_title_a_spreadsheet_would_run_is_written_as_text(visitor):
    ContractFactory(title="-2+3+cmd|' /C calc'!A0", supplier=OrganisationFactory(name="+Plus"))
    (row,) = download(visitor)[1]
    assert row["Title"] == "'-2+3+cmd|' /C calc'!A0"
    assert row["Suppliers"] == "'+Plus"


def test_the_queries_do_not_grow_with_the_rows(visitor):
    publisher, category = PublisherFactory(), ServiceCategoryFactory()
    wards = [WardFactory(), WardFactory()]

    def make(n):
        for _ in range(n):
            contract = ContractFactory(publisher=publisher, category=category, citywide=False)
            contract.wards.set(wards)
            join(contract, OrganisationFactory(), SupplierRole.PARTNER)

    def queries_for(expected_rows):
        with CaptureQueriesContext(connection) as queries:
            assert len(download(visitor)[1]) == expected_rows
        return len(queries)

    make(3)
    few = queries_for(3)
    make(27)
    assert queries_for(30) == few


def test_rows_across_chunks_keep_their_own_suppliers_and_wards(visitor, monkeypatch):
    monkeypatch.setattr("portal.csv.CHUNK_SIZE", 2)
    expected = {}
    for n in range(5):
        contract = ContractFactory(supplier=OrganisationFactory(name=f"Lead {n}"), citywide=False)
        contract.wards.set([WardFactory(name=f"Ward {n}")])
        expected[contract.reference] = (f"Lead {n}", f"Ward {n}")
    rows = download(visitor)[1]
    assert {row["Reference"]: (row["Suppliers"], row["Wards"]) for row in rows} == expected


def test_the_register_links_to_the_download_of_its_results(visitor):
    page = visitor.get("/contracts/?kind=grant&page=2").text
    assert f'href="{DOWNLOAD}?kind=grant"' in page
    assert "Download these results as CSV" in page
