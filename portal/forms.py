"""What every form in the portal shares."""

import datetime as dt

from crispy_forms_gds import helper
from crispy_forms_gds.layout import Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models
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


def deadline_fields(prefix, label):
    """A date and a time field for a deadline, entered in UK time."""
    return {
        f"{prefix}_date": forms.DateField(
            label=_("%(label)s: date") % {"label": label},
            help_text=_("For example, 27/3/2027"),
            error_messages={
                "required": _("Enter the date of the %(label)s") % {"label": label.lower()},
                "invalid": _("Enter the date like 27/3/2027"),
            },
        ),
        f"{prefix}_time": forms.TimeField(
            label=_("%(label)s: time (UK time)") % {"label": label},
            help_text=_("For example, 12:00 for noon or 17:30"),
            initial=dt.time(12, 0),
            widget=forms.TimeInput(format="%H:%M", attrs={"inputmode": "numeric"}),
            error_messages={
                "required": _("Enter the time, like 12:00"),
                "invalid": _("Enter the time like 12:00 or 17:30"),
            },
        ),
    }


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
