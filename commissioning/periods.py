"""Reporting periods of a contract's KPI: pure functions of dates, nothing stored.

Periods follow from the contract's start and the KPI's frequency. Period ``n``
starts ``n × months`` after the contract's start, counted from the start each
time so that a contract starting on the 31st keeps to month ends (31 January,
28 or 29 February, 31 March…), and ends the day before the next one starts.
The last period ends on the contract's last day, even if it is shorter.
A return is due ``days_to_report`` days after its period ends.
"""

import calendar
import datetime
from dataclasses import dataclass

from commissioning.models.performance import MONTHS_IN_PERIOD

ONE_DAY = datetime.timedelta(days=1)


def add_months(day, months):
    """``day`` moved on ``months`` calendar months; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def ends_after(starts_on, months):
    """The last day of a term of ``months`` months starting on ``starts_on``."""
    return add_months(starts_on, months) - ONE_DAY


@dataclass(frozen=True)
class Period:
    number: int  # 1 for the first
    start: datetime.date
    end: datetime.date

    def due_on(self, days_to_report):
        """The last day a return for this period is on time."""
        return self.end + datetime.timedelta(days=days_to_report)

    def has_started(self, today):
        return self.start <= today


def periods(starts_on, ends_on, frequency):
    """Every reporting period from ``starts_on`` to ``ends_on`` (inclusive), in order."""
    months = MONTHS_IN_PERIOD[frequency]
    found = []
    number = 0
    while True:
        start = add_months(starts_on, number * months)
        if start > ends_on:
            return found
        end = min(add_months(starts_on, (number + 1) * months) - ONE_DAY, ends_on)
        number += 1
        found.append(Period(number=number, start=start, end=end))


def period_starting(starts_on, ends_on, frequency, period_start):
    """The period that starts on ``period_start``, or None if no period does."""
    for period in periods(starts_on, ends_on, frequency):
        if period.start == period_start:
            return period
        if period.start > period_start:
            return None
    return None


def started_periods(starts_on, ends_on, frequency, today):
    """The periods that have started by ``today``: the only ones a return may be made for."""
    return [p for p in periods(starts_on, ends_on, frequency) if p.has_started(today)]


def kpi_periods(kpi, contract=None):
    """The periods of ``kpi`` over its contract's life (ended early: to that day)."""
    contract = contract or kpi.contract
    return periods(contract.starts_on, contract.last_day, kpi.frequency)
