"""The exchange's forms: posting needs and offers, proposing and answering matches, and
recording and confirming help given. Rules beyond one field live in the actions."""

from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from exchange.models import Kind, Unit
from organisations.models import Ward
from portal.forms import DateField, FormHelper, ModelMultipleChoiceField, MoneyField

QUANTITY_HINT = _("A number, like 7 or 2.5")


def quantity_field(label, **kwargs):
    return forms.DecimalField(
        label=label,
        min_value=0.01,
        max_digits=10,
        decimal_places=2,
        help_text=kwargs.pop("help_text", QUANTITY_HINT),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": _("Enter how many"),
            "invalid": _("Enter how many as a number, like 7 or 2.5"),
            "min_value": _("How many must be more than 0"),
        },
        **kwargs,
    )


def pledge_label(pledge):
    """``CON-2026-0001: 200 hours, Hours of volunteering for local groups``."""
    amount = f"{pledge.quantity.normalize():f} {pledge.unit}"
    return f"{pledge.contract.reference}: {amount}, {pledge.measure}"


def _helper(submit, *fields):
    helper = FormHelper()
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class NeedForm(forms.Form):
    title = forms.CharField(
        label=_("What do you need?"),
        max_length=200,
        help_text=_("In a few words, like ‘A mentor for our new treasurer’"),
        error_messages={"required": _("Say what you need")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of help"), choices=Kind.choices, widget=forms.RadioSelect
    )
    quantity = quantity_field(_("How much?"))
    unit = forms.ChoiceField(label=_("Counted in"), choices=Unit.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("More about it"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the help involves and when it suits you"),
        error_messages={"required": _("Say more about what you need")},
    )
    why = forms.CharField(
        label=_("Why it matters"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who it helps and what difference it will make"),
        error_messages={"required": _("Say why it matters")},
    )
    ward = forms.ModelChoiceField(
        label=_("Ward"),
        queryset=Ward.objects.order_by("name"),
        empty_label=_("Select a ward"),
        help_text=_("Where the people it helps are"),
        error_messages={"required": _("Select the ward where the people it helps are")},
    )
    online = forms.BooleanField(label=_("It can be given online"), required=False)
    needed_by = DateField(
        label=_("Needed by"), error_messages={"required": _("Enter the date you need it by")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            _("Post the need"),
            Field.text("title"),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("quantity", field_width=5),
            Field.radios("unit", legend_size=Size.SMALL, inline=True),
            Field.textarea("description"),
            Field.textarea("why"),
            Field.select("ward"),
            Field.checkbox("online"),
            Field.text("needed_by", field_width=10),
        )


class OfferForm(forms.Form):
    title = forms.CharField(
        label=_("What do you offer?"),
        max_length=200,
        help_text=_("In a few words, like ‘Finance mentoring from our accountants’"),
        error_messages={"required": _("Say what you offer")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of help"), choices=Kind.choices, widget=forms.RadioSelect
    )
    capacity = quantity_field(_("How much in all?"))
    unit = forms.ChoiceField(label=_("Counted in"), choices=Unit.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("More about it"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say more about what you offer")},
    )
    citywide = forms.BooleanField(label=_("Anywhere in the city"), required=False)
    wards = ModelMultipleChoiceField(
        label=_("Or in these wards"),
        queryset=Ward.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    online = forms.BooleanField(label=_("It can be given online"), required=False)
    available_from = DateField(
        label=_("Available from"), error_messages={"required": _("Enter the date it starts")}
    )
    available_until = DateField(
        label=_("Available until"), error_messages={"required": _("Enter the date it ends")}
    )
    pledge = forms.ModelChoiceField(
        label=_("Contract pledge it delivers (optional)"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("Help confirmed by the groups you give it to will count towards the pledge"),
    )

    def __init__(self, *args, pledges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pledge"].queryset = pledges
        self.fields["pledge"].label_from_instance = pledge_label
        fields = [
            Field.text("title"),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("capacity", field_width=5),
            Field.radios("unit", legend_size=Size.SMALL, inline=True),
            Field.textarea("description"),
            Field.checkbox("citywide"),
            Field.checkboxes("wards", legend_size=Size.SMALL, small=True),
            Field.checkbox("online"),
            Field.text("available_from", field_width=10),
            Field.text("available_until", field_width=10),
        ]
        if pledges.exists():
            fields.append(Field.select("pledge"))
        else:
            del self.fields["pledge"]
        self.helper = _helper(_("Post the offer"), *fields)


class ProposeForm(forms.Form):
    """One side proposes: the giver picks one of its offers, the recipient one of its needs."""

    choice = forms.ModelChoiceField(queryset=None, empty_label=None, widget=forms.RadioSelect)
    quantity = quantity_field(_("How much?"))
    message = forms.CharField(
        label=_("Message (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to them through the portal; your email address is not shown"),
    )

    def __init__(self, *args, choices, label, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].queryset = choices
        self.fields["choice"].label = label
        self.fields["quantity"].label = _("How many %(unit)s?") % {"unit": Unit(unit).label}
        only = list(choices[:2])
        if len(only) == 1:
            self.fields["choice"].initial = only[0].pk
        self.fields["choice"].error_messages["required"] = _("Choose one")
        self.helper = _helper(
            _("Propose the match"),
            Field.radios("choice", legend_size=Size.SMALL),
            Field.text("quantity", field_width=5),
            Field.textarea("message"),
        )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Reply (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to them with your answer; your email address is not shown"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page gives it two buttons: accept and decline
        self.helper.layout = Layout(Field.textarea("answer"))


class DeliveryForm(forms.Form):
    quantity = quantity_field(_("How much was given?"))
    delivered_on = DateField(
        label=_("Date it was given"), error_messages={"required": _("Enter the date it was given")}
    )
    value = MoneyField(
        label=_("Value in pounds (optional)"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("What it would have cost to buy, like £350"),
    )
    note = forms.CharField(
        label=_("What was given (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            _("Record it"),
            Field.text("quantity", field_width=5),
            Field.text("delivered_on", field_width=10),
            Field.text("value", field_width=10),
            Field.textarea("note"),
        )


class ConfirmForm(forms.Form):
    testimonial = forms.CharField(
        label=_("What difference did it make? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown publicly with the help given, as you write it"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Confirm it was given"), Field.textarea("testimonial"))


class ExtendForm(forms.Form):
    needed_by = DateField(
        label=_("New date it is needed by"),
        error_messages={"required": _("Enter the new date")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Extend"), Field.text("needed_by", field_width=10))


class PledgeLinkForm(forms.Form):
    pledge = forms.ModelChoiceField(queryset=None, required=False, empty_label=_("None"))

    def __init__(self, *args, pledges, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["pledge"]
        field.queryset = pledges
        field.label = _("Contract pledge this offer delivers")
        field.label_from_instance = pledge_label
        self.helper = _helper(_("Save"), Field.radios("pledge", legend_size=Size.SMALL))
