"""Template helpers for showing a tender's evaluation method.

``{% public_method opportunity as method %}`` lets the opportunity's page show
the method without the opportunities app importing tenders: the dependency
points from tenders to opportunities, and a template include crosses it.
"""

from decimal import Decimal

from django import template
from django.core.exceptions import ObjectDoesNotExist

from tenders.summary import method_summary

register = template.Library()


@register.filter
def percent(value):
    """``Decimal("20.00")`` → ``20%``, ``Decimal("12.50")`` → ``12.5%``."""
    if value in (None, ""):
        return ""
    return f"{Decimal(value).normalize():f}%"


@register.filter
def number(value):
    """``Decimal("1200.00")`` → ``1,200``: no trailing zeros, never an exponent."""
    if value in (None, ""):
        return ""
    text = f"{Decimal(value).normalize():f}"
    whole, _, fraction = text.partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


@register.simple_tag
def public_method(opportunity):
    """The published method of ``opportunity``'s tender, or ``None`` when it has no tender
    or is not published. Three queries at most."""
    if opportunity.published_at is None:
        return None
    try:
        tender = opportunity.tender
    except ObjectDoesNotExist:
        return None
    return method_summary(tender)
