"""Every text field people can fill has a size limit, so no one can store megabytes.

A ``max_length`` on a ``TextField`` is not enforced by the database, so the
forms and the actions check it too; this test makes sure each field states one.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

# Text the portal writes itself, never typed by a person: its size follows from
# limited input, so a limit here could only refuse the portal's own output.
MACHINE_OUTPUT = {
    # Sanitised HTML rendered from a limited Markdown field beside it.
    ("opportunities", "Opportunity", "description_html"): "rendered from description",
    ("tracking", "Inquiry", "summary_html"): "rendered from summary",
    ("tracking", "Recommendation", "text_html"): "rendered from text",
    ("tracking", "EvidenceUpdate", "text_html"): "rendered from text",
    # A sent digest's bodies, built by the portal from limited fields, and why a send failed.
    ("councillors", "Digest", "html"): "the digest as sent",
    ("councillors", "Digest", "text"): "the digest as sent",
    ("councillors", "Digest", "last_error"): "the mail server's answer to a failed send",
    # An OCDS release, built by the portal from limited fields.
    ("opendata", "Release", "data"): "the release as published",
    # The ids of the bids a stored evaluation report leaves out, written by the portal.
    ("tenders", "EvaluationReport", "left_out"): "bid ids, comma-separated",
}


def _own_models():
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base in path.parents and ".venv" not in path.parts:
            yield from config.get_models()


def test_every_text_field_people_fill_has_a_maximum_length():
    unlimited = [
        f"{model._meta.app_label}.{model.__name__}.{field.name}"
        for model in _own_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
        and field.max_length is None
        and (model._meta.app_label, model.__name__, field.name) not in MACHINE_OUTPUT
    ]
    assert not unlimited, "No max_length: " + ", ".join(unlimited)


def test_the_exceptions_are_real_fields():
    """An exception for a field that was renamed or removed would hide nothing; drop it."""
    for app_label, model_name, field_name in MACHINE_OUTPUT:
        apps.get_model(app_label, model_name)._meta.get_field(field_name)
