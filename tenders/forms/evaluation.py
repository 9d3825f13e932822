"""Forms of the evaluation: naming the panel, declaring interests and scoring a bid.

They read what is typed; ``tenders.actions`` decides (who may sit on a panel,
what a declaration needs, whether a score is on the scale and has a reason) and
the views put its refusals beside the fields.
"""

from crispy_forms_gds.layout import Field
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import FormHelper, ModelMultipleChoiceField, layout_helper
from tenders.actions import slot_ids, slot_key, slot_name
from tenders.models import PanelRole

ROLE_FIELD = {
    "label": _("Their role on the panel"),
    "choices": PanelRole.choices,
    "widget": forms.RadioSelect,
    "error_messages": {"required": _("Select the evaluator's role on the panel")},
}


class PanelMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The address they sign in with. They must have the evaluator role."),
        error_messages={
            "required": _("Enter the evaluator's email address"),
            "invalid": _("Enter an email address like name@example.org"),
        },
    )
    role = forms.ChoiceField(initial=PanelRole.OFFICER, **ROLE_FIELD)
    chair = forms.BooleanField(label=_("They chair the panel"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(
            Field.text("email", field_width=20),
            Field.radios("role"),
            Field.checkboxes("chair"),
            submit=_("Add to the panel"),
        )


class PanelRoleForm(forms.Form):
    role = forms.ChoiceField(**ROLE_FIELD)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(Field.radios("role"), submit=_("Save"))


class DeclarationForm(forms.Form):
    """No conflict, or a conflict with named bidders, described.

    Once the evaluator has declared, the form only takes a further conflict.
    """

    NONE, SOME = "none", "some"
    has_conflict = forms.ChoiceField(
        label=_("Do you have a conflict of interest with any of these bidders?"),
        choices=[
            (NONE, _("I have no conflict of interest")),
            (SOME, _("I have a conflict of interest with the bidders I choose below")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you have a conflict of interest")},
    )
    conflicts = ModelMultipleChoiceField(
        label=_("Which bidders do you have a conflict with?"),
        help_text=_("Only if you have a conflict: choose every bidder it concerns"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    declaration = forms.CharField(
        label=_("Describe the conflict"),
        help_text=_(
            "For example, you are a trustee of the organisation, or a relative works for it. "
            "You can enter up to 2,000 characters."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("The description must be 2,000 characters or fewer")},
    )

    def __init__(self, *args, bids, declared, **kwargs):
        super().__init__(*args, **kwargs)
        self.declared = declared
        conflicts = self.fields["conflicts"]
        conflicts.queryset = bids
        conflicts.label_from_instance = bidder_label
        fields = [Field.checkboxes("conflicts"), Field.textarea("declaration", rows=4)]
        if declared:
            del self.fields["has_conflict"]
            conflicts.label = _("Which bidders do you now have a conflict with?")
            submit = _("Declare this conflict")
        else:
            fields.insert(0, Field.radios("has_conflict"))
            submit = _("Declare")
        self.helper = layout_helper(*fields, submit=submit)

    def clean(self):
        cleaned = super().clean()
        if not self.declared and cleaned.get("has_conflict") == self.NONE:
            cleaned["conflicts"], cleaned["declaration"] = [], ""
            return cleaned
        if "conflicts" in cleaned and not cleaned["conflicts"]:
            self.add_error("conflicts", _("Choose the bidders you have a conflict with"))
        if "declaration" in cleaned and not cleaned["declaration"].strip():
            self.add_error("declaration", _("Describe the conflict of interest"))
        return cleaned


def bidder_label(bid):
    """A bidder as an evaluator declares against it: the lead and its partners, by name."""
    partners = [partner["name"] for partner in bid.frozen_partners or []]
    if not partners:
        return bid.organisation.name
    return _("%(lead)s, with %(partners)s") % {
        "lead": bid.organisation.name,
        "partners": ", ".join(partners),
    }


class ScoreField(forms.TypedChoiceField):
    """A mark chosen from the scale's radios. Whether it is on the scale is left to the
    scoring action, so its refusal comes with any other for the bid at once."""

    def valid_value(self, value):
        return True


class ScoresForm(forms.Form):
    """A score (on the question's scale) and a reason for every question a bid is scored on.

    Fields are ``score_<slot key>`` and ``reason_<slot key>``, the names the
    scoring actions give their refusals.
    """

    def __init__(self, *args, slots, sheet=None, moderated=frozenset(), **kwargs):
        """``moderated``: the ``(criterion id, lot id)`` the chair has agreed a score for;
        their fields are shown but cannot change."""
        super().__init__(*args, **kwargs)
        self.slots = slots
        # The page lays the fields out beside the answers; the helper serves the error summary.
        self.helper = FormHelper()
        self.helper.form_tag = False
        saved = {(s.criterion_id, s.lot_id): s for s in sheet.scores.all()} if sheet else {}
        for slot in slots:
            key = slot_key(slot)
            score = saved.get(slot_ids(slot))
            self.fields[f"score_{key}"] = ScoreField(
                label=_("Your score for %(slot)s") % {"slot": slot_name(slot)},
                choices=[
                    (mark, f"{mark}: {descriptor}") for mark, descriptor in slot.criterion.marks
                ],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial=score.score if score else None,
                error_messages={
                    "invalid_choice": _("The score for %(slot)s must be between 0 and %(top)s")
                    % {"slot": slot_name(slot), "top": slot.criterion.scale_max}
                },
            )
            self.fields[f"reason_{key}"] = forms.CharField(
                label=_("Why this score for %(slot)s?") % {"slot": slot_name(slot)},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=score.reason if score else "",
                error_messages={
                    "max_length": _("The reason for %(slot)s must be 5,000 characters or fewer")
                    % {"slot": slot_name(slot)}
                },
            )

            if slot_ids(slot) in moderated:
                self.fields[f"score_{key}"].disabled = True
                self.fields[f"reason_{key}"].disabled = True

    def rows(self):
        """``(slot, score field, reason field)`` for each question, in order."""
        return [
            (slot, self[f"score_{slot_key(slot)}"], self[f"reason_{slot_key(slot)}"])
            for slot in self.slots
        ]

    def marks(self):
        """``{slot: (score or None, reason)}``, for ``tenders.actions.save_scores``."""
        return {
            slot: (
                self.cleaned_data[f"score_{slot_key(slot)}"],
                self.cleaned_data[f"reason_{slot_key(slot)}"],
            )
            for slot in self.slots
        }
