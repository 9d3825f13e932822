"""The forms a commissioner records a contract, grant or agreement with directly, and adds
a social value pledge to one with.

Each reads what is typed and refuses what it can judge alone (an end before the start,
no wards) with its own message; ``commissioning.actions.contracts`` does the rest.
"""

from decimal import Decimal

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


class PledgeForm(forms.Form):
    """A social value pledge a commissioner adds to a contract recorded directly; the
    action checks the rest (who, and that the contract has not ended)."""

    measure = forms.CharField(
        label=_("What will be done"),
        help_text=_("For example, hot meals for older people, or volunteering hours"),
        max_length=300,
        error_messages={"required": _("Enter what will be done")},
    )
    quantity = forms.DecimalField(
        label=_("How many"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter how many, more than 0"),
            "invalid": _("Enter how many as a number, like 100"),
            "min_value": _("How many must be more than 0"),
            "max_digits": _("Enter how many as a number under 10,000,000,000"),
            "max_whole_digits": _("Enter how many as a number under 10,000,000,000"),
            "max_decimal_places": _("Use at most two decimal places for how many"),
        },
    )
    unit = forms.CharField(
        label=_("Unit"),
        help_text=_("For example, people, meals or hours"),
        max_length=50,
        error_messages={"required": _("Enter the unit, like people or hours")},
    )
    citywide = forms.BooleanField(label=_("Across the whole city"), required=False)
    wards = ModelMultipleChoiceField(
        label=_("Or the wards it benefits"),
        queryset=Ward.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(
            Field.text("measure", field_width=Fluid.TWO_THIRDS),
            Field.text("quantity", field_width=10),
            Field.text("unit", field_width=10),
            Fieldset(
                Field.checkboxes("citywide", small=True),
                Field.checkboxes("wards", legend_size=Size.SMALL, small=True),
                legend=_("Who benefits"),
                legend_size=Size.MEDIUM,
            ),
            submit=_("Add the pledge"),
        )

    def clean(self):
        data = super().clean()
        if not data.get("citywide") and not data.get("wards") and "wards" not in self.errors:
            self.add_error("wards", _("Choose the wards it benefits, or the whole city"))
        return data
