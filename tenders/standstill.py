"""The standstill before a contract is entered into (Procurement Act 2023, section 51).

Section 51 says the mandatory standstill period is 8 working days *beginning with*
the day the contract award notice is published: the day of publication is the
first of the 8 if it is itself a working day. A notice published on a weekend or
a bank holiday starts the count on the next working day. The standstill ends at
midnight at the end of the 8th working day, and only then may the contract be
entered into. An authority may choose a longer standstill, never a shorter one.

A working day is any day but a Saturday, a Sunday or a bank holiday in England
and Wales (Christmas Day and Good Friday among them). Days are counted on
London's clock, whatever the server's: a notice sent at 11:30pm UTC on a summer
evening is published on the next day in London, and midnight in London is 11pm
UTC in summer and 00:00 UTC in winter.

Bank holidays come from the ``holidays`` package, which works them out for any
year from the rules (substitute days included) and lists the one-off days
proclaimed so far, such as 19 September 2022 and 8 May 2023. A day proclaimed
later reaches the portal when the package is upgraded. Wales keeps England's bank
holidays, so England's list serves both (``tests/tenders/test_standstill.py`` checks).
"""

import datetime
import functools

import holidays
from django.utils import timezone

from portal.formats import LONDON

MINIMUM_WORKING_DAYS = 8

_ONE_DAY = datetime.timedelta(days=1)


@functools.cache
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    """England and Wales's bank holidays in ``year``, worked out once per year:
    the standstill is counted on pages as well as in actions."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    """Whether ``day`` is a working day: not a Saturday, Sunday or bank holiday
    in England and Wales."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The ``n``-th working day after ``day`` (``day`` itself is not counted)."""
    while n > 0:
        day += _ONE_DAY
        if is_working_day(day):
            n -= 1
    return day


def standstill_last_day(
    sent_at: datetime.datetime, working_days: int = MINIMUM_WORKING_DAYS
) -> datetime.date:
    """The last working day of a standstill whose contract award notice was
    published at ``sent_at`` (an aware datetime). Pages say the standstill ends
    "at midnight at the end of" this day: the end instant written in words would
    read as midnight on the day after, which people take for a day later.

    Raises ``ValueError`` for fewer than the 8 working days the Act requires.
    """
    if working_days < MINIMUM_WORKING_DAYS:
        raise ValueError(
            f"A standstill must be at least {MINIMUM_WORKING_DAYS} working days "
            "(Procurement Act 2023, section 51)."
        )
    published_on = timezone.localtime(sent_at, LONDON).date()
    # Counting after the day before publication counts the day of publication
    # itself, as "beginning with" requires, whenever it is a working day.
    return add_working_days(published_on - _ONE_DAY, working_days)


def standstill_ends_at(
    sent_at: datetime.datetime, working_days: int = MINIMUM_WORKING_DAYS
) -> datetime.datetime:
    """The instant the standstill ends: midnight in London at the end of its last
    working day, as an aware datetime. The contract may be entered into from then.

    Raises ``ValueError`` for fewer than the 8 working days the Act requires.
    """
    last_day = standstill_last_day(sent_at, working_days)
    # Midnight is never skipped or repeated in London (the clocks change at 1am
    # UTC), so the zone gives the right offset on either side of a change.
    return datetime.datetime.combine(last_day + _ONE_DAY, datetime.time(0), tzinfo=LONDON)


def working_days_left(ends_at: datetime.datetime, now: datetime.datetime | None = None) -> int:
    """How many of a standstill's working days are not yet over at ``now``
    (default: the present), for "3 working days left": today counts while it
    lasts, and 0 once ``ends_at`` has passed."""
    now = now or timezone.now()
    if now >= ends_at:
        return 0
    day = timezone.localtime(now, LONDON).date()
    last_day = timezone.localtime(ends_at - datetime.timedelta(microseconds=1), LONDON).date()
    left = 0
    while day <= last_day:
        left += is_working_day(day)
        day += _ONE_DAY
    return left
