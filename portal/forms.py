"""What every form in the portal shares."""

import datetime as dt
import re
from decimal import Decimal

from crispy_forms_gds import helper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class FormHelper(helper.FormHelper):
    """crispy-forms-gds's helper, with ``label_size`` and ``legend_size`` working
    on forms without a layout too.

    The GDS helper turns ``Size.SMALL`` into the ``govuk-label--s`` class only
    while rendering a layout; without one the bare "s" reached the template and
    labels lost their size.
    """

    def get_attributes(self, *args, **kwargs):
        attributes = super().get_attributes(*args, **kwargs)
        if self.label_size:
            attributes["label_size"] = Size.for_label(self.label_size)
        if self.legend_size:
            attributes["legend_size"] = Size.for_legend(self.legend_size)
        return attributes


def layout_helper(*layout, submit):
    """A helper for a form laid out field by field, small labels and legends, one button.

    ``novalidate``: the server validates and reports in a GOV.UK error summary.
    """
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*layout, Submit("submit", submit))
    return helper


def add_errors(form, error):
    """Show an action's ``ValidationError`` beside the form's field of the same name."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


def _sentences(*sentences):
    *leading, last = [str(sentence) for sentence in sentences]
    return " ".join([s if s.endswith((".", "?", "!")) else f"{s}." for s in leading] + [last])


# A hint made of sentences that are translated on their own, like the shared
# DATE_HINT after a field's own advice; joined when the form is shown.
hint = lazy(_sentences, str)


# Every date box gives this example in its hint and its error, and accepts the
# same day-month-year forms.
DATE_EXAMPLE = "27/3/2027"
DATE_HINT = format_lazy(_("For example, {}"), DATE_EXAMPLE)


def date_invalid(what):
    """The error for a date box whose text is not a date: ``what`` starts it, as in
    "The date of the deadline for bids"."""
    return format_lazy(_("{} must be a real date, like {}"), what, DATE_EXAMPLE)


class DateField(forms.DateField):
    """A date typed in one box as day, month and year: 27/3/2027, 27 3 2027 or 27-3-2027.

    Django's en-GB formats take only slashes (and ISO dates); people also type
    the spaces GOV.UK's own date hints show, or dashes. Redisplayed with slashes.
    """

    input_formats = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%d/%m/%y", "%Y-%m-%d"]
    widget = forms.DateInput(format="%d/%m/%Y")
    default_error_messages = {"invalid": date_invalid(_("The date"))}

    def __init__(self, **kwargs):
        if not kwargs.get("help_text"):
            kwargs["help_text"] = DATE_HINT
        super().__init__(**kwargs)


def deadline_fields(prefix, label):
    """A date and a time field for a deadline, entered in UK time.

    Each message names the deadline, so two deadlines' errors read differently.
    """
    lower = label.lower()
    return {
        f"{prefix}_date": DateField(
            label=_("%(label)s: date") % {"label": label},
            error_messages={
                "required": _("Enter the date of the %(label)s") % {"label": lower},
                "invalid": date_invalid(_("The date of the %(label)s") % {"label": lower}),
            },
        ),
        f"{prefix}_time": forms.TimeField(
            label=_("%(label)s: time (UK time)") % {"label": label},
            help_text=_("For example, 12:00 for noon or 17:30"),
            initial=dt.time(12, 0),
            widget=forms.TimeInput(format="%H:%M", attrs={"inputmode": "numeric"}),
            error_messages={
                "required": _("Enter the time of the %(label)s, like 12:00") % {"label": lower},
                "invalid": _("The time of the %(label)s must be a real time, like 12:00 or 17:30")
                % {"label": lower},
            },
        ),
    }


MONEY_HINT = _("In pounds, like £75,000 or £60,000.50")
# What may surround the digits of an amount: a pound sign, thousands separators
# and spaces (``\s`` takes in the non-breaking ones pasted from documents too).
_MONEY_DECORATION = re.compile(r"[,\s]")
_AMOUNT = re.compile(r"(\d+(\.\d*)?|\.\d+)")


class MoneyField(forms.DecimalField):
    """An amount in pounds as people type it: "£60,000", "60,000.50", " 60 000 ".

    The pound sign, commas and spaces are dropped before the number is read;
    anything else that is not digits with at most one decimal point is refused.
    A text box, not ``type=number``, which would refuse the pound sign and commas
    in the browser. The form redisplays a refused amount exactly as typed.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})
    default_error_messages = {
        "invalid": _("Enter an amount in pounds, like £75,000"),
        "negative": _("The amount must be £0 or more"),
        "max_decimal_places": _("Enter the amount in pounds and pence, like £60,000.50"),
    }

    def __init__(self, **kwargs):
        if not kwargs.get("help_text"):
            kwargs["help_text"] = MONEY_HINT
        super().__init__(**kwargs)
        if self.max_digits is not None:
            whole = self.max_digits - (self.decimal_places or 0)
            too_big = format_lazy(_("The amount must be less than £{}"), f"{10**whole:,}")
            self.error_messages.setdefault("max_digits", too_big)
            self.error_messages.setdefault("max_whole_digits", too_big)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = _MONEY_DECORATION.sub("", str(value))
        text = text.removeprefix("£")  # "£-5" as well as "-£5"
        negative = text.startswith("-")
        text = text.removeprefix("-").removeprefix("£")
        if not _AMOUNT.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if negative and Decimal(text) != 0:
            raise ValidationError(self.error_messages["negative"], code="negative")
        return super().to_python(text)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, for which an id too big for its column is simply not one of the choices.

    Django checks that each id is a number but lets one too big for a 64-bit
    integer reach the query, where SQLite raises ``OverflowError`` (a server
    error); PostgreSQL finds nothing. Refused here as any unknown id is.
    """

    def _check_values(self, value):
        meta = self.queryset.model._meta
        column = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        for pk in value:
            if not fits(column, pk, using=self.queryset.db):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def fits(column, value, *, using="default"):
    """False if ``column`` holds integers and ``value`` is a number outside their range.

    Anything else is left to the field's own checks.
    """
    if not isinstance(column, models.IntegerField):
        return True
    try:
        number = int(str(value).strip())
    except ValueError:
        return True  # not a number at all: Django's own check reports it
    low, high = connections[using].ops.integer_field_range(column.get_internal_type())
    return (low or -(2**63)) <= number <= (high or 2**63 - 1)
