"""Forms for taking part in an opportunity: questions, answers, partners and alerts."""

from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from opportunities.models import Frequency, PartnerRole
from portal.forms import FormHelper


def _helper(*fields, submit):
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    helper.label_size = Size.SMALL
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        help_text=_(
            "The question and its answer are published on the opportunity's page. "
            "Nobody is told who asked."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Enter your question"),
            "max_length": _("Your question must be 2,000 characters or fewer"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("text", rows=6, max_characters=2000),
            submit=_("Send question"),
        )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        help_text=_("Published on the opportunity's page and emailed to its followers."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Enter the answer"),
            "max_length": _("The answer must be 5,000 characters or fewer"),
        },
    )

    def __init__(self, *args, question=None, **kwargs):
        if question is not None:
            # One form per question on a page: ids must not clash.
            kwargs.setdefault("prefix", f"question-{question.pk}")
        super().__init__(*args, **kwargs)
        self.helper = _helper("answer", submit=_("Publish answer"))
        self.helper.form_tag = False


class PartnerListingForm(forms.Form):
    role = forms.ChoiceField(
        label=_("What does your organisation want to be?"),
        choices=PartnerRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what your organisation wants to be")},
    )
    message = forms.CharField(
        label=_("What you offer and what you are looking for"),
        help_text=_("For example, the services you run, the wards you cover, the skills you need."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Say what your organisation offers and looks for"),
            "max_length": _("The message must be 2,000 characters or fewer"),
        },
    )

    def __init__(self, *args, updating=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("role", legend_size=Size.SMALL, small=True),
            "message",
            submit=_("Update your listing") if updating else _("Add your organisation"),
        )


class PartnerContactForm(forms.Form):
    """A message relayed to another organisation, and whether they may reply to ``email``."""

    message = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Enter your message"),
            "max_length": _("Your message must be 2,000 characters or fewer"),
        },
    )
    share_address = forms.BooleanField(required=False)

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["share_address"].label = _("Let them reply to me by email at %(email)s") % {
            "email": email
        }
        self.helper = _helper("message", "share_address", submit=_("Send message"))


class SavedSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Name for this search"),
        help_text=_("For example, ‘Youth work in Aston’."),
        max_length=100,
        error_messages={
            "required": _("Give the search a name"),
            "max_length": _("The name must be 100 characters or fewer"),
        },
    )
    frequency = forms.ChoiceField(
        label=_("How often do you want alerts?"),
        choices=Frequency.choices,
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
        help_text=_("We only email when there is something new."),
        error_messages={"required": _("Choose how often to get alerts")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "name",
            Field.radios("frequency", legend_size=Size.SMALL, small=True),
            submit=_("Save search"),
        )
