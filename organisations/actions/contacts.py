"""Key contacts: named people an organisation shows publicly or to members only."""

from django.db import transaction

from organisations.actions.common import (
    Action,
    audit,
    changed_fields,
    fields_in_words,
    require_admin,
)
from organisations.models import KeyContact

# What a key contact's record holds; anything else passed in is refused.
KEY_CONTACT_FIELDS = {"name", "role", "email", "phone", "is_public"}


def _check_key_contact_fields(fields):
    if unknown := set(fields) - KEY_CONTACT_FIELDS:
        raise TypeError(f"Key contacts have no {', '.join(sorted(unknown))}.")


@transaction.atomic
def add_key_contact(*, organisation, by, **fields):
    """Name a contact for ``organisation``; returns it. Administrators only.

    ``fields`` are the contact's name, role, email, phone and is_public; a
    contact is for members only unless ``is_public`` is true.
    """
    require_admin(organisation, by)
    _check_key_contact_fields(fields)
    contact = organisation.key_contacts.create(**fields)
    audit(organisation, Action.CONTACT_ADDED, by, str(contact))
    return contact


@transaction.atomic
def update_key_contact(*, contact, by, **fields):
    """Change the given fields of a key contact; returns it. Administrators only."""
    require_admin(contact.organisation, by)
    _check_key_contact_fields(fields)
    stored = KeyContact.objects.select_for_update().get(pk=contact.pk)
    if changed := changed_fields(stored, fields):
        detail = f"{stored.name}: {fields_in_words(KeyContact, changed)}"
        audit(contact.organisation, Action.CONTACT_CHANGED, by, detail)
    for field, value in fields.items():
        setattr(contact, field, value)
    contact.save(update_fields=list(fields))
    return contact


@transaction.atomic
def remove_key_contact(*, contact, by):
    """Take a contact off the organisation's profile. Administrators only."""
    require_admin(contact.organisation, by)
    audit(contact.organisation, Action.CONTACT_REMOVED, by, str(contact))
    contact.delete()
