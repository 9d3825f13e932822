"""Form fields for numbers as commissioners type them: percentages and quantities."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

PERCENT_HINT = _("For example, 20 or 20%")
THE_PERCENTAGE = _("the percentage")
_PERCENT_DECORATION = re.compile(r"[%\s]")
_QUANTITY_DECORATION = re.compile(r"[,\s]")
_FORMATTED = ("min_value", "max_value", "max_digits", "max_whole_digits", "max_decimal_places")


def plain(value):
    """``Decimal("20.00")`` → ``"20"``, ``Decimal("1200.00")`` → ``"1200"``: never ``2E+1``."""
    return None if value is None else f"{Decimal(value).normalize():f}"


class PercentField(forms.DecimalField):
    """A percentage as people type it: "20", "20%", "12.5 %".

    ``what`` names it in the error messages, as in "the weight of price".
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})

    def __init__(self, *, what=THE_PERCENTAGE, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 100)
        kwargs.setdefault("help_text", PERCENT_HINT)
        given = kwargs.get("error_messages") or {}
        super().__init__(**kwargs)
        what = str(what)
        too_big = _("%(what)s must be 100%% or less") % {"what": what[0].upper() + what[1:]}
        defaults = {
            "required": _("Enter %(what)s") % {"what": what},
            "invalid": _("Enter %(what)s as a number, like 20 or 20%%") % {"what": what},
            "min_value": _("%(what)s must be %(min)s%% or more")
            % {"what": what[0].upper() + what[1:], "min": plain(self.min_value)},
            "max_value": too_big,
            "max_digits": too_big,
            "max_whole_digits": too_big,
            "max_decimal_places": _("Use at most two decimal places, like 12.5"),
        }
        self.error_messages.update({k: v for k, v in defaults.items() if k not in given})
        # Validators format these with their limits, so a percent sign must be doubled.
        for key in _FORMATTED:
            self.error_messages[key] = str(self.error_messages[key]).replace("%", "%%")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return super().to_python(_PERCENT_DECORATION.sub("", str(value)))


class WholePercentField(forms.IntegerField):
    """A whole percentage, with or without the sign: "80" or "80%"."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return super().to_python(_PERCENT_DECORATION.sub("", str(value)))


class QuantityField(forms.DecimalField):
    """A quantity as people type it, thousands separators allowed: "1,200"."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return super().to_python(_QUANTITY_DECORATION.sub("", str(value)))
