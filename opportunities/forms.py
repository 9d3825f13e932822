"""Forms commissioners use to draft, amend and cancel opportunities."""

import datetime as dt

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opportunities.actions import changed_deadlines, check_dates
from opportunities.models import CpvCode, Lot, Opportunity, OpportunityDocument, Procedure
from organisations.models import ServiceCategory, Ward
from portal.forms import (
    MONEY_HINT,
    DateField,
    FormHelper,
    ModelMultipleChoiceField,
    MoneyField,
    date_invalid,
    deadline_fields,
    hint,
)
from portal.uploads import validate_upload


def _helper(*layout):
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.label_size = Size.SMALL
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


class OpportunityForm(forms.ModelForm):
    """Everything a commissioner says about an opportunity, in sections."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ServiceCategory.objects.all(),
        empty_label=_("Select a category"),
        error_messages={"required": _("Select the category the service falls under")},
    )
    cpv_codes = ModelMultipleChoiceField(
        label=_("CPV codes"),
        help_text=_("Choose the codes that describe the service. Type to narrow the list."),
        queryset=CpvCode.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    wards = ModelMultipleChoiceField(
        label=_("Wards the service covers"),
        help_text=_("Leave empty if the service covers the whole city"),
        queryset=Ward.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    amendment_summary = forms.CharField(
        label=_("What has changed"),
        help_text=_("Shown on the opportunity's page and emailed to organisations following it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "summary",
            "description",
            "category",
            "cpv_codes",
            "value_low",
            "value_high",
            "value_includes_vat",
            "contract_start",
            "duration_months",
            "extension_options",
            "procedure",
            "citywide",
            "wards",
            "suitable_for_small",
            "short_window_reason",
            "contact_name",
            "contact_email",
        ]
        labels = {
            "summary": _("Summary in plain English"),
            "description": _("Full description"),
            "value_low": _("Estimated value from (£)"),
            "value_high": _("Estimated value up to (£)"),
            "value_includes_vat": _("These values include VAT"),
            "contract_start": _("Contract start date"),
            "duration_months": _("Length of the contract in months"),
            "extension_options": _("Options to extend"),
            "citywide": _("The service covers the whole city"),
            "suitable_for_small": _("Suitable for small organisations and the VCSE sector"),
        }
        help_texts = {
            "title": _("Say what the service is, like ‘Housing support for young people’"),
            "summary": _(
                "One or two sentences a small organisation can understand. Up to 500 characters."
            ),
            "description": _(
                "You can use Markdown: blank lines between paragraphs, - for lists, "
                "## for headings."
            ),
            "value_high": hint(MONEY_HINT, _("For a single figure, enter it in both boxes")),
            "extension_options": _("For example, up to 2 further years"),
            "short_window_reason": _(
                "Needed if organisations get less than 12 weeks to bid. Shown publicly. "
                "You can enter up to 2,000 characters."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "short_window_reason": forms.Textarea(attrs={"rows": 3}),
            "duration_months": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        field_classes = {
            "value_low": MoneyField,
            "value_high": MoneyField,
            "contract_start": DateField,
        }
        error_messages = {
            "title": {"required": _("Enter a title")},
            "summary": {"required": _("Enter a summary")},
            # Two boxes, two messages: the same words twice would read as one problem.
            "value_low": {"required": _("Enter the lowest estimated value")},
            "value_high": {
                "required": _(
                    "Enter the highest estimated value, or the same figure again for a single value"
                )
            },
            "procedure": {"required": _("Select the procedure")},
            "contact_name": {"required": _("Enter the name of a contact")},
            "contact_email": {
                "required": _("Enter the contact's email address"),
                "invalid": _("Enter an email address in the correct format, like name@example.org"),
            },
            "contract_start": {"invalid": date_invalid(_("The contract start date"))},
            "duration_months": {"invalid": _("Enter the length as a whole number of months")},
            "short_window_reason": {
                "max_length": _("The reason must be 2,000 characters or fewer"),
            },
        }

    def __init__(self, *args, amending=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.amending = amending
        self.fields.update(deadline_fields("clarification", _("Deadline for questions")))
        self.fields.update(deadline_fields("submission", _("Deadline for bids")))
        self.fields["procedure"].choices = [("", _("Select a procedure"))] + list(Procedure.choices)
        for prefix, name in (
            ("clarification", "clarification_deadline"),
            ("submission", "submission_deadline"),
        ):
            value = getattr(self.instance, name, None)
            if value:
                local = timezone.localtime(value)
                self.initial[f"{prefix}_date"] = local.date()
                self.initial[f"{prefix}_time"] = local.time().replace(second=0, microsecond=0)
        if amending:
            self.fields["amendment_summary"].required = True
            self.fields["amendment_summary"].error_messages["required"] = _("Say what has changed")
        else:
            del self.fields["amendment_summary"]
        self.helper = _helper(
            *(["amendment_summary"] if amending else []),
            Fieldset(
                "title",
                "summary",
                "description",
                "category",
                Field.checkboxes("cpv_codes", legend_size=Size.SMALL, small=True),
                legend=_("The service"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("value_low", field_width=10),
                Field.text("value_high", field_width=10),
                Field.checkboxes("value_includes_vat", small=True),
                Field.text("contract_start", field_width=10),
                Field.text("duration_months", field_width=4),
                Field.text("extension_options", field_width=Fluid.TWO_THIRDS),
                "procedure",
                legend=_("Value and contract"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("citywide", small=True),
                Field.checkboxes("wards", legend_size=Size.SMALL, small=True),
                Field.checkboxes("suitable_for_small", small=True),
                legend=_("Who it is for and where"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("clarification_date", field_width=10),
                Field.text("clarification_time", field_width=5),
                Field.text("submission_date", field_width=10),
                Field.text("submission_time", field_width=5),
                "short_window_reason",
                legend=_("Deadlines"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                "contact_name",
                "contact_email",
                legend=_("Contact"),
                legend_size=Size.MEDIUM,
            ),
        )

    def _deadline(self, prefix):
        date, time = (
            self.cleaned_data.get(f"{prefix}_date"),
            self.cleaned_data.get(f"{prefix}_time"),
        )
        if date is None or time is None:
            return None
        return timezone.make_aware(dt.datetime.combine(date, time))

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("value_low"), cleaned.get("value_high")
        if low is not None and high is not None and high < low:
            self.add_error("value_high", _("The top of the range must be at least the bottom"))
        clarification, submission = self._deadline("clarification"), self._deadline("submission")
        if clarification and submission:
            cleaned["clarification_deadline"] = clarification
            cleaned["submission_deadline"] = submission
            opens_at = self.instance.published_at or timezone.now()
            changed = changed_deadlines(self.instance, cleaned)
            try:
                check_dates(
                    clarification_deadline=clarification,
                    submission_deadline=submission,
                    short_window_reason=cleaned.get("short_window_reason"),
                    opens_at=opens_at,
                    now=timezone.now(),
                    changed=changed,
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    target = {
                        "clarification_deadline": "clarification_date",
                        "submission_deadline": "submission_date",
                    }.get(field, field)
                    for message in messages:
                        self.add_error(target, message)
        return cleaned

    def fields_for_action(self):
        """The cleaned values as keyword arguments for the publishing actions."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["cpv_codes"] = list(data["cpv_codes"])
        data["wards"] = list(data["wards"])
        data["clarification_deadline"] = self.cleaned_data["clarification_deadline"]
        data["submission_deadline"] = self.cleaned_data["submission_deadline"]
        return data


class LotForm(forms.ModelForm):
    class Meta:
        model = Lot
        fields = ["title", "description", "value", "max_awards"]
        labels = {
            "title": _("Title of the lot"),
            "description": _("What the lot covers"),
            "value": _("Estimated value of the lot (£)"),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "max_awards": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        field_classes = {"value": MoneyField}
        error_messages = {
            "title": {"required": _("Enter a title for the lot")},
            "max_awards": {"invalid": _("Enter how many organisations may win the lot, like 3")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["max_awards"].initial = 1
        self.helper = _helper(
            "title",
            "description",
            Field.text("value", field_width=10),
            Field.text("max_awards", field_width=3),
        )


class BaseLotFormSet(forms.BaseFormSet):
    def lots(self):
        """The lots filled in and not ticked for removal, as fields for the actions."""
        return [
            {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
            for form in self
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


LotFormSet = forms.formset_factory(
    LotForm, formset=BaseLotFormSet, extra=1, max_num=20, can_delete=True
)


class ManageSearchForm(forms.Form):
    """The words a publisher looks for among their own opportunities."""

    q = forms.CharField(required=False, strip=True)

    def clean_q(self):
        # As the public search: long searches are cut, never refused.
        return self.cleaned_data["q"][:200].strip()


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the opportunity being cancelled?"),
        help_text=_(
            "Shown publicly on the opportunity's page. You can enter up to 2,000 characters."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={
            "required": _("Give the reason for cancelling"),
            "max_length": _("The reason must be 2,000 characters or fewer"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(
            Submit("submit", _("Cancel the opportunity"), css_class="govuk-button--warning")
        )


class DocumentForm(forms.ModelForm):
    """A tender document: same file types and size limit as the registry's documents."""

    class Meta:
        model = OpportunityDocument
        fields = ["title", "file"]
        help_texts = {
            "title": _("For example, ‘Specification’ or ‘Pricing schedule’. Shown publicly"),
            "file": _("PDF, Word, OpenDocument, PNG or JPEG, smaller than 10 MB"),
        }
        error_messages = {
            "title": {"required": _("Enter a title for the document")},
            "file": {"required": _("Choose a file to upload")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].validators.append(validate_upload)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.label_size = Size.SMALL
        self.helper.add_input(Submit("submit", _("Upload document")))
