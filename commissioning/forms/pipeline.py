"""Forms commissioners use to plan procurements in the open and link them to opportunities."""

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commissioning.models import PipelineItem, Project
from organisations.models import ServiceCategory, Ward
from portal.forms import FormHelper, ModelMultipleChoiceField, MoneyField


class PipelineItemForm(forms.ModelForm):
    """What a commissioner says about a planned procurement, in three sections."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ServiceCategory.objects.order_by("name"),
        empty_label=_("Select a category"),
        error_messages={"required": _("Select the category the service falls under")},
    )
    wards = ModelMultipleChoiceField(
        label=_("Wards it will cover"),
        help_text=_("Choose every ward, or tick ‘across the whole city’ above instead"),
        queryset=Ward.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    estimated_value = MoneyField(
        label=_("Estimated value (£)"),
        max_digits=12,
        decimal_places=2,
        error_messages={"required": _("Enter the estimated value, even a rough one")},
    )

    class Meta:
        model = PipelineItem
        fields = [
            "title",
            "summary",
            "category",
            "estimated_value",
            "expected_year",
            "expected_quarter",
            "citywide",
            "wards",
            "project",
            "contact_name",
            "contact_email",
        ]
        labels = {
            "summary": _("Summary in plain English"),
            "expected_year": _("Year"),
            "expected_quarter": _("Quarter"),
            "citywide": _("Across the whole city"),
            "project": _("Commissioning project it comes from (optional)"),
        }
        help_texts = {
            "title": _("Say what the service is, like ‘Befriending for older people’"),
            "summary": _(
                "What you plan to buy and why, so organisations can get ready. "
                "You can enter up to 2,000 characters."
            ),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "expected_year": forms.TextInput(attrs={"inputmode": "numeric"}),
            "expected_quarter": forms.RadioSelect,
        }
        error_messages = {
            "title": {"required": _("Enter a title")},
            "summary": {
                "required": _("Enter a summary"),
                "max_length": _("The summary must be 2,000 characters or fewer"),
            },
            "expected_year": {
                "required": _("Enter the year you expect to publish it, like 2027"),
                "invalid": _("Enter the year as a number, like 2027"),
            },
            "expected_quarter": {"required": _("Choose the quarter you expect to publish it")},
            "contact_name": {"required": _("Enter the name of a contact")},
            "contact_email": {
                "required": _("Enter the contact's email address"),
                "invalid": _("Enter an email address in the correct format, like name@example.org"),
            },
        }

    def __init__(self, *args, publisher, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(publisher=publisher).order_by(
            "title"
        )
        self.fields["project"].empty_label = _("None")
        quarter = self.fields["expected_quarter"]
        quarter.choices = [(value, label) for value, label in quarter.choices if value != ""]
        if not self.instance.pk:
            self.fields["expected_year"].initial = timezone.localdate().year
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Fieldset(
                "title",
                "summary",
                "category",
                Field.text("estimated_value", field_width=10),
                "project",
                legend=_("What you plan to buy"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("expected_year", field_width=4),
                Field.radios("expected_quarter", legend_size=Size.SMALL, small=True),
                legend=_("When you expect to publish it"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("citywide", small=True),
                Field.checkboxes("wards", legend_size=Size.SMALL, small=True),
                legend=_("Where"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                "contact_name",
                "contact_email",
                legend=_("Who organisations can ask about it"),
                legend_size=Size.MEDIUM,
            ),
        )

    def fields_for_action(self):
        """The cleaned values as keyword arguments for ``add_item`` and ``update_item``."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["wards"] = list(data["wards"])
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the plan withdrawn?"),
        help_text=_("Shown publicly on the plan's page. You can enter up to 2,000 characters."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={
            "required": _("Say why the plan is withdrawn"),
            "max_length": _("The reason must be 2,000 characters or fewer"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(
            Submit("submit", _("Withdraw the plan"), css_class="govuk-button--warning")
        )


class LinkForm(forms.Form):
    """Choose which of the publisher's opportunities this plan became."""

    opportunity = forms.ModelChoiceField(
        label=_("The opportunity it became"),
        help_text=_(
            "Your opportunities not linked to another plan, drafts too. Followers are "
            "emailed once it is published."
        ),
        queryset=None,
        empty_label=_("Select an opportunity"),
        to_field_name="reference",
        error_messages={
            "required": _("Select the opportunity it became"),
            "invalid_choice": _("Choose one of your opportunities not linked to another plan"),
        },
    )

    def __init__(self, *args, opportunities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunity"].queryset = opportunities
        self.fields["opportunity"].label_from_instance = lambda o: (
            f"{o.reference}: {o.title}" + ("" if o.published_at else f" ({_('draft')})")
        )
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.label_size = Size.SMALL
        self.helper.add_input(
            Submit("submit", _("Link the opportunity"), css_class="govuk-button--secondary")
        )
