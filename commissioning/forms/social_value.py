"""The supplier's form for a social value return: the period, what was done, and the
postcodes with how many people at each."""

from crispy_forms_gds.layout import Field
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import DATE_HINT, DateField, date_invalid, hint, layout_helper

LINES_HINT = _(
    "One postcode a line, then a comma and how many people (or hours, or whatever the "
    "pledge counts) there, like B15 2TT, 3. Use the postcode where each person lives "
    "or, for new jobs, the employee’s home postcode. We keep only the ward and the first "
    "part of the postcode (B15), never the full postcode."
)


class LinesForm(forms.Form):
    lines = forms.CharField(
        label=_("Postcodes and how many at each"),
        help_text=LINES_HINT,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        max_length=50_000,
        error_messages={"required": _("Enter at least one postcode and how many")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(Field.textarea("lines", rows=8), submit=_("Add these lines"))

    def add_rejected(self, rejected):
        """Put each refused line's message on the lines box, numbered as typed."""
        for line in rejected:
            self.add_error(
                "lines",
                _("Line %(number)s (%(text)s): %(message)s")
                % {"number": line.number, "text": line.text, "message": line.message},
            )


class SocialValueReturnForm(LinesForm):
    period_start = DateField(
        label=_("Start of the period"),
        help_text=hint(_("The first day this return covers"), DATE_HINT),
        error_messages={
            "required": _("Enter the start of the period"),
            "invalid": date_invalid(_("The start of the period")),
        },
    )
    period_end = DateField(
        label=_("End of the period"),
        help_text=hint(_("The last day this return covers"), DATE_HINT),
        error_messages={
            "required": _("Enter the end of the period"),
            "invalid": date_invalid(_("The end of the period")),
        },
    )
    description = forms.CharField(
        label=_("What was delivered (optional)"),
        help_text=_("For example, the roles filled or the sessions run."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("What was delivered must be 5,000 characters or less")},
    )

    field_order = ["period_start", "period_end", "description", "lines"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(
            Field.text("period_start", field_width=10),
            Field.text("period_end", field_width=10),
            Field.textarea("description", rows=3),
            Field.textarea("lines", rows=8),
            submit=_("Send the return"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end of the period must be on or after its start"))
        return cleaned
