"""Forms for consortium changes after award: the lead's request, the commissioner's decision.

Which fields a request needs depends on the change (a partner leaving, one
joining, or both); ``tenders.actions.ask_consortium_change`` decides and names
what is missing, so the fields here are optional and its errors land beside them.
"""

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import layout_helper
from tenders.models import ChangeKind, PartnerKind


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, partner):
        role = partner.get_kind_display().lower()
        return f"{partner.display_name} ({role}, {partner.share_percent.normalize():f}%)"


class ConsortiumChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What change do you need?"),
        choices=ChangeKind.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    partner = PartnerChoiceField(
        label=_("Which partner is leaving?"),
        help_text=_("Only when removing or replacing a partner"),
        queryset=None,
        widget=forms.RadioSelect,
        required=False,
        empty_label=None,
    )
    name = forms.CharField(label=_("Organisation name"), max_length=200, required=False)
    identifier = forms.CharField(
        label=_("Charity or company number"),
        help_text=_("If the organisation is registered on this portal, its number finds it"),
        max_length=100,
        required=False,
    )
    partner_kind = forms.ChoiceField(
        label=_("Its role"),
        choices=PartnerKind.choices,
        widget=forms.RadioSelect,
        initial=PartnerKind.PARTNER,
        required=False,
    )
    share_percent = forms.DecimalField(
        label=_("Its share of the work (%)"),
        help_text=_("For example, 25. Partners' shares must add up to less than 100%."),
        max_digits=5,
        decimal_places=2,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": _("Enter its share as a number, like 25")},
    )
    justification = forms.CharField(
        label=_("Why must the consortium change?"),
        help_text=_("The council decides on this and on your evidence."),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    evidence = forms.FileField(
        label=_("Evidence"),
        help_text=_(
            "For example, the letter of the partner leaving and the signed agreement of the "
            "organisation joining. PDF, Word, OpenDocument, PNG or JPEG, smaller than 10 MB."
        ),
        required=False,
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        leaving = [Field.radios("partner")]
        if not partners.exists():  # only a partner can be added: no empty list to choose from
            del self.fields["partner"]
            leaving = []
        self.helper = layout_helper(
            Field.radios("kind", legend_size=Size.MEDIUM),
            *leaving,
            Fieldset(
                Field.text("name"),
                Field.text("identifier", field_width=20),
                Field.radios("partner_kind"),
                Field.text("share_percent", field_width=4),
                legend=_("The organisation joining (only when adding or replacing a partner)"),
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("justification", rows=5),
            Field("evidence"),
            submit=_("Ask the council"),
        )

    def action_fields(self):
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "partner": data.get("partner"),
            "name": data["name"],
            "identifier": data["identifier"],
            "partner_kind": data["partner_kind"] or PartnerKind.PARTNER,
            "share_percent": data["share_percent"],
            "justification": data["justification"],
            "evidence": data["evidence"],
        }


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Your decision"),
        choices=[("yes", _("Approve the change")), ("no", _("Refuse the change"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to approve or refuse the change")},
    )
    reason = forms.CharField(
        label=_("Your reasons"),
        help_text=_("The lead organisation is emailed them, and they stay with the award."),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(
            Field.radios("approve", legend_size=Size.MEDIUM),
            Field.textarea("reason", rows=5),
            submit=_("Save the decision"),
        )
