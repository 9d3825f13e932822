"""The performance pages: history, adding a KPI, the returns form (a batch), rating
(commissioning.views.performance); commissioners and the suppliers' members only."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from commissioning.models import Frequency, Kpi, KpiReturn, PerformanceRating
from tests.commissioning.factories import (
    ContractFactory,
    KpiFactory,
    commissioner_of,
    supplier_member,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
AUGUST = datetime.datetime(2026, 8, 3, 10, tzinfo=LONDON)


@pytest.fixture
def contract(time_machine):
    time_machine.move_to(AUGUST, tick=False)
    return ContractFactory(title="Befriending older people")


@pytest.fixture
def kpi(contract):
    return KpiFactory(
        contract=contract, name="Home visits", unit="visits", frequency=Frequency.QUARTERLY
    )


def url(name, contract):
    return reverse(f"commissioning:{name}", args=[contract.reference])


@pytest.fixture
def as_supplier(client, contract):
    client.force_login(supplier_member(contract))
    return client


@pytest.fixture
def as_commissioner(client, contract):
    client.force_login(commissioner_of(contract))
    return client


PAGES = ["contract_performance", "add_kpi", "submit_returns", "rate_performance"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", ["member", "other_member", "commissioner"])
def test_outsiders_get_404(request, contract, name, persona):
    # ``commissioner`` commissions for another publisher.
    client = request.getfixturevalue(persona)
    assert client.get(url(name, contract)).status_code == 404


def test_a_visitor_is_asked_to_sign_in(visitor, contract):
    response = visitor.get(url("contract_performance", contract))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_suppliers_may_not_rate_nor_add_kpis_and_commissioners_submit_no_returns(
    as_supplier, contract
):
    assert as_supplier.get(url("rate_performance", contract)).status_code == 404
    assert as_supplier.get(url("add_kpi", contract)).status_code == 404


def test_a_commissioner_adds_a_kpi(as_commissioner, contract):
    response = as_commissioner.post(
        url("add_kpi", contract),
        {
            "name": "People supported",
            "target": "120",
            "unit": "people",
            "higher_is_better": "on",
            "frequency": "monthly",
            "days_to_report": "15",
        },
    )
    assert response.status_code == 302
    kpi = Kpi.objects.get(contract=contract)
    assert (kpi.target, kpi.frequency, kpi.days_to_report) == (120, "monthly", 15)
    assert as_commissioner.get(url("submit_returns", contract)).status_code == 404


def test_a_bad_kpi_is_refused_with_messages(as_commissioner, contract):
    response = as_commissioner.post(url("add_kpi", contract), {"target": "lots"})
    page = response.content.decode()
    assert "Enter the indicator" in page and "Enter the target as a number" in page


def test_the_returns_form_lists_started_periods_and_saves_good_rows_listing_bad_ones(
    as_supplier, contract, kpi
):
    other = KpiFactory(contract=contract, name="Volunteer hours", unit="hours")
    form = as_supplier.get(url("submit_returns", contract)).content.decode()
    # Two quarters have started by August: April–June (due 20 July, overdue) and July–.
    assert f'name="value-{kpi.pk}-2026-04-01"' in form
    assert f'name="value-{kpi.pk}-2026-07-01"' in form
    assert f'name="value-{kpi.pk}-2026-10-01"' not in form
    assert "Overdue" in form
    response = as_supplier.post(
        url("submit_returns", contract),
        {
            f"value-{kpi.pk}-2026-04-01": "140",
            f"commentary-{kpi.pk}-2026-04-01": "Summer outreach",
            f"value-{other.pk}-2026-04-01": "a lot",
            f"commentary-{other.pk}-2026-04-01": "Keep this text",
            f"value-{kpi.pk}-2026-10-01": "5",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Some returns were not saved" in page
    assert "Enter the figure as a number, like 85 or 12.5" in page
    assert "has not started yet" in page
    assert 'value="a lot"' in page and "Keep this text" in page
    saved = KpiReturn.objects.get()
    assert (saved.kpi, saved.value, saved.late) == (kpi, Decimal(140), True)
    assert saved.commentary == "Summer outreach"


def test_all_good_rows_go_back_to_the_history(as_supplier, contract, kpi):
    response = as_supplier.post(
        url("submit_returns", contract), {f"value-{kpi.pk}-2026-07-01": "30"}
    )
    assert response.status_code == 302
    history = as_supplier.get(url("contract_performance", contract)).content.decode()
    assert "30 visits" in history and "Missing" in history  # April–June has none


def test_a_commissioner_rates_an_ended_period_and_both_see_the_history(
    as_commissioner, contract, kpi, mailoutbox, django_capture_on_commit_callbacks
):
    member = supplier_member(contract)
    form = as_commissioner.get(url("rate_performance", contract)).content.decode()
    assert "1 April 2026 to 30 June 2026" in form
    assert "1 July 2026" not in form  # still running
    with django_capture_on_commit_callbacks(execute=True):
        response = as_commissioner.post(
            url("rate_performance", contract),
            {
                "period": "2026-04-01",
                "rating": "requires_improvement",
                "comment": "Visits fell behind.",
            },
        )
    assert response.status_code == 302
    assert PerformanceRating.objects.get().rating == "requires_improvement"
    assert mailoutbox[0].to == [member.email]
    as_commissioner.force_login(member)
    history = as_commissioner.get(url("contract_performance", contract)).content.decode()
    assert "Requires improvement" in history and "Visits fell behind." in history


def test_a_rating_without_a_comment_is_refused(as_commissioner, contract, kpi):
    response = as_commissioner.post(
        url("rate_performance", contract), {"period": "2026-04-01", "rating": "good"}
    )
    assert "Write a comment for the supplier" in response.content.decode()
    assert not PerformanceRating.objects.exists()


def test_with_no_period_ended_there_is_nothing_to_rate(as_commissioner, contract, time_machine):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 10, tzinfo=LONDON), tick=False)
    as_commissioner.force_login(commissioner_of(contract))
    page = as_commissioner.get(url("rate_performance", contract)).content.decode()
    assert "No period is waiting for a rating" in page


def test_ratings_show_on_the_contract_page_to_everyone_but_their_comments_do_not(
    client, contract, kpi
):
    from commissioning.actions.performance import rate_period

    rate_period(
        contract=contract,
        by=commissioner_of(contract),
        period_start=datetime.date(2026, 4, 1),
        rating="inadequate",
        comment="No visits recorded.",
        notify=False,
    )
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "Inadequate" in page
    assert "No visits recorded" not in page
    client.force_login(supplier_member(contract))
    assert "Inadequate" in client.get(contract.get_absolute_url()).content.decode()
