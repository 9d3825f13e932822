"""Forms for scrutiny officers and the people who answer for recommendations."""

import datetime as dt
import re

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from portal.formats import date_in_words
from portal.forms import DATE_HINT, DateField, date_invalid, deadline_fields, hint, layout_helper
from tracking.actions.text import too_long_message
from tracking.models import (
    Assessment,
    Category,
    EvidenceUpdate,
    Inquiry,
    Recommendation,
    TargetDate,
)


def _date(label, *, required=True, help_text=DATE_HINT, required_message=None):
    return DateField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages={
            "required": required_message or _("Enter the %(label)s") % {"label": label.lower()},
            "invalid": date_invalid(label),
        },
    )


def _long_text(model, field_name, *, label, rows, **kwargs):
    """A text box limited to the model field's ``max_length``.

    The limit shows as GOV.UK's character count (``_text_box``), not as a
    ``maxlength`` attribute, which would cut pasted text short without a word.
    """
    field = forms.CharField(
        label=label,
        max_length=model._meta.get_field(field_name).max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )
    field.error_messages["max_length"] = lazy(too_long_message, str)(model, field_name)
    field.widget.attrs.pop("maxlength", None)
    return field


def _text_box(name, form):
    """The layout of a ``_long_text`` field: its rows and a count of characters left."""
    field = form.fields[name]
    return Field.textarea(name, rows=field.widget.attrs["rows"], max_characters=field.max_length)


def _category_field(label):
    return forms.TypedChoiceField(
        label=label,
        choices=[Choice(c.value, f"{c.value} – {c.label}", hint=c.criteria) for c in Category],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a category")},
    )


class InquiryForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Enter the title")}
    )
    slug = forms.SlugField(
        label=_("Short name for the web address"),
        max_length=80,
        help_text=_("Lower-case letters, numbers and hyphens, like council-commissioning"),
        error_messages={
            "required": _("Enter a short name for the web address"),
            "invalid": _("Use only lower-case letters, numbers and hyphens"),
        },
    )
    committee_name = forms.CharField(
        label=_("Committee that held the inquiry"),
        max_length=200,
        help_text=_("Type a new name to add a committee"),
        widget=forms.TextInput(attrs={"list": "committees", "autocomplete": "off"}),
        error_messages={"required": _("Enter the committee's name")},
    )
    lead_member = forms.CharField(
        label=_("Member who led the review"),
        max_length=150,
        error_messages={"required": _("Enter the member who led the review")},
    )
    lead_officer = forms.CharField(
        label=_("Lead officer for the review"),
        max_length=150,
        error_messages={"required": _("Enter the lead officer")},
    )
    approved_on = _date(
        _("Date approved at full council"),
        required_message=_("Enter the date full council approved the inquiry"),
    )
    summary = _long_text(
        Inquiry,
        "summary",
        label=_("Summary"),
        rows=5,
        required=False,
        help_text=_("You can use Markdown: blank lines between paragraphs, - for lists."),
    )
    report_url = forms.URLField(
        label=_("Link to the published report (optional)"),
        required=False,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"autocomplete": "url", "spellcheck": "false"}),
        error_messages={"invalid": _("Enter a web address, like https://example.org/report.pdf")},
    )
    officer = forms.ModelChoiceField(
        label=_("Scrutiny officer"),
        help_text=_("Told when the executive's assessments are late"),
        queryset=User.objects.filter(is_scrutiny_officer=True, is_active=True),
        empty_label=None,
    )

    def __init__(self, *args, submit, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(
            Field.text("title", field_width=Fluid.FULL),
            Field.text("slug", field_width=Fluid.TWO_THIRDS),
            Field.text("committee_name", field_width=Fluid.FULL),
            Field.text("lead_member", field_width=Fluid.TWO_THIRDS),
            Field.text("lead_officer", field_width=Fluid.TWO_THIRDS),
            Field.text("approved_on", field_width=10),
            _text_box("summary", self),
            Field.text("report_url", field_width=Fluid.FULL),
            "officer",
            submit=submit,
        )


# A label is parted from its date by a dash with spaces round it, so a date
# may have dashes of its own (27-3-2027).
_TARGET_LINE = re.compile(r"^(?:(?P<label>.+)\s+[–-]\s+)?(?P<when>\S+(?:\s\S+)*)$")


def parse_target(line):
    """``Completed – January 2016`` → label, last day of the month, month only.

    The date may be a month and year, ``31 January 2016``, or any form a date
    box takes (``31/1/2016``, ``31 1 2016``, ``31-1-2016``).
    """
    match = _TARGET_LINE.match(line.strip())
    if match is None:
        raise ValueError
    label, when = (match["label"] or "").strip(), match["when"].strip()
    for pattern in ("%B %Y", "%b %Y"):
        try:
            month = dt.datetime.strptime(when, pattern)
        except ValueError:
            continue
        return {
            "label": label,
            "due_on": TargetDate.end_of_month(month.year, month.month),
            "month_only": True,
        }
    for pattern in ("%d %B %Y", "%d %b %Y", *DateField.input_formats):
        try:
            day = dt.datetime.strptime(when, pattern).date()
        except ValueError:
            continue
        return {"label": label, "due_on": day, "month_only": False}
    raise ValueError


class RecommendationForm(forms.Form):
    reference = forms.RegexField(
        label=_("Reference"),
        regex=r"^[Rr]\d{2,3}$",
        max_length=10,
        help_text=_("R followed by two digits, like R01"),
        error_messages={
            "required": _("Enter the reference, like R01"),
            "invalid": _("Enter the reference as R followed by two digits, like R01"),
        },
    )
    text = _long_text(
        Recommendation,
        "text",
        label=_("Recommendation"),
        rows=10,
        help_text=_(
            "As approved. Put each sub-part on its own line starting with a hyphen, "
            "like “- a) Recognises that…”."
        ),
        error_messages={"required": _("Enter the recommendation")},
    )
    responsibility = _long_text(
        Recommendation,
        "responsibility",
        label=_("Responsibility"),
        rows=3,
        help_text=_("As the report words it, like “Cabinet Member for Commissioning, …”"),
        error_messages={"required": _("Enter who is responsible")},
    )
    people = forms.CharField(
        label=_("Email addresses of the people who answer for it"),
        help_text=_(
            "One per line. They submit the executive's assessment each round and get "
            "the reminders. Each needs an account on the portal."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    targets = forms.CharField(
        label=_("Target dates"),
        help_text=_(
            "One per line, with an optional label, like “Interim report – October 2015” "
            "or “Completed – 31/1/2016”. The latest is the target for completion."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter at least one target date")},
    )

    def __init__(self, *args, submit, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(
            Field.text("reference", field_width=5),
            _text_box("text", self),
            _text_box("responsibility", self),
            "people",
            "targets",
            submit=submit,
        )

    def clean_reference(self):
        return self.cleaned_data["reference"].upper()

    def clean_people(self):
        addresses = [line.strip() for line in self.cleaned_data["people"].splitlines()]
        addresses = [address for address in addresses if address]
        people = {
            u.email.lower(): u
            for u in User.objects.filter(is_active=True, email__in=[a.lower() for a in addresses])
        }
        unknown = [address for address in addresses if address.lower() not in people]
        if unknown:
            raise ValidationError(
                _("No one with a portal account has the address %(addresses)s")
                % {"addresses": ", ".join(unknown)}
            )
        return list(people.values())

    def clean_targets(self):
        targets = []
        for number, line in enumerate(self.cleaned_data["targets"].splitlines(), start=1):
            if not line.strip():
                continue
            try:
                targets.append(parse_target(line))
            except ValueError:
                raise ValidationError(
                    _(
                        "Line %(number)s, “%(line)s”, is not a date: write it like "
                        "“Completed – January 2016” or “31/1/2016”"
                    )
                    % {"number": number, "line": line.strip()}
                ) from None
        if not targets:
            raise ValidationError(_("Enter at least one target date"))
        return targets


class RoundForm(forms.Form):
    committee_name = forms.CharField(
        label=_("Committee it reports to"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "committees", "autocomplete": "off"}),
        error_messages={"required": _("Enter the committee's name")},
    )
    report_of = forms.CharField(
        label=_("Report of"),
        max_length=200,
        help_text=_("Who presents the progress report, like “Cabinet Member for …”"),
        error_messages={"required": _("Enter who the report is of")},
    )
    meeting_on = _date(
        _("Date of the committee meeting"),
        required_message=_("Enter the date of the committee meeting"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(deadline_fields("submission", _("Deadline for assessments")))
        deadline = self.initial.get("submission_deadline")
        if deadline:
            local = timezone.localtime(deadline)
            self.initial["submission_date"] = local.date()
            self.initial["submission_time"] = local.time()
        self.helper = layout_helper(
            Field.text("committee_name", field_width=Fluid.FULL),
            Field.text("report_of", field_width=Fluid.FULL),
            Field.text("meeting_on", field_width=10),
            Field.text("submission_date", field_width=10),
            Field.text("submission_time", field_width=5),
            submit=_("Open the round"),
        )

    def clean(self):
        cleaned = super().clean()
        date, time = cleaned.get("submission_date"), cleaned.get("submission_time")
        if date and time:
            cleaned["submission_deadline"] = timezone.make_aware(dt.datetime.combine(date, time))
        return cleaned


class AssessmentForm(forms.Form):
    """The executive's assessment; the category hints say what each one needs."""

    category = _category_field(_("Your assessment"))
    achieved_on = _date(_("Date achieved"), required=False)
    anticipated_on = _date(
        _("Anticipated completion date"),
        required=False,
        help_text=hint(_("Needed for 3 and 5."), DATE_HINT),
    )
    evidence = _long_text(
        EvidenceUpdate,
        "text",
        label=_("Evidence of progress"),
        rows=10,
        help_text=_(
            "Added to the evidence already given, under this round's date. It cannot be "
            "changed later. You can use Markdown: - for lists."
        ),
        error_messages={"required": _("Enter the evidence of progress")},
    )

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        target = recommendation.completion_target
        if target is not None:
            self.fields["achieved_on"].help_text = hint(
                _(
                    "If it is achieved. The target was %(date)s: done by then is 1 Achieved "
                    "(fully), after it is 2 Achieved (late)."
                )
                % {"date": date_in_words(target)},
                DATE_HINT,
            )
            # static/js/portal.mjs picks 1 or 2 from the date typed.
            self.fields["achieved_on"].widget.attrs["data-completion-target"] = target.isoformat()
        self.helper = layout_helper(
            Field.radios("category", legend_size=Size.MEDIUM),
            Field.text("achieved_on", field_width=10),
            Field.text("anticipated_on", field_width=10),
            _text_box("evidence", self),
            submit=_("Submit assessment"),
        )


class DecisionForm(forms.Form):
    category = _category_field(_("The committee's decision"))
    anticipated_on = _date(
        _("Anticipated completion date"),
        required=False,
        help_text=hint(_("Needed for 3 and 5."), DATE_HINT),
    )
    comment = _long_text(
        Assessment,
        "decision_comment",
        label=_("The committee's comment (optional)"),
        rows=4,
        required=False,
        # crispy-forms-gds needs a hint beside a character count.
        help_text=_("Shown in the progress report beside the decision."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(
            Field.radios("category", legend_size=Size.MEDIUM),
            Field.text("anticipated_on", field_width=10),
            _text_box("comment", self),
            submit=_("Record decision"),
        )
