"""The standstill of Procurement Act 2023 section 51, counted on London's calendar.

Every expected date below was worked out by hand against the calendar for that
month: the day the notice is published is day 1 when it is a working day.
"""

import re
from datetime import UTC, date, datetime, timedelta

import holidays
import pytest

from portal.formats import LONDON
from tenders.standstill import (
    add_working_days,
    is_working_day,
    standstill_ends_at,
    standstill_last_day,
    working_days_left,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2027, 2, 3), True),  # an ordinary Wednesday
        (date(2027, 2, 6), False),  # Saturday
        (date(2027, 2, 7), False),  # Sunday
        (date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 5, 3), False),  # early May bank holiday
        (date(2027, 5, 31), False),  # spring bank holiday
        (date(2027, 8, 30), False),  # summer bank holiday
        (date(2027, 12, 27), False),  # for Christmas Day, a Saturday
        (date(2027, 12, 28), False),  # for Boxing Day, a Sunday
        (date(2027, 12, 31), True),  # New Year's Eve, a Friday
        (date(2028, 1, 3), False),  # for New Year's Day, a Saturday
        (date(2022, 9, 19), False),  # the Queen's state funeral
        (date(2023, 5, 8), False),  # the King's coronation
        (date(2040, 3, 30), False),  # Good Friday, years ahead
        (date(2049, 12, 28), False),  # for Boxing Day 2049, a Sunday
        # Bank holidays only in Scotland or Northern Ireland are working days here.
        (date(2027, 3, 17), True),  # St Patrick's Day
        (date(2027, 8, 2), True),  # Scotland's summer bank holiday
        (date(2027, 11, 30), True),  # St Andrew's Day
    ],
)
def test_a_working_day_is_not_a_weekend_or_an_england_and_wales_bank_holiday(day, working):
    assert is_working_day(day) is working


def test_wales_has_the_same_bank_holidays_as_england():
    """The module reads England's list for both: this fails if the two ever part."""
    for year in range(2025, 2076):
        england = holidays.country_holidays("GB", subdiv="ENG", years=year)
        wales = holidays.country_holidays("GB", subdiv="WLS", years=year)
        assert set(england) == set(wales), year


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2027, 2, 3), 8, date(2027, 2, 15)),  # over one weekend, the Wednesday not counted
        (date(2027, 3, 25), 1, date(2027, 3, 30)),  # over Easter
        (date(2027, 12, 24), 1, date(2027, 12, 29)),  # over Christmas's substitute days
    ],
)
def test_add_working_days_counts_the_days_after(day, n, expected):
    assert add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("sent_at", "last_day", "ends_at"),
    [
        pytest.param(
            datetime(2027, 2, 3, 10, 0, tzinfo=UTC),
            date(2027, 2, 12),
            datetime(2027, 2, 13, 0, 0, tzinfo=UTC),
            id="Wednesday: counts itself and runs over a weekend to Friday",
        ),
        pytest.param(
            datetime(2027, 3, 23, 10, 0, tzinfo=UTC),
            date(2027, 4, 5),
            datetime(2027, 4, 5, 23, 0, tzinfo=UTC),
            id="Easter: skips Good Friday and Easter Monday",
        ),
        pytest.param(
            datetime(2027, 5, 25, 9, 0, tzinfo=UTC),
            date(2027, 6, 4),
            datetime(2027, 6, 4, 23, 0, tzinfo=UTC),
            id="late May: skips the spring bank holiday",
        ),
        pytest.param(
            datetime(2027, 12, 22, 14, 0, tzinfo=UTC),
            date(2028, 1, 5),
            datetime(2028, 1, 6, 0, 0, tzinfo=UTC),
            id="Christmas and New Year: skips 27, 28 December and 3 January",
        ),
        pytest.param(
            datetime(2027, 2, 6, 12, 0, tzinfo=UTC),
            date(2027, 2, 17),
            datetime(2027, 2, 18, 0, 0, tzinfo=UTC),
            id="sent on a Saturday: counting starts on Monday",
        ),
        pytest.param(
            datetime(2027, 3, 29, 11, 0, tzinfo=UTC),
            date(2027, 4, 8),
            datetime(2027, 4, 8, 23, 0, tzinfo=UTC),
            id="sent on Easter Monday: counting starts on Tuesday",
        ),
    ],
)
def test_a_standstill_ends_at_midnight_after_its_8th_working_day(sent_at, last_day, ends_at):
    assert standstill_last_day(sent_at) == last_day
    assert standstill_ends_at(sent_at) == ends_at


def test_a_standstill_into_summer_time_ends_at_11pm_utc():
    """Sent in winter on Thursday 18 March 2027; the clocks go forward on Sunday 28
    March; the 8th working day (after Good Friday and Easter Monday) is Wednesday 31."""
    ends_at = standstill_ends_at(datetime(2027, 3, 18, 10, 0, tzinfo=LONDON))

    assert ends_at == datetime(2027, 3, 31, 23, 0, tzinfo=UTC)
    assert ends_at.astimezone(LONDON).replace(tzinfo=None) == datetime(2027, 4, 1, 0, 0)
    assert ends_at.utcoffset() == timedelta(hours=1)


def test_a_standstill_into_winter_time_ends_at_midnight_utc():
    """Sent in summer time on Monday 25 October 2027; the clocks go back on Sunday 31
    October; the 8th working day is Wednesday 3 November."""
    ends_at = standstill_ends_at(datetime(2027, 10, 25, 10, 0, tzinfo=LONDON))

    assert ends_at == datetime(2027, 11, 4, 0, 0, tzinfo=UTC)
    assert ends_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("sent_at", "last_day"),
    [
        pytest.param(
            datetime(2027, 6, 2, 22, 30, tzinfo=UTC),
            date(2027, 6, 11),
            id="22:30 UTC in summer is 11:30pm Wednesday in London",
        ),
        pytest.param(
            datetime(2027, 6, 2, 23, 30, tzinfo=UTC),
            date(2027, 6, 14),
            id="23:30 UTC in summer is already Thursday in London",
        ),
        pytest.param(
            datetime(2027, 2, 3, 23, 30, tzinfo=UTC),
            date(2027, 2, 12),
            id="23:30 UTC in winter is still Wednesday in London",
        ),
    ],
)
def test_the_day_of_publication_is_london_s_date(sent_at, last_day):
    assert standstill_last_day(sent_at) == last_day


def test_a_longer_standstill_is_allowed():
    ends_at = standstill_ends_at(datetime(2027, 2, 3, 10, 0, tzinfo=UTC), working_days=10)

    assert ends_at == datetime(2027, 2, 17, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("working_days", [7, 0])
def test_a_standstill_shorter_than_8_working_days_is_refused(working_days):
    message = "A standstill must be at least 8 working days (Procurement Act 2023, section 51)."
    with pytest.raises(ValueError, match=re.escape(message)):
        standstill_ends_at(datetime(2027, 2, 3, 10, 0, tzinfo=UTC), working_days=working_days)


# Sent on Saturday 6 February 2027: the standstill runs Monday 8 to Wednesday 17
# February and ends at midnight going into Thursday 18, a working day.
SATURDAY = datetime(2027, 2, 6, 12, 0, tzinfo=UTC)
# Sent on Wednesday 3 February 2027: that day is the first of the 8.
WEDNESDAY = datetime(2027, 2, 3, 10, 0, tzinfo=UTC)
# Sent on Easter Monday 2027: the standstill runs Tuesday 30 March to Thursday 8
# April and ends at midnight in London going into Friday 9, 11pm UTC on the 8th.
EASTER_MONDAY = datetime(2027, 3, 29, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sent_at", "now", "left"),
    [
        (SATURDAY, "2027-02-06 12:00:00+00:00", 8),  # the Saturday is not counted
        (WEDNESDAY, "2027-02-03 10:00:00+00:00", 8),  # the Wednesday is day 1
        (SATURDAY, "2027-02-13 12:00:00+00:00", 3),  # a Saturday: 15, 16 and 17 remain
        (SATURDAY, "2027-02-15 09:00:00+00:00", 3),  # Monday 15: today counts
        (SATURDAY, "2027-02-17 23:59:00+00:00", 1),  # the last minute of the last day
        (SATURDAY, "2027-02-18 00:00:00+00:00", 0),  # over
        (EASTER_MONDAY, "2027-04-07 23:30:00+00:00", 1),  # already Thursday in London
        (EASTER_MONDAY, "2027-04-08 22:59:00+00:00", 1),  # 11:59pm Thursday in London
        (EASTER_MONDAY, "2027-04-08 23:00:00+00:00", 0),  # midnight in London
    ],
)
def test_working_days_left_counts_today_while_it_lasts(time_machine, sent_at, now, left):
    ends_at = standstill_ends_at(sent_at)
    time_machine.move_to(now, tick=False)

    assert working_days_left(ends_at) == left
