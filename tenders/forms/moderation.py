"""Forms for moderation: the chair's consensus score on one question, and the
duplication finding on a bid.

Field names match the names ``tenders.actions.moderation`` gives its errors, so
an action's ``ValidationError`` lands beside the field (``portal.forms.add_errors``).
"""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Hidden
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import layout_helper


class ConsensusForm(forms.Form):
    """The consensus score for one question of a bid (one lot of it, if scored per lot).

    Several sit on the bid's moderation page, one per question, each with its own
    ``prefix`` (``SlotScores.key``); the posted ``slot`` says which was saved.
    """

    score = forms.TypedChoiceField(
        label=_("Consensus score"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the consensus score")},
    )
    reason = forms.CharField(
        label=_("Reason for the consensus score"),
        help_text=_("Bidders read this in their assessment summary. Up to 5,000 characters."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Give the reason for the consensus score"),
            "max_length": _("The reason must be 5,000 characters or fewer"),
        },
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, criterion, lot=None, prefix, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        # Several of these forms share a page: each label names its question.
        where = (
            _("question %(number)s, %(lot)s") % {"number": criterion.number, "lot": lot}
            if lot
            else _("question %(number)s") % {"number": criterion.number}
        )
        self.fields["score"].label = _("Consensus score for %(where)s") % {"where": where}
        self.fields["reason"].label = _("Reason for the consensus score for %(where)s") % {
            "where": where
        }
        self.fields["score"].choices = [
            Choice(mark, str(mark), hint=descriptor) for mark, descriptor in criterion.marks
        ]
        self.helper = layout_helper(
            Field.radios("score"),
            Field.textarea("reason", rows=4),
            "revision",
            Hidden("slot", prefix),
            submit=_("Save the consensus score"),
        )
        self.helper.form_action = f"#{prefix}"


class DuplicationForm(forms.Form):
    """The panel's finding on whether the bid's organisations are already funded for the work."""

    concern = forms.TypedChoiceField(
        label=_("Is there a concern that this work is already funded?"),
        choices=[("no", _("No concern")), ("yes", _("Yes, there is a concern"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether there is a concern")},
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Required if there is a concern: say what it is and what should be asked."),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("The note must be 5,000 characters or fewer")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(
            Field.radios("concern"),
            Field.textarea("note", rows=4),
            submit=_("Record the finding"),
        )
