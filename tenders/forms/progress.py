"""The commissioner's form for what bidders are told during evaluation."""

from crispy_forms_gds.layout import Field
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.forms import DATE_HINT, DateField, date_invalid, hint, layout_helper
from tenders.actions.progress import NOTE_LENGTH


class ProgressForm(forms.Form):
    decision_expected_on = DateField(
        label=_("When do you expect to make the award decision?"),
        help_text=hint(_("Bidders are told this at least every two weeks"), DATE_HINT),
        error_messages={
            "required": _("Enter the date you expect to make the decision"),
            "invalid": date_invalid(_("The expected decision date")),
        },
    )
    evaluation_note = forms.CharField(
        label=_("What bidders are told about progress (optional)"),
        help_text=format_lazy(
            _(
                "For example, that the panel meets again next week. Every bidder reads it in "
                "their next update and on their bid's page. You can enter up to {} characters."
            ),
            NOTE_LENGTH,
        ),
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": format_lazy(
                _("What bidders are told must be {} characters or less"), NOTE_LENGTH
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(
            Field.text("decision_expected_on", field_width=10),
            Field.textarea("evaluation_note", rows=3),
            submit=_("Save"),
        )
