from django import template

from portal import formats

register = template.Library()


@register.filter
def moment_in_words(moment):
    """``{{ deadline|moment_in_words }}``: see ``portal.formats.moment_in_words``."""
    return formats.moment_in_words(moment) if moment else ""


@register.filter
def date_in_words(day):
    """``{{ day|date_in_words }}``: ``2 March 2026``."""
    return formats.date_in_words(day) if day else ""
