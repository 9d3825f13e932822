"""The spend page's figures against a hand-computed example, its CSV, and its query count.

The example: four contracts, £500,000 in all.

| contract | lead | sector | small | value | year | publisher | category | wards |
|---|---|---|---|---|---|---|---|---|
| 1 | Charity A (income £10k–£100k) | third | yes (income) | £100,000 | 2025 | P1 | X | W1, W2 |
| 2 | Company B (£1m–£10m, 50 staff) | private | no | £300,000 | 2025 | P1 | Y | whole city |
| 3 | CIC C (£1m–£10m, 5 staff) | third | yes (staff) | £50,000 | 2026 | P2 | X | W1 |
| 4 | Company D (under £10k) | private | yes (income) | £50,000 | 2026 | P2 | Y | none |

Charity A is also a consortium member of contract 2.
Third sector: £150,000 (30%). Micro and small: £200,000 (40%).
Suppliers: A, B, C, D; third-sector suppliers: A and C.
By ward: W1 £50,000 + £50,000 = £100,000; W2 £50,000; city £300,000; none £50,000.
"""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning import spend
from commissioning.models import ContractSupplier, SupplierRole
from organisations.models import IncomeBand, LegalForm
from tests.commissioning.factories import (
    ContractFactory,
    PledgeFactory,
    SocialValueLineFactory,
    SocialValueReturnFactory,
)
from tests.factories import (
    OrganisationFactory,
    PublisherFactory,
    ServiceCategoryFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _figures_made_afresh():
    spend.drop_figures()  # none kept from a test rolled back


@pytest.fixture
def example():
    p1, p2 = PublisherFactory(name="Publisher One"), PublisherFactory(name="Publisher Two")
    x, y = ServiceCategoryFactory(name="Advice"), ServiceCategoryFactory(name="Youth work")
    w1, w2 = WardFactory(name="Aston"), WardFactory(name="Moseley")
    a = OrganisationFactory(
        name="Charity A", legal_form=LegalForm.REGISTERED_CHARITY, income_band=IncomeBand.FROM_10K
    )
    b = OrganisationFactory(
        name="Company B",
        legal_form=LegalForm.PRIVATE_COMPANY,
        income_band=IncomeBand.FROM_1M,
        paid_staff=50,
    )
    c = OrganisationFactory(
        name="CIC C", legal_form=LegalForm.CIC, income_band=IncomeBand.FROM_1M, paid_staff=5
    )
    d = OrganisationFactory(
        name="Company D", legal_form=LegalForm.PRIVATE_COMPANY, income_band=IncomeBand.UNDER_10K
    )
    one = ContractFactory(
        supplier=a,
        publisher=p1,
        category=x,
        value=Decimal("100000"),
        starts_on=date(2025, 4, 1),
        ends_on=date(2027, 3, 31),
        citywide=False,
    )
    one.wards.set([w1, w2])
    two = ContractFactory(
        supplier=b,
        publisher=p1,
        category=y,
        value=Decimal("300000"),
        starts_on=date(2025, 9, 1),
        ends_on=date(2027, 3, 31),
        citywide=True,
    )
    ContractSupplier.objects.create(
        contract=two, organisation=a, role=SupplierRole.PARTNER, joined_on=two.starts_on
    )
    three = ContractFactory(
        supplier=c,
        publisher=p2,
        category=x,
        value=Decimal("50000"),
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 3, 31),
        citywide=False,
    )
    three.wards.set([w1])
    four = ContractFactory(
        supplier=d,
        publisher=p2,
        category=y,
        value=Decimal("50000"),
        starts_on=date(2026, 5, 1),
        ends_on=date(2027, 3, 31),
        citywide=False,
    )
    return {
        "p1": p1,
        "p2": p2,
        "x": x,
        "y": y,
        "w1": w1,
        "w2": w2,
        "contracts": [one, two, three, four],
    }


def _report(params=None):
    return spend.spend_report(params or {})


def test_totals_and_shares_match_the_hand_computed_example(example):
    totals = _report()["totals"]
    assert totals["contracts"] == 4
    assert totals["value"] == Decimal("500000")
    assert totals["third_sector_value"] == Decimal("150000")
    assert totals["small_value"] == Decimal("200000")
    assert spend.share(totals["third_sector_value"], totals["value"]) == 30
    assert spend.share(totals["small_value"], totals["value"]) == 40
    assert totals["suppliers"] == 4
    assert totals["third_sector_suppliers"] == 2
    assert totals["small_suppliers"] == 3


def test_breakdowns_by_year_publisher_and_category(example):
    report = _report()
    assert [
        (row["year"], row["contracts"], row["value"], row["third_sector_value"], row["small_value"])
        for row in report["by_year"]
    ] == [(2025, 2, 400000, 100000, 100000), (2026, 2, 100000, 50000, 100000)]
    assert [(row["name"], row["value"]) for row in report["by_publisher"]] == [
        ("Publisher One", 400000),
        ("Publisher Two", 100000),
    ]
    assert [
        (row["name"], row["value"], row["third_sector_value"]) for row in report["by_category"]
    ] == [
        ("Advice", 150000, 150000),
        ("Youth work", 350000, 0),
    ]


def test_a_contract_in_two_wards_is_split_equally_and_the_rows_add_up(example):
    report = _report()
    assert [(row["name"], row["contracts"], row["value"]) for row in report["by_ward"]] == [
        ("Aston", 2, Decimal("100000")),
        ("Moseley", 1, Decimal("50000")),
    ]
    assert report["citywide"]["value"] == 300000
    assert report["citywide"]["contracts"] == 1
    assert report["nowhere"]["value"] == 50000
    total = sum(row["value"] for row in report["by_ward"])
    assert total + report["citywide"]["value"] + report["nowhere"]["value"] == 500000


def test_filters_by_year_range_publisher_and_category(example):
    assert _report({"year_from": "2026"})["totals"]["value"] == 100000
    assert _report({"year_to": "2025"})["totals"]["value"] == 400000
    assert _report({"publisher": example["p2"].slug})["totals"]["value"] == 100000
    both = _report({"publisher": example["p1"].slug, "category": example["x"].slug})
    assert both["totals"]["value"] == 100000


def test_a_year_range_backwards_is_reported_and_left_out(example):
    report = _report({"year_from": "2026", "year_to": "2025"})
    assert report["filterset"].form.errors["year_to"] == [
        "The last year must be the same as or after the first"
    ]
    assert report["totals"]["value"] == 100000  # only "from 2026" applied


def test_an_unknown_publisher_is_reported_and_left_out(example):
    report = _report({"publisher": "nobody"})
    assert "publisher" in report["filterset"].form.errors
    assert report["totals"]["value"] == 500000


def test_social_value_is_compared_per_unit_and_by_ward(example):
    one, _two, three, _four = example["contracts"]
    w1, w2 = example["w1"], example["w2"]
    hours = PledgeFactory(contract=one, quantity=Decimal("200"), unit="hours", citywide=True)
    jobs_one = PledgeFactory(contract=one, quantity=Decimal("4"), unit="jobs", citywide=False)
    jobs_one.wards.set([w1, w2])
    PledgeFactory(contract=three, quantity=Decimal("10"), unit="jobs", citywide=False).wards.set(
        [w1]
    )
    hours_return = SocialValueReturnFactory(pledge=hours)
    SocialValueLineFactory(social_value_return=hours_return, ward=w1, quantity=Decimal("50"))
    SocialValueLineFactory(social_value_return=hours_return, ward=w2, quantity=Decimal("30"))
    SocialValueLineFactory(
        social_value_return=SocialValueReturnFactory(pledge=jobs_one), ward=w1, quantity=3
    )
    report = _report()
    assert [
        (r["unit"], r["pledged"], r["delivered"], r["percent"]) for r in report["social_value"]
    ] == [
        ("hours", 200, 80, 40),
        ("jobs", 14, 3, 21),
    ]
    assert [
        (r["name"], r["unit"], r["pledged"], r["delivered"]) for r in report["social_value_by_ward"]
    ] == [
        ("Aston", "hours", None, 50),
        ("Aston", "jobs", 12, 3),
        ("Moseley", "hours", None, 30),
        ("Moseley", "jobs", 2, 0),
    ]


def test_the_page_shows_the_figures_charts_and_tables(client, example):
    response = client.get(reverse("commissioning:spend"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "£150,000 (30%)" in page
    assert "£200,000 (40%)" in page
    assert "2 of 4 suppliers" in page
    assert page.count('role="img"') == 5  # shares, year, publisher, category, ward; no pledges
    assert "Contract value by the year contracts started</caption>" in page
    assert "Across the whole city" in page
    assert reverse("commissioning:ward", args=[example["w1"].slug]) in page


def test_the_csv_lists_every_matching_contract(client, example):
    response = client.get(reverse("commissioning:spend_csv"), {"publisher": example["p1"].slug})
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["reference"] for row in rows] == [c.reference for c in example["contracts"][:2]]
    first = rows[0]
    assert first["value"] == "100000.00"
    assert first["lead_supplier"] == "Charity A"
    assert first["lead_supplier_third_sector"] == "yes"
    assert first["lead_supplier_micro_or_small"] == "yes"
    assert first["wards"] == "Aston; Moseley"
    assert first["value_per_ward"] == "50000.00"
    assert rows[1]["citywide"] == "yes"
    assert rows[1]["value_per_ward"] == ""


def test_the_csv_makes_a_title_that_looks_like_a_formula_harmless(client):
    ContractFactory(title="=HYPERLINK(1)")
    text = b"".join(client.get(reverse("commissioning:spend_csv")).streaming_content).decode()
    assert "'=HYPERLINK(1)" in text


def _contracts(n, ward_pool):
    for i in range(n):
        contract = ContractFactory(
            citywide=i % 3 == 0,
            supplier=OrganisationFactory(income_band=IncomeBand.FROM_10K),
        )
        if i % 3:
            contract.wards.set(ward_pool[: 1 + i % 3])
        PledgeFactory(contract=contract)


def _queries_of_page(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("commissioning:spend"), {"year_from": "2025"}).status_code == 200
    return len(queries)


def test_the_page_takes_the_same_number_of_queries_for_3_or_30_contracts(client):
    wards = [WardFactory(), WardFactory(), WardFactory()]
    _contracts(3, wards)
    few = _queries_of_page(client)
    _contracts(27, wards)
    spend.forget_figures()
    many = _queries_of_page(client)
    assert few == many
    assert many <= 15


def test_the_figures_are_cached_by_filter_until_forgotten(client, example):
    one = example["contracts"][0]
    assert _report()["totals"]["value"] == 500000
    ContractFactory(value=Decimal("1000"), starts_on=one.starts_on, ends_on=one.ends_on)
    assert _report()["totals"]["value"] == 500000  # cached
    assert _report({"year_to": "2025"})["totals"]["value"] == 401000  # other filters: read now
    assert _report({"publisher": "nobody"})["totals"]["value"] == 500000  # as no filter: cached
    spend.forget_figures()
    assert _report()["totals"]["value"] == 501000
    with CaptureQueriesContext(connection) as queries:
        _report()
    assert len(queries) == 0  # the filters' choices are read when the form is shown


def _queries_of_csv(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("commissioning:spend_csv"))
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    return len(queries), len(text.splitlines()) - 1


def test_the_csv_takes_the_same_number_of_queries_for_3_or_30_contracts(client, monkeypatch):
    from commissioning.views import spend as views

    monkeypatch.setattr(views, "CHUNK_ROWS", 5)  # several chunks of rows, not one
    wards = [WardFactory(), WardFactory(), WardFactory()]
    _contracts(3, wards)
    few, rows = _queries_of_csv(client)
    assert rows == 3
    _contracts(27, wards)
    many, rows = _queries_of_csv(client)
    assert rows == 30
    assert few == many


def test_a_charts_id_is_the_same_on_every_rendering_and_differs_between_charts():
    from commissioning.charts import bar_chart

    def chart(title):
        return bar_chart([("A", 1)], title=title, description="One bar.")

    assert chart("Spend").id == chart("Spend").id
    assert chart("Spend").id != chart("Social value").id


def test_recording_a_contract_shows_in_the_figures_at_once(
    example, django_capture_on_commit_callbacks
):
    from commissioning.actions.contracts import record_contract
    from tests.factories import MembershipFactory

    one = example["contracts"][0]
    assert _report()["totals"]["value"] == 500000  # now kept
    commissioner = MembershipFactory(organisation=one.publisher).user
    with django_capture_on_commit_callbacks(execute=True):
        record_contract(
            publisher=one.publisher,
            by=commissioner,
            kind="grant",
            lead=OrganisationFactory(),
            title="A new grant",
            category=one.category,
            value=Decimal("1000"),
            starts_on=one.starts_on,
            ends_on=one.ends_on,
            citywide=True,
        )
    assert _report()["totals"]["value"] == 501000


def _figures_queries(params=None):
    with CaptureQueriesContext(connection) as queries:
        report = _report(params)
    return report, len(queries)


def test_after_a_change_a_worker_makes_the_figures_so_the_reader_finds_them_kept(
    example, django_capture_on_commit_callbacks
):
    one = example["contracts"][0]
    assert _report()["totals"]["value"] == 500000  # now kept
    ContractFactory(value=Decimal("1000"), starts_on=one.starts_on, ends_on=one.ends_on)
    # Celery runs eagerly here, as a worker would run the queued task after the commit.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        spend.forget_figures()
    assert len(callbacks) == 1
    report, queries = _figures_queries()
    assert report["totals"]["value"] == 501000  # the change, made by the worker
    assert queries == 0  # the reader made nothing
    # A filtered page is still made by its first reader, from the rows as they are now.
    report, queries = _figures_queries({"year_to": "2025"})
    assert report["totals"]["value"] == 401000
    assert queries > 0


def test_the_worker_keeps_nothing_once_a_later_change_has_moved_the_generation_on(example):
    from django.core.cache import cache

    generation = cache.get(spend.GENERATION)
    spend.drop_figures()  # as a later change does
    assert not spend.keep_figures(generation)
    assert _figures_queries()[1] > 0  # nothing was kept: the reader makes them
    assert spend.keep_figures(generation + 1)
    report, queries = _figures_queries()
    assert (report["totals"]["value"], queries) == (500000, 0)


def test_the_periodic_refresh_keeps_the_current_figures(example):
    assert spend.keep_figures()
    report, queries = _figures_queries()
    assert (report["totals"]["value"], queries) == (500000, 0)


def test_the_figures_are_made_again_before_they_lapse():
    from celery.schedules import crontab
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["keep-spend-figures"]
    assert entry["task"] == "commissioning.tasks.keep_spend_figures"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    # Every few minutes, on minutes that divide the hour evenly, so no gap is longer.
    minutes = sorted(schedule.minute)
    gaps = [b - a for a, b in zip(minutes, [*minutes[1:], minutes[0] + 60], strict=True)]
    assert max(gaps) * 60 < spend.FIGURES_KEPT_FOR_SECONDS


def test_a_change_is_not_failed_when_its_figures_cannot_be_made(
    example, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import DatabaseError

    def broken(contracts):
        raise DatabaseError("the aggregate failed")

    monkeypatch.setattr(spend, "_figures", broken)
    with django_capture_on_commit_callbacks(execute=True):
        spend.forget_figures()  # the worker's task fails, and is logged, not raised
    monkeypatch.undo()
    assert _report()["totals"]["value"] == 500000  # the reader makes them


def test_the_page_keeps_its_rendering_only_as_long_as_the_figures(
    client, example, django_capture_on_commit_callbacks
):
    url = reverse("commissioning:spend")
    one = example["contracts"][0]
    assert "£500,000" in client.get(url).content.decode()
    ContractFactory(value=Decimal("1000"), starts_on=one.starts_on, ends_on=one.ends_on)
    assert "£500,000" in client.get(url).content.decode()  # kept, and its rendering
    # Other filters have figures and a rendering of their own.
    assert "£401,000" in client.get(url, {"year_to": "2025"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        spend.forget_figures()
    page = client.get(url).content.decode()
    assert "£501,000" in page and "£500,000" not in page
