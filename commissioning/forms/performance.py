"""Forms of contract performance: a KPI, and the commissioner's rating of a period.

The suppliers' returns form is one row per KPI and period, read straight from
the posted fields by ``commissioning.views.performance`` so that each row is
saved or refused on its own.
"""

from crispy_forms_gds.layout import Field, Fluid
from django import forms
from django.utils.translation import gettext_lazy as _

from commissioning.models import Frequency, Kpi, Rating
from portal.forms import layout_helper


class KpiForm(forms.ModelForm):
    class Meta:
        model = Kpi
        fields = ["name", "target", "unit", "higher_is_better", "frequency", "days_to_report"]
        labels = {"higher_is_better": _("A higher figure is better")}
        help_texts = {
            "name": _("For example, people supported to stay in their own homes"),
            "target": _("The figure aimed for in each period, like 120 or 85"),
            "unit": _("For example, people, visits or %"),
            "higher_is_better": _("Untick when a lower figure is better, like waiting days"),
            "days_to_report": _("How many days after a period ends its return is due"),
        }
        widgets = {
            "target": forms.TextInput(attrs={"inputmode": "decimal"}),
            "days_to_report": forms.TextInput(attrs={"inputmode": "numeric"}),
            "frequency": forms.RadioSelect,
        }
        error_messages = {
            "name": {"required": _("Enter the indicator")},
            "target": {
                "required": _("Enter the target, like 120"),
                "invalid": _("Enter the target as a number, like 120 or 85.5"),
            },
            "unit": {"required": _("Enter the unit, like people or %")},
            "frequency": {"required": _("Choose how often it is reported")},
            "days_to_report": {
                "required": _("Enter the days to report, like 20"),
                "invalid": _("Enter the days to report as a whole number, like 20"),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["frequency"].choices = Frequency.choices
        self.helper = layout_helper(
            Field.text("name", field_width=Fluid.FULL),
            Field.text("target", field_width=10),
            Field.text("unit", field_width=10),
            Field.checkboxes("higher_is_better", small=True),
            Field.radios("frequency", legend_size="s", small=True),
            Field.text("days_to_report", field_width=3),
            submit=_("Add the KPI"),
        )


class RatingForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        error_messages={
            "required": _("Choose the period you are rating"),
            "invalid_choice": _("Choose a period from the list"),
        },
    )
    rating = forms.ChoiceField(
        label=_("Rating"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating")},
    )
    comment = forms.CharField(
        label=_("Comment for the supplier"),
        help_text=_("The supplier's members are emailed the rating with this comment"),
        max_length=5000,
        widget=forms.Textarea,
        error_messages={
            "required": _("Write a comment for the supplier: what went well, what must improve")
        },
    )

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (p.start.isoformat(), f"{p.start:%-d %B %Y} to {p.end:%-d %B %Y}") for p in periods
        ]
        self.helper = layout_helper(
            "period",
            Field.radios("rating", legend_size="s", small=True),
            Field.textarea("comment", rows=4),
            submit=_("Save the rating"),
        )
