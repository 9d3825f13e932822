import re

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from organisations import identifiers
from organisations.identifiers import Scheme
from organisations.models import (
    BeneficiaryGroup,
    CharterPrinciple,
    Document,
    DocumentKind,
    IncomeBand,
    KeyContact,
    LegalForm,
    MembershipRole,
    Organisation,
    ServiceCategory,
    Ward,
)
from portal.forms import (
    DATE_HINT,
    DateField,
    FormHelper,
    ModelMultipleChoiceField,
    date_invalid,
    hint,
)
from portal.uploads import validate_upload

# Full UK postcode, as Royal Mail formats it (outward code, space, inward code).
POSTCODE = re.compile(r"^(GIR 0AA|[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2})$")

# One optional text field per register, named after its scheme.
IDENTIFIER_FIELDS = {
    Scheme.CHC: (
        "charity_number",
        _("Charity Commission number"),
        _("6 or 7 digits, like 1123456"),
    ),
    Scheme.SC: ("scottish_charity_number", _("Scottish charity number"), _("Like SC012345")),
    Scheme.NIC: (
        "ni_charity_number",
        _("Charity Commission for Northern Ireland number"),
        _("6 digits starting with 1, like 100123"),
    ),
    Scheme.COH: (
        "company_number",
        _("Companies House number"),
        _("8 characters, like 01234567 or SC123456"),
    ),
    Scheme.MPR: (
        "mutuals_number",
        _("FCA Mutuals Public Register number"),
        _("For co-operative and community benefit societies, like 31234R"),
    ),
}


def normalise_postcode(raw):
    compact = re.sub(r"\s+", "", raw or "").upper()
    if not compact:
        return ""
    postcode = f"{compact[:-3]} {compact[-3:]}"
    if not POSTCODE.match(postcode):
        raise ValidationError(_("Enter a real postcode, like B1 1BB"), code="invalid")
    return postcode


def normalise_phone(raw):
    """A UK telephone number: 10 or 11 digits starting 0, or +44 and 9 or 10 digits."""
    value = (raw or "").strip()
    if not value:
        return ""
    digits = re.sub(r"[\s()\-]", "", value)
    if digits.startswith("+44"):
        digits = "0" + digits[3:].lstrip("0")
    if not re.fullmatch(r"0[0-9]{9,10}", digits):
        raise ValidationError(
            _("Enter a UK telephone number, like 0121 303 1111 or +44 121 303 1111"),
            code="invalid",
        )
    return value


class OrganisationForm(forms.ModelForm):
    """Everything an organisation says about itself, on one page with sections."""

    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"autocomplete": "url", "spellcheck": "false"}),
        help_text=_("Like www.example.org.uk"),
        error_messages={"invalid": _("Enter a web address, like www.example.org.uk")},
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_("Shown on your public profile"),
        error_messages={
            "invalid": _("Enter an email address in the correct format, like name@example.org")
        },
    )
    service_categories = ModelMultipleChoiceField(
        label=_("Services you provide"),
        queryset=ServiceCategory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    beneficiary_groups = ModelMultipleChoiceField(
        label=_("Who you help"),
        queryset=BeneficiaryGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    wards_served = ModelMultipleChoiceField(
        label=_("Wards you work in"),
        help_text=_("Leave empty if you work across the whole city"),
        queryset=Ward.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    charter_principles = forms.MultipleChoiceField(
        label=_("Charter principles you commit to"),
        help_text=_(
            "Any organisation, of any size, may commit to them, whether it has signed "
            "the Charter or not. Select all that apply."
        ),
        choices=CharterPrinciple.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Select principles from the list")},
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "legal_form",
            "description",
            "website",
            "email",
            "phone",
            "address",
            "postcode",
            "ward",
            "income_band",
            "paid_staff",
            "volunteers",
            "service_categories",
            "beneficiary_groups",
            "communities_served",
            "languages",
            "citywide",
            "wards_served",
            "charter_signatory_since",
            "charter_principles",
            "living_wage_employer",
            "open_to_partnering",
            "partnering_offer",
            "partnering_wanted",
        ]
        labels = {
            "name": _("Name of the organisation"),
            "description": _("What your organisation does"),
            "ward": _("Ward your main office is in"),
            "charter_signatory_since": _(
                "Date you signed the Business Charter for Social Responsibility"
            ),
            "living_wage_employer": _("We pay at least the real living wage"),
            "open_to_partnering": _("We are open to partnering on bids"),
            "partnering_offer": _("What you bring to a partnership"),
            "partnering_wanted": _("What you look for in partners"),
            "citywide": _("We work across the whole city"),
        }
        help_texts = {
            "description": _("In plain English, in a few sentences. Up to 5,000 characters."),
            "communities_served": _("For example: Somali, Kashmiri, Deaf, LGBT+ older people"),
            "languages": _("Languages other than English that you offer services in"),
            "charter_signatory_since": hint(_("Leave empty if you have not signed."), DATE_HINT),
            "partnering_offer": _("For example: a venue in Aston, Urdu-speaking staff"),
            "partnering_wanted": _("For example: a lead partner with a safeguarding lead"),
        }
        field_classes = {"charter_signatory_since": DateField}
        widgets = {
            "paid_staff": forms.TextInput(attrs={"inputmode": "numeric"}),
            "volunteers": forms.TextInput(attrs={"inputmode": "numeric"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "address": forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
            "partnering_offer": forms.Textarea(attrs={"rows": 3}),
            "partnering_wanted": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": _("Enter the name of the organisation")},
            "legal_form": {"required": _("Select the legal form of the organisation")},
            "paid_staff": {"invalid": _("Enter the number of paid staff as a whole number")},
            "volunteers": {"invalid": _("Enter the number of volunteers as a whole number")},
            "charter_signatory_since": {
                "invalid": date_invalid(_("The date you signed the charter"))
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for scheme, (name, label, help_text) in IDENTIFIER_FIELDS.items():
            self.fields[name] = forms.CharField(
                label=label, help_text=help_text, required=False, max_length=30
            )
            if self.instance.pk:
                existing = self.instance.identifiers.filter(scheme=scheme).first()
                self.initial.setdefault(name, existing.value if existing else "")
        self.fields["legal_form"].choices = [("", _("Select a legal form"))] + list(
            LegalForm.choices
        )
        self.fields["income_band"].choices = [("", _("Select a band"))] + list(IncomeBand.choices)
        self.fields["ward"].empty_label = _("Select a ward")
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["postcode"].widget.attrs.update(autocomplete="postal-code", spellcheck="false")
        self.fields["postcode"].max_length = 10
        self.fields["postcode"].widget.attrs["maxlength"] = 10
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Fieldset(
                "name",
                "legal_form",
                Field("description"),
                legend=_("About the organisation"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                *[
                    Field.text(name, field_width=Fluid.ONE_HALF)
                    for name, _l, _h in IDENTIFIER_FIELDS.values()
                ],
                legend=_("Register numbers"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                "website",
                "email",
                "phone",
                "address",
                Field.text("postcode", field_width=10),
                "ward",
                legend=_("Contact details"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                "income_band",
                Field.text("paid_staff", field_width=5),
                Field.text("volunteers", field_width=5),
                legend=_("Size"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("service_categories", legend_size=Size.SMALL, small=True),
                Field.checkboxes("beneficiary_groups", legend_size=Size.SMALL, small=True),
                "communities_served",
                "languages",
                Field.checkboxes("citywide", small=True),
                Field.checkboxes("wards_served", legend_size=Size.SMALL, small=True),
                legend=_("What you do and where"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                "charter_signatory_since",
                Field.checkboxes("charter_principles", legend_size=Size.SMALL, small=True),
                Field.checkboxes("living_wage_employer", small=True),
                legend=_("Social responsibility"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("open_to_partnering", small=True),
                "partnering_offer",
                "partnering_wanted",
                legend=_("Partnering"),
                legend_size=Size.MEDIUM,
            ),
            Submit("submit", _("Save")),
        )

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data.get("postcode"))

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone"))

    def clean(self):
        cleaned = super().clean()
        for scheme, (name, _label, _hint) in IDENTIFIER_FIELDS.items():
            raw = cleaned.get(name, "")
            if raw and raw.strip():
                try:
                    cleaned[name] = identifiers.normalise(scheme, raw)
                except ValidationError as error:
                    self.add_error(name, error)
            else:
                cleaned[name] = ""
        return cleaned

    def identifier_values(self):
        """The normalised ``(scheme, value)`` pairs the form was given."""
        return [
            (scheme, self.cleaned_data[name])
            for scheme, (name, _l, _h) in IDENTIFIER_FIELDS.items()
            if self.cleaned_data.get(name)
        ]

    def field_for(self, scheme):
        return IDENTIFIER_FIELDS[scheme][0]

    def details(self):
        """The model fields as keyword arguments for the registry's actions."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        for name in ("service_categories", "beneficiary_groups", "wards_served"):
            data[name] = list(data[name])
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter the email address of the person to invite"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MembershipRole.choices,
        initial=MembershipRole.MEMBER,
        widget=forms.RadioSelect,
        help_text=_("Administrators can edit the profile and manage members."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            "email",
            Field.radios("role", legend_size=Size.SMALL, small=True),
            Submit("submit", _("Send invitation")),
        )


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["kind", "title", "file", "expires_on"]
        labels = {"expires_on": _("Expiry date (if it has one)")}
        help_texts = {
            "file": _("PDF, Word, OpenDocument, PNG or JPEG, smaller than 10 MB"),
            "expires_on": hint(
                DATE_HINT, _("We will remind your members 30 days and 7 days before it expires")
            ),
        }
        field_classes = {"expires_on": DateField}
        error_messages = {
            "kind": {"required": _("Select the type of document")},
            "title": {"required": _("Enter a title for the document")},
            "file": {"required": _("Choose a file to upload")},
            "expires_on": {"invalid": date_invalid(_("The expiry date"))},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Select a type"))] + list(DocumentKind.choices)
        self.fields["file"].validators.append(validate_upload)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.label_size = Size.SMALL
        self.helper.add_input(Submit("submit", _("Upload document")))


class KeyContactForm(forms.ModelForm):
    """One named contact, shown to everyone or only to the organisation's members."""

    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("Enter an email address in the correct format, like name@example.org")
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )

    class Meta:
        model = KeyContact
        fields = ["name", "role", "email", "phone", "is_public"]
        labels = {"is_public": _("Show this contact on the public profile")}
        help_texts = {
            "phone": _("Like 0121 303 1111"),
            "is_public": _("Otherwise only your organisation's members will see it"),
        }
        error_messages = {
            "name": {"required": _("Enter the contact's name")},
            "role": {"required": _("Enter their role, like Chief executive")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("role", field_width=Fluid.TWO_THIRDS),
            "email",
            Field.text("phone", field_width=20),
            Field.checkbox("is_public", small=True),
            Submit("submit", _("Save contact")),
        )

    def clean_phone(self):
        return normalise_phone(self.cleaned_data.get("phone"))
