"""Quantities of help in words: "7 hours", "2.5 hours", "1 place"."""

from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma

from exchange.models import Unit

_SINGULAR = {Unit.HOURS: "hour", Unit.ITEMS: "item", Unit.PLACES: "place"}


def number(quantity):
    """``7`` for 7.00, ``2.5`` for 2.50, ``1,200`` for 1200: no needless decimals."""
    quantity = Decimal(quantity)
    text = f"{quantity.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    whole, _dot, fraction = text.partition(".")
    return intcomma(int(whole)) + (f".{fraction}" if fraction else "")


def amount(quantity, unit):
    """``quantity`` with its unit, singular for exactly one."""
    unit = Unit(unit)
    word = _SINGULAR[unit] if Decimal(quantity) == 1 else unit.label
    return f"{number(quantity)} {word}"
