"""Reporting periods (commissioning.periods): month ends, leap years, the last partial
period, due dates."""

from datetime import date

from commissioning.models import Frequency
from commissioning.periods import add_months, ends_after, period_starting, periods, started_periods


def spans(found):
    return [(p.start, p.end) for p in found]


def test_quarters_from_the_first_of_april():
    found = periods(date(2026, 4, 1), date(2027, 3, 31), Frequency.QUARTERLY)
    assert spans(found) == [
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 10, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 3, 31)),
    ]
    assert [p.number for p in found] == [1, 2, 3, 4]


def test_a_start_on_the_31st_keeps_to_month_ends_without_drifting():
    found = periods(date(2027, 1, 31), date(2027, 5, 30), Frequency.MONTHLY)
    assert [p.start for p in found] == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
    ]
    assert found[0].end == date(2027, 2, 27)
    assert found[1].end == date(2027, 3, 30)


def test_leap_years():
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    found = periods(date(2028, 2, 29), date(2030, 2, 27), Frequency.YEARLY)
    assert spans(found) == [
        (date(2028, 2, 29), date(2029, 2, 27)),
        (date(2029, 2, 28), date(2030, 2, 27)),
    ]


def test_the_last_partial_period_ends_on_the_contracts_last_day():
    found = periods(date(2026, 4, 1), date(2026, 11, 15), Frequency.QUARTERLY)
    assert found[-1].start == date(2026, 10, 1) and found[-1].end == date(2026, 11, 15)
    assert len(found) == 3


def test_half_yearly_and_a_contract_shorter_than_one_period():
    assert spans(periods(date(2026, 4, 1), date(2026, 5, 31), Frequency.HALF_YEARLY)) == [
        (date(2026, 4, 1), date(2026, 5, 31))
    ]


def test_a_term_in_months_ends_the_day_before_its_anniversary():
    assert ends_after(date(2026, 4, 1), 24) == date(2028, 3, 31)
    assert ends_after(date(2026, 1, 31), 1) == date(2026, 2, 27)


def test_due_date_and_started_periods():
    start, end = date(2026, 4, 1), date(2027, 3, 31)
    first = period_starting(start, end, Frequency.QUARTERLY, date(2026, 4, 1))
    assert first.due_on(20) == date(2026, 7, 20)
    assert period_starting(start, end, Frequency.QUARTERLY, date(2026, 4, 2)) is None
    assert period_starting(start, end, Frequency.QUARTERLY, date(2027, 4, 1)) is None
    assert len(started_periods(start, end, Frequency.QUARTERLY, date(2026, 7, 1))) == 2
    assert len(started_periods(start, end, Frequency.QUARTERLY, date(2026, 6, 30))) == 1
