"""Forms for the bidder's side: each section of a bid, one page each.

They only read what is typed; ``tenders.actions`` checks it against the bid
(word limits, shares, breakdowns, deadlines) and the views show its refusals.
"""

from crispy_forms_gds.layout import HTML, Field, Layout, Size
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from organisations.models import Ward
from portal.forms import DateField, FormHelper, ModelMultipleChoiceField, MoneyField
from tenders.models import LivingWage, PartnerKind

SAVE_AND_CONTINUE = _("Save and continue")
SAVE_FOR_LATER = _("Save and come back later")


def _buttons(*buttons):
    """A GOV.UK button group; the first button is primary, the others secondary."""
    html = "".join(
        format_html(
            '<button type="submit" name="{}" class="govuk-button{}" data-module="govuk-button">'
            "{}</button>",
            name,
            "" if index == 0 else " govuk-button--secondary",
            label,
        )
        for index, (name, label) in enumerate(buttons)
    )
    return HTML(f'<div class="govuk-button-group">{html}</div>')


def _helper(*fields, buttons=(("continue", SAVE_AND_CONTINUE), ("later", SAVE_FOR_LATER))):
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, _buttons(*buttons))
    return helper


class LotsForm(forms.Form):
    lots = ModelMultipleChoiceField(
        label=_("Which lots are you bidding for?"),
        help_text=_("Choose all that apply"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one lot")},
    )

    def __init__(self, *args, opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lots"].queryset = opportunity.lots.all()
        self.helper = _helper(Field("lots"))
        self.helper.legend_size = Size.MEDIUM


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), required=False, widget=forms.Textarea)

    def __init__(self, *args, criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = criterion.question
        # The character count needs a hint to describe the box.
        self.fields["text"].help_text = _("Up to %(limit)s words") % {"limit": criterion.word_limit}
        self.helper = _helper(
            Field.textarea("text", rows=14, max_words=criterion.word_limit, label_size=Size.MEDIUM)
        )


class PriceForm(forms.Form):
    """One unit price per line of the schedule, and the four costs when a breakdown is asked."""

    BREAKDOWN = {
        "direct_delivery": _("Direct delivery costs"),
        "staff": _("Staff costs"),
        "volunteer_expenses": _("Volunteer expenses"),
        "overheads": _("Share of overheads"),
    }

    def __init__(self, *args, lines, breakdown, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            unit = line.unit or _("unit")
            self.fields[f"line_{line.pk}"] = MoneyField(
                label=_("%(line)s: price per %(unit)s") % {"line": line.description, "unit": unit},
                help_text=_("Quantity: %(quantity)s %(unit)s. In pounds, like £1,250.50")
                % {"quantity": f"{line.quantity.normalize():f}", "unit": unit},
                max_digits=12,
                decimal_places=2,
                error_messages={"required": _("Enter the price of “%s”") % line.description},
            )
        if breakdown:
            for name, label in self.BREAKDOWN.items():
                self.fields[name] = MoneyField(
                    label=label,
                    max_digits=12,
                    decimal_places=2,
                    error_messages={"required": _("Enter the %s, £0 or more") % label.lower()},
                )
        layout = [
            Field.text(name, field_width=10) for name in self.fields if name.startswith("line_")
        ]
        if breakdown:
            layout.append(
                HTML(
                    format_html(
                        '<h2 class="govuk-heading-m">{}</h2><p class="govuk-body">{}</p>',
                        _("Full cost breakdown"),
                        _(
                            "Split the price into its full costs. The four amounts must add "
                            "up to the price."
                        ),
                    )
                )
            )
            layout.extend(Field.text(name, field_width=10) for name in self.BREAKDOWN)
        self.helper = _helper(*layout)

    def unit_prices(self):
        return {line: self.cleaned_data[f"line_{line.pk}"] for line in self.lines}

    def breakdown(self):
        names = [name for name in self.BREAKDOWN if name in self.fields]
        return {name: self.cleaned_data[name] for name in names} or None


class _PartnerFields(forms.Form):
    kind = forms.ChoiceField(
        label=_("Their role"),
        choices=PartnerKind.choices,
        widget=forms.RadioSelect,
        initial=PartnerKind.PARTNER,
        error_messages={"required": _("Choose their role")},
    )
    share_percent = forms.DecimalField(
        label=_("Their share of the work (%)"),
        help_text=_("For example, 25. Partners' shares must add up to less than 100%."),
        max_digits=5,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": _("Enter their share of the work"),
            "invalid": _("Enter their share as a number, like 25"),
        },
    )


class RegisteredPartnerForm(_PartnerFields):
    organisation = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "organisation",
            Field("kind"),
            Field.text("share_percent", field_width=4),
            buttons=(("add", _("Add partner")),),
        )


class UnregisteredPartnerForm(_PartnerFields):
    prefix = "other"
    name = forms.CharField(
        label=_("Organisation name"),
        max_length=200,
        error_messages={"required": _("Enter the partner's name")},
    )
    identifier = forms.CharField(
        label=_("Charity or company number"),
        max_length=100,
        error_messages={"required": _("Enter the partner's charity or company number")},
    )
    field_order = ["name", "identifier", "kind", "share_percent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "name",
            Field.text("identifier", field_width=20),
            Field("kind"),
            Field.text("share_percent", field_width=4),
            buttons=(("add_other", _("Add partner")),),
        )


class CommitmentForm(forms.Form):
    measure = forms.CharField(
        label=_("What you will do"),
        help_text=_("For example, recruit local volunteers or create apprenticeships"),
        max_length=300,
        error_messages={"required": _("Enter what you will do")},
    )
    quantity = forms.DecimalField(
        label=_("How many"),
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": _("Enter how many, more than 0"),
            "invalid": _("Enter how many as a number, like 100"),
        },
    )
    unit = forms.CharField(
        label=_("Unit"),
        help_text=_("For example, hours, apprenticeships or places"),
        max_length=50,
        error_messages={"required": _("Enter the unit, like hours or apprenticeships")},
    )
    citywide = forms.BooleanField(label=_("Across the whole city"), required=False)
    wards = ModelMultipleChoiceField(
        label=_("Or the wards it benefits"),
        queryset=Ward.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "measure",
            Field.text("quantity", field_width=5),
            Field.text("unit", field_width=10),
            Field("citywide"),
            Field("wards"),
            buttons=(("add", _("Add commitment")),),
        )


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class DeclarationsForm(forms.Form):
    has_other_funding = forms.TypedChoiceField(
        label=_("Do you have other funding for the same or similar work?"),
        help_text=_("Grants or contracts from anyone, the council included"),
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you have other funding for this work")},
    )
    has_conflicts = forms.TypedChoiceField(
        label=_("Do you have any conflicts of interest?"),
        help_text=_("For example, a trustee who works for the council"),
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you have any conflicts of interest")},
    )
    conflicts = forms.CharField(
        label=_("If yes, describe them"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    living_wage = forms.ChoiceField(
        label=_("The Real Living Wage"),
        choices=LivingWage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you pay the Real Living Wage")},
    )

    def __init__(self, *args, bid=None, **kwargs):
        if bid is not None and "initial" not in kwargs:
            as_word = {True: "yes", False: "no", None: None}
            kwargs["initial"] = {
                "has_other_funding": as_word[bid.has_other_funding],
                "has_conflicts": as_word[bid.has_conflicts],
                "conflicts": bid.conflicts,
                "living_wage": bid.living_wage or None,
            }
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("has_other_funding"), Field("has_conflicts"), "conflicts", Field("living_wage")
        )


class FundingForm(forms.Form):
    prefix = "funding"
    funder = forms.CharField(
        label=_("Funder"), max_length=200, error_messages={"required": _("Enter who funds it")}
    )
    activity = forms.CharField(
        label=_("What it funds"),
        max_length=500,
        error_messages={"required": _("Enter what it funds")},
    )
    amount = MoneyField(
        label=_("Amount"),
        max_digits=12,
        decimal_places=2,
        error_messages={"required": _("Enter the amount")},
    )
    starts_on = DateField(
        label=_("Start date"), error_messages={"required": _("Enter the start date")}
    )
    ends_on = DateField(label=_("End date (if it has one)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "funder",
            "activity",
            Field.text("amount", field_width=10),
            Field.text("starts_on", field_width=10),
            Field.text("ends_on", field_width=10),
            buttons=(("add_funding", _("Add funding")),),
        )


class AttachmentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        help_text=_("For example, Safeguarding policy or Delivery plan"),
        max_length=200,
        error_messages={"required": _("Enter a title for the file")},
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, OpenDocument, PNG or JPEG, smaller than 10 MB"),
        error_messages={"required": _("Choose a file to upload")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("title", "file", buttons=(("upload", _("Upload file")),))
