"""Dates and times written the way GOV.UK writes them.

The one place a date or a time of day is put into words: templates use the filters in
``portal.templatetags.portal_formats``, Python code these functions, and no
page or email formats a date or time itself (``tests/portal/test_formats.py`` looks).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

# Deadlines are shown in UK time, whatever zone the server runs in.
LONDON = ZoneInfo("Europe/London")


def time_in_words(local):
    """``midday``, ``midnight``, ``5pm`` or ``5:30pm``: no ``:00``, no 24-hour clock."""
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    hour = local.hour % 12 or 12
    minutes = f":{local:%M}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def moment_in_words(moment, *, say_uk_time=True):
    """A deadline as people read it: ``midday on Monday 2 March 2026 (UK time)``.

    Always in Europe/London, whatever the server's clock says, and never a bare
    date: a deadline is an instant. ``say_uk_time=False`` leaves off
    ``(UK time)``, for a page that says it once.
    """
    local = timezone.localtime(moment, LONDON)
    words = f"{time_in_words(local)} on {day_in_words(local)}"
    return f"{words} (UK time)" if say_uk_time else words


def _in_london(day):
    """An aware datetime as London's clock shows it; a date or naive datetime as it is."""
    if isinstance(day, datetime) and timezone.is_aware(day):
        return timezone.localtime(day, LONDON)
    return day


def day_in_words(day):
    """``Monday 2 March 2026``: a date with its day of the week (a moment's day in London)."""
    day = _in_london(day)
    return f"{day:%A} {date_in_words(day)}"


def date_in_words(day):
    """``2 March 2026``: a date without a leading zero, as GOV.UK writes it.

    Given an aware datetime, the date it was in London: 11pm UTC in summer is
    already the next day there.
    """
    day = _in_london(day)
    return f"{day.day} {day:%B %Y}"
