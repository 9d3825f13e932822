"""KPIs, returns (batch, late, corrections, refusals) and ratings
(commissioning.actions.performance)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from commissioning.actions import performance as actions
from commissioning.actions.performance import ReturnRow
from commissioning.models import Frequency, KpiReturn, KpiReturnCorrection, Rating
from tests.commissioning.factories import (
    ContractFactory,
    KpiFactory,
    commissioner_of,
    supplier_member,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# The contract runs from 1 April 2026 for two years; quarterly KPIs, 20 days to report.
Q1 = datetime.date(2026, 4, 1)
Q2 = datetime.date(2026, 7, 1)
Q3 = datetime.date(2026, 10, 1)


def at(day, hour=12):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


@pytest.fixture
def contract():
    return ContractFactory()


@pytest.fixture
def kpi(contract):
    return KpiFactory(contract=contract, frequency=Frequency.QUARTERLY, days_to_report=20)


@pytest.fixture
def supplier(contract):
    return supplier_member(contract)


@pytest.fixture
def commissioner(contract):
    return commissioner_of(contract)


def test_a_commissioner_adds_a_kpi(contract, commissioner):
    kpi = actions.add_kpi(
        contract=contract,
        by=commissioner,
        name=" Waiting days ",
        target=Decimal("10"),
        unit="days",
        higher_is_better=False,
        frequency=Frequency.MONTHLY,
        days_to_report=15,
    )
    assert (kpi.name, kpi.higher_is_better, kpi.frequency) == ("Waiting days", False, "monthly")


def test_only_the_publishers_commissioners_add_kpis(contract, supplier):
    with pytest.raises(PermissionError):
        actions.add_kpi(
            contract=contract, by=supplier, name="x", target=1, unit="y", frequency="monthly"
        )


def test_a_kpi_needs_a_name_unit_and_frequency(contract, commissioner):
    with pytest.raises(ValidationError) as error:
        actions.add_kpi(
            contract=contract, by=commissioner, name=" ", target=1, unit="", frequency="daily"
        )
    assert set(error.value.message_dict) == {"name", "unit", "frequency"}


def test_an_on_time_return_is_saved_not_late(kpi, supplier):
    saved = actions.submit_return(
        row=ReturnRow(kpi, Q1, "1,234.5", " Good quarter "),
        by=supplier,
        now=at(datetime.date(2026, 7, 20)),
    )
    assert saved.value == Decimal("1234.5") and not saved.late
    assert saved.commentary == "Good quarter" and saved.submitted_by == supplier


def test_a_return_after_the_due_date_is_accepted_and_marked_late(kpi, supplier):
    saved = actions.submit_return(
        row=ReturnRow(kpi, Q1, "90"), by=supplier, now=at(datetime.date(2026, 7, 21))
    )
    assert saved.late


def test_a_return_for_a_period_not_yet_started_is_refused(kpi, supplier):
    with pytest.raises(ValidationError) as error:
        actions.submit_return(
            row=ReturnRow(kpi, Q3, "90"), by=supplier, now=at(datetime.date(2026, 9, 30))
        )
    assert error.value.messages == ["The period starting 1 October 2026 has not started yet"]
    assert not KpiReturn.objects.exists()


def test_a_return_for_a_day_that_starts_no_period_is_refused(kpi, supplier):
    with pytest.raises(ValidationError) as error:
        actions.submit_return(
            row=ReturnRow(kpi, datetime.date(2026, 4, 2), "1"),
            by=supplier,
            now=at(datetime.date(2026, 9, 30)),
        )
    assert "not one of this indicator's reporting periods" in error.value.messages[0]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("lots", "Enter the figure as a number, like 85 or 12.5"),
        ("NaN", "Enter the figure as a number, like 85 or 12.5"),
        ("1e20", "Enter the figure as a number, like 85 or 12.5"),
        ("1.234", "Enter the figure to at most two decimal places"),
    ],
)
def test_a_figure_that_is_not_a_number_is_refused(kpi, supplier, typed, message):
    with pytest.raises(ValidationError) as error:
        actions.submit_return(
            row=ReturnRow(kpi, Q1, typed), by=supplier, now=at(datetime.date(2026, 7, 1))
        )
    assert error.value.messages == [message]


def test_only_the_suppliers_members_submit_returns(kpi):
    with pytest.raises(PermissionError):
        actions.submit_return(row=ReturnRow(kpi, Q1, "1"), by=UserFactory())


def test_a_batch_saves_the_good_rows_and_lists_the_bad(contract, kpi, supplier):
    other = KpiFactory(contract=contract, name="Visits", unit="visits")
    foreign = KpiFactory()
    saved, errors = actions.submit_returns(
        contract=contract,
        rows=[
            ReturnRow(kpi, Q1, "95"),
            ReturnRow(other, Q1, "many"),
            ReturnRow(other, Q3, "5"),
            ReturnRow(kpi, Q2, "101"),
            ReturnRow(foreign, Q1, "1"),
        ],
        by=supplier,
        now=at(datetime.date(2026, 8, 1)),
    )
    assert [(r.kpi, r.period_start) for r in saved] == [(kpi, Q1), (kpi, Q2)]
    assert set(errors) == {1, 2, 4}
    assert errors[1] == "Enter the figure as a number, like 85 or 12.5"
    assert "has not started yet" in errors[2]
    assert KpiReturn.objects.count() == 2


def test_a_return_is_corrected_until_rated_and_the_old_figure_kept(
    contract, kpi, supplier, commissioner
):
    first = actions.submit_return(
        row=ReturnRow(kpi, Q1, "80"), by=supplier, now=at(datetime.date(2026, 7, 5))
    )
    corrected = actions.submit_return(
        row=ReturnRow(kpi, Q1, "85", "Recount"), by=supplier, now=at(datetime.date(2026, 7, 6))
    )
    assert corrected.pk == first.pk and corrected.value == 85
    correction = KpiReturnCorrection.objects.get()
    assert correction.old_value == 80 and correction.corrected_by == supplier
    # The same figure again is no correction.
    actions.submit_return(
        row=ReturnRow(kpi, Q1, "85", "Recount"), by=supplier, now=at(datetime.date(2026, 7, 7))
    )
    assert KpiReturnCorrection.objects.count() == 1
    actions.rate_period(
        contract=contract,
        by=commissioner,
        period_start=Q1,
        rating=Rating.GOOD,
        comment="On target.",
        now=at(datetime.date(2026, 7, 25)),
    )
    with pytest.raises(ValidationError) as error:
        actions.submit_return(
            row=ReturnRow(kpi, Q1, "99"), by=supplier, now=at(datetime.date(2026, 7, 26))
        )
    assert "can no longer be corrected" in error.value.messages[0]
    first.refresh_from_db()
    assert first.value == 85


def test_rating_a_period_emails_the_suppliers_members(
    contract, kpi, supplier, commissioner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rating = actions.rate_period(
            contract=contract,
            by=commissioner,
            period_start=Q1,
            rating=Rating.REQUIRES_IMPROVEMENT,
            comment="Too few home visits in June.",
            now=at(datetime.date(2026, 7, 10)),
        )
    assert (rating.period_start, rating.period_end) == (Q1, datetime.date(2026, 6, 30))
    [email] = mailoutbox
    assert email.to == [supplier.email]
    assert "Requires improvement" in email.subject
    assert "Too few home visits in June." in email.body


@pytest.mark.parametrize(
    ("period_start", "rating", "comment", "field"),
    [
        (Q2, Rating.GOOD, "Fine.", "period"),  # not ended yet
        (datetime.date(2026, 4, 2), Rating.GOOD, "Fine.", "period"),  # not a period
        (Q1, "splendid", "Fine.", "rating"),
        (Q1, Rating.GOOD, "  ", "comment"),
    ],
)
def test_a_rating_is_refused_with_the_reason(
    contract, kpi, commissioner, period_start, rating, comment, field
):
    with pytest.raises(ValidationError) as error:
        actions.rate_period(
            contract=contract,
            by=commissioner,
            period_start=period_start,
            rating=rating,
            comment=comment,
            now=at(datetime.date(2026, 8, 1)),
        )
    assert list(error.value.message_dict) == [field]


def test_a_period_is_rated_once_and_only_by_commissioners(contract, kpi, commissioner, supplier):
    rate = {"period_start": Q1, "rating": Rating.GOOD, "comment": "Fine.", "notify": False}
    with pytest.raises(PermissionError):
        actions.rate_period(contract=contract, by=supplier, **rate)
    actions.rate_period(contract=contract, by=commissioner, **rate)
    with pytest.raises(ValidationError) as error:
        actions.rate_period(contract=contract, by=commissioner, **rate)
    assert error.value.message_dict == {"period": ["This period has already been rated"]}


def test_rating_periods_follow_the_most_frequent_kpi(contract):
    assert actions.rating_periods(contract)[0].end == datetime.date(2026, 6, 30)
    KpiFactory(contract=contract, frequency=Frequency.YEARLY)
    assert actions.rating_periods(contract)[0].end == datetime.date(2027, 3, 31)
    KpiFactory(contract=contract, frequency=Frequency.MONTHLY)
    assert actions.rating_periods(contract)[0].end == datetime.date(2026, 4, 30)
