"""ISO weeks as the digest counts them: ``2026-W49``, starting on a Monday, in UK time.

A councillor gets one digest per week, so the week names the digest (in the
database, in its web address and in ``send_weekly_digest --week``), and each
councillor's chosen day and time fall somewhere in it.
"""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.formats import LONDON

WEEK = re.compile(r"(\d{4})-W(\d{1,2})")


def monday_of(moment):
    """The Monday (a date) of the week ``moment`` falls in, in UK time."""
    today = timezone.localtime(moment, LONDON).date()
    return today - datetime.timedelta(days=today.weekday())


def week_name(monday):
    """``2026-W48`` for the week of the date ``monday``."""
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_of(moment):
    """``2026-W49``: the week ``moment`` falls in, in UK time."""
    return week_name(monday_of(moment))


def parse_week(text):
    """The Monday of the week ``text`` (``2026-W48``); ``ValueError`` saying what is wrong."""
    match = WEEK.fullmatch(text.strip().upper())
    if match is None:
        raise ValueError(
            _("Give the week as the year, -W and the week number, like 2026-W48, not “%(text)s”.")
            % {"text": text}
        )
    year, week = int(match[1]), int(match[2])
    try:
        return datetime.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(
            _("%(year)s has no week %(week)s: ISO weeks run from 1 to 52, or 53 in some years.")
            % {"year": year, "week": week}
        ) from None


def slot(monday, *, weekday, send_at):
    """The moment (aware, UK time) of ``weekday`` (0 is Monday) at ``send_at`` in the week
    of ``monday``: when a councillor who chose them is due that week's digest."""
    day = monday + datetime.timedelta(days=weekday)
    return datetime.datetime.combine(day, send_at, tzinfo=LONDON)
