"""Forms councillors fill in: when the digest comes, and sending an opportunity on."""

import datetime
import re

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from councillors.models import DEFAULT_SEND_AT, DEFAULT_WEEKDAY, NOTE_MAX_LENGTH, Weekday
from portal.forms import layout_helper

# 7:00, 07:00, 7.30, 0730, 7am, 7:30pm: how people write a time.
TIME = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def parse_time(text):
    """A time from ``07:00``, ``7.30``, ``0730``, ``7am`` or ``7:30pm``; ``None`` if not a time."""
    match = TIME.match(text.strip())
    if match is None:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


class UkTimeField(forms.Field):
    """A time of day typed as people write it, between 00:00 and 23:59."""

    widget = forms.TextInput

    def prepare_value(self, value):
        return value.strftime("%H:%M") if isinstance(value, datetime.time) else value

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        time = parse_time(text[:20])
        if time is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return time


class PreferencesForm(forms.Form):
    enabled = forms.TypedChoiceField(
        label=_("Do you want the weekly digest?"),
        help_text=_(
            "One email a week listing every opportunity open for bids, "
            "with those in your wards first."
        ),
        choices=[("yes", _("Yes, send me the weekly digest")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you want the weekly digest")},
    )
    weekday = forms.TypedChoiceField(
        label=_("Which day?"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the day you want the digest")},
    )
    send_at = UkTimeField(
        label=_("What time? (UK time)"),
        help_text=_("For example, 07:00 or 18:30"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter the time you want the digest, like 07:00"),
            "invalid": _("Enter a time between 00:00 and 23:59, like 07:00 or 18:30"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(
            Field.radios("enabled", legend_size=Size.MEDIUM),
            Field.radios("weekday", legend_size=Size.SMALL, small=True),
            Field.text("send_at", field_width=5),
            submit=_("Save"),
        )

    @staticmethod
    def initial_for(preference):
        return {
            "enabled": "yes" if preference.enabled else "no",
            "weekday": preference.weekday,
            "send_at": preference.send_at,
        }

    def clean(self):
        """The day and time matter only to someone who wants the digest: turning it off
        with either left blank or mistyped keeps the ones they had."""
        cleaned_data = super().clean()
        if cleaned_data.get("enabled") is False:
            kept = {"weekday": DEFAULT_WEEKDAY, "send_at": DEFAULT_SEND_AT, **self.initial}
            for name in ("weekday", "send_at"):
                if self.errors.pop(name, None):
                    cleaned_data[name] = kept[name]
        return cleaned_data


class SignpostForm(forms.Form):
    """Choose an organisation, those in the councillor's wards listed first, and add a note."""

    organisation = forms.TypedChoiceField(
        label=_("Which organisation do you want to tell?"),
        help_text=_("Organisations in your wards are listed first."),
        coerce=int,
        error_messages={
            "required": _("Choose an organisation"),
            "invalid_choice": _("Choose an organisation from the list"),
        },
    )
    note = forms.CharField(
        label=_("Your note (optional)"),
        help_text=_(
            "Why you think this suits them. We send it with your name; "
            "they can reply to you by email."
        ),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": _("Your note must be 1,000 characters or fewer"),
        },
    )

    def __init__(self, *args, in_wards, others, **kwargs):
        super().__init__(*args, **kwargs)
        self._organisations = {o.pk: o for o in [*in_wards, *others]}
        groups = [
            (label, [(o.pk, o.name) for o in group])
            for label, group in ((_("In your wards"), in_wards), (_("Other organisations"), others))
            if group
        ]
        self.fields["organisation"].choices = [("", _("Choose an organisation")), *groups]
        self.helper = layout_helper(
            Field.select("organisation"),
            Field.textarea("note", max_characters=NOTE_MAX_LENGTH),
            submit=_("Send"),
        )

    def clean_organisation(self):
        return self._organisations[self.cleaned_data["organisation"]]
