"""Weeks as the digest counts them: ISO weeks of the UK date."""

from datetime import UTC, date, datetime, time

import pytest

from councillors import weeks
from portal.formats import LONDON


def test_a_week_is_the_iso_week_of_the_uk_date():
    # Sunday 23:30 UTC in summer is already Monday in the UK.
    assert weeks.week_of(datetime(2026, 6, 28, 23, 30, tzinfo=UTC)) == "2026-W27"
    assert weeks.week_of(datetime(2026, 11, 29, 23, 30, tzinfo=UTC)) == "2026-W48"
    # New Year's Day 2027 is in the last week of 2026.
    assert weeks.week_of(datetime(2027, 1, 1, 12, 0, tzinfo=UTC)) == "2026-W53"
    assert weeks.monday_of(datetime(2027, 1, 1, 12, 0, tzinfo=UTC)) == date(2026, 12, 28)


def test_a_week_is_read_back_as_its_monday():
    assert weeks.parse_week("2026-W49") == date(2026, 11, 30)
    assert weeks.parse_week(" 2026-w53 ") == date(2026, 12, 28)
    assert weeks.week_name(weeks.parse_week("2026-W01")) == "2026-W01"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-49", "like 2026-W48, not “2026-49”"),
        ("week 49", "like 2026-W48"),
        ("2025-W53", "2025 has no week 53"),
        ("2026-W00", "2026 has no week 0"),
    ],
)
def test_a_badly_written_week_is_refused_saying_why(text, message):
    with pytest.raises(ValueError, match=message):
        weeks.parse_week(text)


def test_a_slot_is_the_chosen_day_and_uk_time_in_the_week():
    # Wednesday 1 April 2026, 7am: British Summer Time, so 6am UTC.
    due = weeks.slot(date(2026, 3, 30), weekday=2, send_at=time(7, 0))
    assert due == datetime(2026, 4, 1, 7, 0, tzinfo=LONDON)
    assert due.astimezone(UTC).hour == 6
