"""Filters that put dates and times into words; see ``portal.formats``.

Every time of day a page or email shows goes through ``moment_in_words``:
Django's ``|date`` with a time part and ``|time`` write "12:00 p.m." where the
rest of the portal writes "midday".
"""

from django import template

from portal import formats

register = template.Library()


@register.filter
def moment_in_words(moment, say_uk_time=True):
    """``{{ deadline|moment_in_words }}``: ``midday on Monday 2 March 2026 (UK time)``.

    ``{{ moment|moment_in_words:False }}`` leaves off ``(UK time)``, for a table
    that says it once in its heading.
    """
    return formats.moment_in_words(moment, say_uk_time=say_uk_time) if moment else ""


@register.filter
def date_in_words(day):
    """``{{ day|date_in_words }}``: ``2 March 2026`` (a moment's date in London)."""
    return formats.date_in_words(day) if day else ""


@register.filter
def day_in_words(day):
    """``{{ day|day_in_words }}``: ``Monday 2 March 2026``."""
    return formats.day_in_words(day) if day else ""
