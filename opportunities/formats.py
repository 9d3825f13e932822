"""An opportunity's figures in words, for its page, emails and the councillors' digest."""

from django.utils.translation import gettext as _


def money(amount):
    """£1,250 or £1,250.50: pence only when there are some."""
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


def value_in_words(opportunity):
    vat = _("including VAT") if opportunity.value_includes_vat else _("excluding VAT")
    if opportunity.is_single_value:
        return f"{money(opportunity.value_high)} {vat}"
    return _("%(low)s to %(high)s %(vat)s") % {
        "low": money(opportunity.value_low),
        "high": money(opportunity.value_high),
        "vat": vat,
    }
