"""Helpers the registry's actions share: the audit trail and the administrator check."""

from organisations.models import AuditEvent, MembershipRole

Action = AuditEvent.Action


def audit(organisation, action, by, detail=""):
    """Record who changed what on an organisation, for its administrators and site admins."""
    AuditEvent.objects.create(organisation=organisation, action=action, actor=by, detail=detail)


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
