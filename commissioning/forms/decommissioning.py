"""The commissioner's form for a decommissioning plan."""

from crispy_forms_gds.layout import Field
from django import forms
from django.utils.translation import gettext_lazy as _

from commissioning.models import DecommissioningKind
from organisations.models import Organisation
from portal.formats import date_in_words
from portal.forms import (
    DATE_HINT,
    DateField,
    ModelMultipleChoiceField,
    date_invalid,
    hint,
    layout_helper,
)

IMPACT_HINT = _(
    "Cover the effect on the people who use the service, on the supplier (its staff, "
    "volunteers and other funding), on other organisations that work with them or would "
    "take up the demand, and on equalities: who shares a protected characteristic and how "
    "they are affected. Say what you will do to reduce the harm."
)
SUPPORT_HINT = _(
    "For example, the local infrastructure organisation (BVSC) for advice on funding and "
    "changing services, and who service users can contact."
)


def _text(label, help_text, *, required_message, max_length, rows=5, required=True):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": _("This must be %(limit)s characters or fewer") % {"limit": max_length},
        },
    )


class DecommissioningForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What will happen to the contract?"),
        choices=DecommissioningKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what will happen to the contract")},
    )
    takes_effect_on = DateField(
        label=_("When does it take effect?"),
        required=False,
        error_messages={"invalid": date_invalid(_("The date it takes effect"))},
    )
    reasons = _text(
        _("Why?"),
        _("The reasons everyone told will read. You can enter up to 5,000 characters."),
        required_message=_("Enter the reasons for the decision"),
        max_length=5000,
    )
    impact_assessment = _text(
        _("Impact assessment"),
        IMPACT_HINT,
        required_message=_("Enter the impact assessment"),
        max_length=20000,
        rows=10,
    )
    support = _text(
        _("Where can the people affected get support?"),
        SUPPORT_HINT,
        required_message=_("Say where the people affected can get support"),
        max_length=5000,
        rows=4,
    )
    affected_organisations = ModelMultipleChoiceField(
        label=_("Other organisations affected (optional)"),
        help_text=_(
            "The contract's suppliers are told anyway. Choose others from the registry that "
            "will be affected, such as partners or groups that refer people to the service. "
            "Hold Ctrl (Cmd on a Mac) to choose more than one."
        ),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10, "class": "govuk-!-width-full"}),
    )
    short_notice_reason = _text(
        _("Why must the notice be shorter than three months? (only if it is)"),
        _(
            "The Compact asks for at least three months' notice from the day it is given. "
            "Record here why that is not possible; everyone told will read it."
        ),
        required_message="",
        max_length=5000,
        rows=3,
        required=False,
    )

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["takes_effect_on"].help_text = hint(
            _(
                "At least three months after you give notice. If you do not renew, leave "
                "it blank: it takes effect when the contract ends, on %(ends)s"
            )
            % {"ends": date_in_words(contract.ends_on)},
            DATE_HINT,
        )
        suppliers = contract.suppliers.values("organisation")
        self.fields["affected_organisations"].queryset = (
            Organisation.objects.exclude(pk__in=suppliers)
            .exclude(pk=contract.publisher_id)
            .order_by("name")
        )
        self.helper = layout_helper(
            Field.radios("kind"),
            Field.text("takes_effect_on", field_width=10),
            Field.textarea("reasons", rows=5),
            Field.textarea("impact_assessment", rows=10),
            Field.textarea("support", rows=4),
            Field("affected_organisations"),
            Field.textarea("short_notice_reason", rows=3),
            submit=_("Save the plan"),
        )


class ConfirmForm(forms.Form):
    """Nothing to fill in: the button that gives notice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(submit=_("Send the notice"))
