"""Forms for engagement events: the event, registering an attendee, and what it changed."""

import datetime as dt

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commissioning.actions.engagement import check_event
from commissioning.models import EngagementEvent, EventKind, Project, Registration
from portal.forms import deadline_fields, layout_helper

EVENT_FIELDS = [
    "kind",
    "title",
    "description",
    "online",
    "venue",
    "joining_details",
    "capacity",
    "accessibility",
    "contact_email",
]


class EventForm(forms.ModelForm):
    """Everything a commissioner says about an event; the times are entered in UK time."""

    project = forms.ModelChoiceField(
        label=_("Project (optional)"),
        help_text=_("The commissioning project the event informs"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("Not for a particular project"),
    )

    class Meta:
        model = EngagementEvent
        fields = EVENT_FIELDS
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 5}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
            "capacity": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        labels = {
            "online": _("The event is online"),
            "accessibility": _("Accessibility (optional)"),
            "joining_details": _("How to join online (if it is online)"),
        }
        help_texts = {
            "accessibility": _("For example, step-free access, hearing loop, BSL interpreter"),
            "venue": _("Leave empty if the event is online"),
            "capacity": _("How many people can come"),
        }
        error_messages = {
            "kind": {"required": _("Choose the type of event")},
            "title": {"required": _("Enter the event's title")},
            "description": {"required": _("Say what the event is for")},
            "capacity": {
                "required": _("Enter how many places there are"),
                "invalid": _("Enter the number of places, like 40"),
            },
            "contact_email": {
                "required": _("Enter an email address people can write to"),
                "invalid": _("Enter an email address like name@example.org"),
            },
        }

    def __init__(self, *args, publisher, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = EventKind.choices
        self.fields.update(deadline_fields("starts", _("Start")))
        self.fields.update(deadline_fields("ends", _("End")))
        self.publisher = publisher
        self.order_fields(
            [
                "kind",
                "title",
                "description",
                "project",
                "starts_date",
                "starts_time",
                "ends_date",
                "ends_time",
            ]
        )
        self.fields["project"].queryset = Project.objects.filter(publisher=publisher).order_by(
            "-created_at"
        )
        if self.instance.pk:
            self.initial["project"] = self.instance.project_id
            for prefix, value in (
                ("starts", self.instance.starts_at),
                ("ends", self.instance.ends_at),
            ):
                local = timezone.localtime(value)
                self.initial[f"{prefix}_date"] = local.date()
                self.initial[f"{prefix}_time"] = local.time().replace(second=0, microsecond=0)
        self.helper = layout_helper(
            Fieldset(
                Field.radios("kind", legend_size=Size.SMALL, small=True),
                "title",
                Field.textarea("description", rows=5),
                "project",
                legend=_("The event"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("starts_date", field_width=10),
                Field.text("starts_time", field_width=5),
                Field.text("ends_date", field_width=10),
                Field.text("ends_time", field_width=5),
                legend=_("When"),
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("online", small=True),
                Field.text("venue", field_width=Fluid.FULL),
                Field.text("joining_details", field_width=Fluid.FULL),
                Field.text("capacity", field_width=4),
                Field.textarea("accessibility", rows=3),
                "contact_email",
                legend=_("Where, places and access"),
                legend_size=Size.MEDIUM,
            ),
            submit=_("Save the event"),
        )

    def _moment(self, prefix):
        date, time = (
            self.cleaned_data.get(f"{prefix}_date"),
            self.cleaned_data.get(f"{prefix}_time"),
        )
        if date is None or time is None:
            return None
        return timezone.make_aware(dt.datetime.combine(date, time))

    def clean(self):
        cleaned = super().clean()
        cleaned["starts_at"], cleaned["ends_at"] = self._moment("starts"), self._moment("ends")
        try:
            check_event(cleaned, publisher=self.publisher)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    if field not in self.errors:
                        self.add_error(field, message)
        return cleaned

    def _post_clean(self):
        # The actions check the event as a whole (times, venue, places) with their own messages.
        pass

    def fields_for_action(self):
        data = {name: self.cleaned_data[name] for name in EVENT_FIELDS}
        data.update(
            starts_at=self.cleaned_data["starts_at"],
            ends_at=self.cleaned_data["ends_at"],
            project=self.cleaned_data.get("project"),
        )
        return data


class RegistrationForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        help_text=_("Which of your organisations the attendee comes from"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your organisations")},
    )

    class Meta:
        model = Registration
        fields = ["attendee_name", "attendee_email", "access_needs"]
        help_texts = {
            "attendee_email": _("We send the confirmation and a reminder here"),
            "access_needs": _("For example, a wheelchair space, a BSL interpreter or a quiet room"),
        }
        labels = {"access_needs": _("Access needs (optional)")}
        error_messages = {
            "attendee_name": {"required": _("Enter the attendee's name")},
            "attendee_email": {
                "required": _("Enter the attendee's email address"),
                "invalid": _("Enter an email address like name@example.org"),
            },
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        layout = ["attendee_name", "attendee_email", "access_needs"]
        if organisations.count() == 1:
            # Nothing to choose: the one organisation, whatever is posted.
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].disabled = True
            self.initial["organisation"] = organisations.get().pk
        else:
            layout.insert(0, "organisation")
        self.helper = layout_helper(*layout, submit=_("Register"))

    def _post_clean(self):
        # The action refuses a second registration of the same address with its own message.
        pass


class WhatChangedForm(forms.Form):
    what_changed = forms.CharField(
        label=_("What did the event change?"),
        help_text=_(
            "For example, what providers told you and how the project's plans changed because "
            "of it. Shown publicly on the event's and the project's pages."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Enter what the event changed")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = layout_helper(Field.textarea("what_changed", rows=8), submit=_("Save"))
