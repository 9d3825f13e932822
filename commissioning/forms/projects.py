"""Forms for commissioning projects: the project, its needs assessment and documents,
outcomes, moves between phases and co-production partners."""

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from commissioning.models import CoProductionPartner, Outcome, Project, ProjectDocument
from organisations.models import Organisation, ServiceCategory, Ward
from portal.forms import ModelMultipleChoiceField, MoneyField, layout_helper
from portal.uploads import validate_upload


class LeadChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.full_name} ({user.email})"


class ProjectForm(forms.Form):
    """What the project is, where, its budget and who leads it."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={
            "required": _("Enter the project's title"),
            "max_length": _("The title must be 200 characters or fewer"),
        },
    )
    summary = forms.CharField(
        label=_("Summary"),
        help_text=_("What the project is about, in a few sentences. Shown publicly."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Enter a summary of the project"),
            "max_length": _("The summary must be 2,000 characters or fewer"),
        },
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=ServiceCategory.objects.order_by("name"),
        empty_label=_("Select a category"),
        error_messages={"required": _("Select the category the project falls under")},
    )
    citywide = forms.BooleanField(label=_("The project covers the whole city"), required=False)
    wards = ModelMultipleChoiceField(
        label=_("Wards the project covers"),
        help_text=_("Tick each ward, unless the project covers the whole city"),
        queryset=Ward.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    budget = MoneyField(
        label=_("Budget (optional)"), max_digits=12, decimal_places=2, required=False
    )
    lead_commissioner = LeadChoiceField(
        label=_("Lead commissioner"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a commissioner from the list")},
    )

    def __init__(self, *args, publisher, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import User

        self.fields["lead_commissioner"].queryset = User.objects.filter(
            memberships__organisation=publisher, is_active=True
        ).order_by("full_name")
        self.helper = layout_helper(
            "title",
            Field.textarea("summary", rows=4),
            "category",
            Field.text("budget", field_width=10),
            "lead_commissioner",
            Fieldset(
                Field.checkboxes("citywide", small=True),
                Field.checkboxes("wards", legend_size=Size.SMALL, small=True),
                legend=_("Where"),
                legend_size=Size.MEDIUM,
            ),
            submit=_("Save"),
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("citywide") and not cleaned.get("wards") and "wards" not in self.errors:
            self.add_error(
                "wards", _("Choose the wards the project covers, or say it covers the whole city")
            )
        return cleaned

    @staticmethod
    def initial_for(project):
        return {
            "title": project.title,
            "summary": project.summary,
            "category": project.category_id,
            "citywide": project.citywide,
            "wards": list(project.wards.all()),
            "budget": project.budget,
            "lead_commissioner": project.lead_commissioner_id,
        }


class NeedsAssessmentForm(forms.Form):
    needs_assessment = forms.CharField(
        label=_("Needs assessment"),
        help_text=_(
            "Who needs the service, what the evidence says and what is missing today. "
            "Shown publicly. You can upload documents as well."
        ),
        required=False,
        max_length=Project._meta.get_field("needs_assessment").max_length,
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={"max_length": _("The needs assessment must be 20,000 characters or fewer")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(Field.textarea("needs_assessment", rows=14), submit=_("Save"))


class DocumentForm(forms.ModelForm):
    class Meta:
        model = ProjectDocument
        fields = ["kind", "title", "file"]
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "file": _("A PDF, Word document, OpenDocument file, PNG or JPEG, up to 10 MB"),
            "title": _("For example, Joint strategic needs assessment 2026: older adults"),
        }
        error_messages = {
            "title": {"required": _("Enter the document's title")},
            "file": {"required": _("Choose a file to upload")},
            "kind": {"required": _("Say what kind of document it is")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ProjectDocument.Kind.choices
        self.fields["kind"].initial = ProjectDocument.Kind.NEEDS_ASSESSMENT
        self.helper = layout_helper(
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            "title",
            "file",
            submit=_("Upload"),
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload)
        return upload


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["description", "measure"]
        labels = {"measure": _("How it will be measured (optional)")}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "description": _("For example, fewer older people in Ladywood say they feel lonely"),
            "measure": _("For example, the share answering 'often' in the annual survey"),
        }
        error_messages = {"description": {"required": _("Enter the outcome")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(
            Field.textarea("description", rows=2), "measure", submit=_("Add the outcome")
        )


class MoveForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("Why the project moves on now. Shown publicly in its history."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("The note must be 2,000 characters or fewer")},
    )

    def __init__(self, *args, submit, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(Field.textarea("note", rows=3), submit=submit)


class PartnerForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        help_text=_("Organisations in the registry, by name"),
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("Select an organisation"),
        error_messages={"required": _("Select the organisation")},
    )

    class Meta:
        model = CoProductionPartner
        fields = ["organisation", "kind", "contribution"]
        widgets = {"kind": forms.RadioSelect}
        labels = {"contribution": _("What they bring (optional)")}
        help_texts = {"contribution": _("For example, runs the service users' reference group")}
        error_messages = {"kind": {"required": _("Say how the organisation takes part")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = CoProductionPartner.Kind.choices
        self.helper = layout_helper(
            "organisation",
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            "contribution",
            submit=_("Add the partner"),
        )
