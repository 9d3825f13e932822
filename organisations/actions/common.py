"""Helpers the registry's actions share: the audit trail and the administrator check."""

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from organisations.models import AuditEvent, MembershipRole

Action = AuditEvent.Action

DETAIL_LENGTH = AuditEvent._meta.get_field("detail").max_length


def audit(organisation, action, by, detail=""):
    """Record who changed what on an organisation, for its administrators and site admins."""
    if len(detail) > DETAIL_LENGTH:
        detail = detail[: DETAIL_LENGTH - 1] + "…"
    AuditEvent.objects.create(organisation=organisation, action=action, actor=by, detail=detail)


def changed_fields(stored, changes):
    """The names in ``changes`` whose value differs from the ``stored`` copy of the row.

    ``changes`` maps field names to new values; a many-to-many field's value is
    a list of objects, compared with what is stored by primary key.
    """
    changed = []
    for name, value in changes.items():
        field = stored._meta.get_field(name)
        if field.many_to_many:
            differs = {o.pk for o in value} != set(
                getattr(stored, name).values_list("pk", flat=True)
            )
        else:
            differs = getattr(stored, name) != value
        if differs:
            changed.append(name)
    return changed


def fields_in_words(model, names):
    """``name, website and wards served``: fields as people know them, not as stored."""
    labels = [str(model._meta.get_field(name).verbose_name) for name in names]
    return get_text_list(labels, _("and"))


def admin_count(organisation):
    """How many administrators the organisation has."""
    return organisation.memberships.filter(role=MembershipRole.ADMIN).count()


def require_admin(organisation, by):
    """Raise ``PermissionError`` unless ``by`` administers it or is a site admin."""
    if (
        not by.is_site_admin
        and not organisation.memberships.filter(user=by, role=MembershipRole.ADMIN).exists()
    ):
        raise PermissionError("Only the organisation's administrators can do this.")
