"""Forms of the supply chain: a subcontracting opportunity, and an application to one."""

import datetime as dt

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.formats import LONDON
from portal.forms import MoneyField, deadline_fields, layout_helper


class SubcontractForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Enter a title")}
    )
    summary = forms.CharField(
        label=_("Summary of the work"),
        max_length=500,
        widget=forms.Textarea,
        error_messages={"required": _("Enter a summary of the work")},
    )
    description = forms.CharField(
        label=_("More detail (optional)"), max_length=20000, required=False, widget=forms.Textarea
    )
    value_low = MoneyField(
        label=_("Value from"),
        max_digits=12,
        decimal_places=2,
        error_messages={"required": _("Enter the lowest value, like £5,000")},
    )
    value_high = MoneyField(
        label=_("Value up to"),
        max_digits=12,
        decimal_places=2,
        error_messages={"required": _("Enter the highest value, like £20,000")},
    )
    contact_name = forms.CharField(
        label=_("Contact name"),
        max_length=150,
        error_messages={"required": _("Enter the name of the person to contact")},
    )
    contact_email = forms.EmailField(
        label=_("Contact email"),
        error_messages={
            "required": _("Enter the email address to contact"),
            "invalid": _("Enter an email address like name@example.org"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(deadline_fields("clarification", _("Deadline for questions")))
        self.fields.update(deadline_fields("submission", _("Deadline for applications")))
        self.helper = layout_helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.textarea("summary", rows=3),
            Field.textarea("description", rows=5),
            Fieldset(
                Field.text("value_low", field_width=10),
                Field.text("value_high", field_width=10),
                legend=_("Value"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("clarification_date", field_width=10),
                Field.text("clarification_time", field_width=5),
                Field.text("submission_date", field_width=10),
                Field.text("submission_time", field_width=5),
                legend=_("Deadlines"),
                legend_size=Size.MEDIUM,
            ),
            Field.text("contact_name", field_width=Fluid.ONE_HALF),
            Field.text("contact_email", field_width=Fluid.ONE_HALF),
            submit=_("Publish the subcontracting opportunity"),
        )

    def deadline(self, prefix):
        data = self.cleaned_data
        return dt.datetime.combine(data[f"{prefix}_date"], data[f"{prefix}_time"], tzinfo=LONDON)


class ApplicationForm(forms.Form):
    message = forms.CharField(
        label=_("What would you deliver, and why your organisation?"),
        help_text=_("The contractor reads this with your organisation's profile"),
        max_length=5000,
        widget=forms.Textarea,
        error_messages={"required": _("Say what you would deliver and why")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(Field.textarea("message", rows=8), submit=_("Apply"))
