"""What the actions check of text people write: its size.

A ``max_length`` on a ``TextField`` is not enforced by the database, and actions
are called by more than forms (commands, the demo, tests), so each action checks
the sizes itself. (Markdown is rendered once, when saved, with
``portal.markdown.for_storage``.)
"""

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _


def too_long_message(model, field_name):
    """``Summary must be 5,000 characters or fewer``, from the model field's own name and limit."""
    field = model._meta.get_field(field_name)
    return _("%(what)s must be %(limit)s characters or fewer") % {
        "what": capfirst(field.verbose_name),
        "limit": number_format(field.max_length, force_grouping=True),
    }


def check_lengths(model, values):
    """Raise ``ValidationError`` for each text in ``values`` longer than its field allows.

    ``values`` maps the error's key (the form field's name) to ``(model field
    name, text)``; errors are keyed the same way, so a form shows each beside
    its own field.
    """
    errors = {
        key: too_long_message(model, field_name)
        for key, (field_name, text) in values.items()
        if len(text or "") > model._meta.get_field(field_name).max_length
    }
    if errors:
        raise ValidationError(errors)
