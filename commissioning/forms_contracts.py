"""The form a commissioner records a contract, grant or agreement with directly.

It reads what is typed and refuses an end before the start with its own message;
``commissioning.actions.contracts.record_contract`` does the rest.
"""

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from commissioning.models import ContractKind, Project
from organisations.models import Organisation, ServiceCategory, Ward
from portal.forms import DateField, ModelMultipleChoiceField, MoneyField, layout_helper


class RecordContractForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type of agreement"),
        choices=ContractKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the type of agreement")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Enter the title of the agreement")},
    )
    description = forms.CharField(
        label=_("What it pays for"), max_length=5000, required=False, widget=forms.Textarea
    )
    lead = forms.ModelChoiceField(
        label=_("Lead supplier"),
        help_text=_("The organisation the agreement is with, from the registry"),
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("Select an organisation"),
        error_messages={"required": _("Choose the organisation the agreement is with")},
    )
    partners = ModelMultipleChoiceField(
        label=_("Consortium members (optional)"),
        help_text=_("Other organisations delivering it with the lead supplier"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    value = MoneyField(
        label=_("Total value"),
        max_digits=12,
        decimal_places=2,
        error_messages={"required": _("Enter the total value, like £75,000")},
    )
    starts_on = DateField(
        label=_("Start date"), error_messages={"required": _("Enter the start date")}
    )
    ends_on = DateField(label=_("End date"), error_messages={"required": _("Enter the end date")})
    extension_options = forms.CharField(
        label=_("Extension options (optional)"),
        help_text=_("For example, up to 12 months more at the council's choice"),
        max_length=300,
        required=False,
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ServiceCategory.objects.order_by("name"),
        empty_label=_("Select a category"),
        error_messages={"required": _("Select the category the service falls under")},
    )
    citywide = forms.BooleanField(label=_("It covers the whole city"), required=False)
    wards = ModelMultipleChoiceField(
        label=_("Wards it covers"),
        help_text=_("Leave empty if it covers the whole city"),
        queryset=Ward.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    project = forms.ModelChoiceField(
        label=_("Commissioning project (optional)"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("No project"),
    )

    def __init__(self, *args, publisher, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(publisher=publisher)
        self.helper = layout_helper(
            "kind",
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.textarea("description", rows=4),
            Fieldset("lead", "partners", legend=_("Who delivers it"), legend_size=Size.MEDIUM),
            Fieldset(
                Field.text("value", field_width=10),
                Field.text("starts_on", field_width=10),
                Field.text("ends_on", field_width=10),
                Field.text("extension_options", field_width=Fluid.TWO_THIRDS),
                legend=_("Value and dates"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                "category",
                Field.checkboxes("citywide", small=True),
                Field.checkboxes("wards", legend_size=Size.SMALL, small=True),
                "project",
                legend=_("What and where"),
                legend_size=Size.MEDIUM,
            ),
            submit=_("Record the agreement"),
        )

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", _("The end date must be after the start date"))
        if not data.get("citywide") and not data.get("wards") and "wards" not in self.errors:
            self.add_error("wards", _("Choose the wards it covers, or the whole city"))
        return data
