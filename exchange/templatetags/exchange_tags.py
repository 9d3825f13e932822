from django import template

from exchange import formats

register = template.Library()


@register.filter
def amount(quantity, unit):
    """``{{ need.quantity|amount:need.unit }}``: "7 hours", "1 place"."""
    return formats.amount(quantity, unit)
