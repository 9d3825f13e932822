"""Who may do what: the one place the portal decides access.

Roles, in words:

- **Visitor**: anyone, signed in or not. Reads everything public.
- **Organisation member**: belongs to an organisation in the registry and acts
  for it (comes with the registry).
- **Commissioner**: a member of an organisation a site admin has allowed to
  publish (comes with the registry).
- **Evaluator**: an officer or service user representative who can be put on
  a tender's evaluation panel.
- **Councillor**: an elected member with the wards they represent.
- **Scrutiny officer**: supports an overview and scrutiny committee.
- **Site admin**: runs the portal, verifies organisations, manages users.

Views never test roles directly: they ask ``has_permission`` and fetch objects
through ``get_object_or_404_for`` so that an outsider gets 404 and learns
nothing about whether an object exists.
"""

import enum

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _


class Role(enum.Enum):
    VISITOR = _("Visitor")
    ORGANISATION_MEMBER = _("Organisation member")
    COMMISSIONER = _("Commissioner")
    EVALUATOR = _("Evaluator")
    COUNCILLOR = _("Councillor")
    SCRUTINY_OFFICER = _("Scrutiny officer")
    SITE_ADMIN = _("Site admin")

    @property
    def label(self):
        return self.value


class Permission(enum.Enum):
    ADMINISTER_SITE = "administer_site"
    SCORE_BIDS = "score_bids"
    SIGNPOST_OPPORTUNITIES = "signpost_opportunities"
    MANAGE_SCRUTINY = "manage_scrutiny"  # inquiries, rounds, the committee's decisions
    # On a recommendation (obj=recommendation): its responsible people, and scrutiny officers.
    SUBMIT_ASSESSMENT = "submit_assessment"
    PUBLISH_OPPORTUNITIES = "publish_opportunities"  # for an organisation allowed to publish
    # On an organisation (obj=organisation):
    VIEW_ORGANISATION_PRIVATE = "view_organisation_private"  # members-only fields, documents
    EDIT_ORGANISATION = "edit_organisation"  # profile, identifiers, contacts, documents
    MANAGE_MEMBERS = "manage_members"  # invite, change roles, remove
    VIEW_ORGANISATION_AUDIT = "view_organisation_audit"
    VERIFY_ORGANISATIONS = "verify_organisations"  # verify identifiers, allow publishing


# Which role grants each permission on its own, whatever the object.
_GRANTED_BY = {
    Permission.ADMINISTER_SITE: {Role.SITE_ADMIN},
    Permission.SCORE_BIDS: {Role.EVALUATOR},
    Permission.SIGNPOST_OPPORTUNITIES: {Role.COUNCILLOR},
    Permission.MANAGE_SCRUTINY: {Role.SCRUTINY_OFFICER},
    Permission.SUBMIT_ASSESSMENT: {Role.SCRUTINY_OFFICER},
    Permission.PUBLISH_OPPORTUNITIES: {Role.COMMISSIONER},
    Permission.VERIFY_ORGANISATIONS: {Role.SITE_ADMIN},
    Permission.VIEW_ORGANISATION_PRIVATE: {Role.SITE_ADMIN},
    Permission.VIEW_ORGANISATION_AUDIT: {Role.SITE_ADMIN},
    Permission.EDIT_ORGANISATION: set(),
    Permission.MANAGE_MEMBERS: set(),
}

# What an organisation's own people may do to it, by their membership role.
_GRANTED_TO_MEMBERS = {
    "member": {Permission.VIEW_ORGANISATION_PRIVATE},
    "admin": {
        Permission.VIEW_ORGANISATION_PRIVATE,
        Permission.EDIT_ORGANISATION,
        Permission.MANAGE_MEMBERS,
        Permission.VIEW_ORGANISATION_AUDIT,
    },
}


def roles_of(user):
    """The set of roles a user holds; everyone is at least a visitor."""
    roles = {Role.VISITOR}
    if user is None or not user.is_authenticated or not user.is_active:
        return roles
    if user.is_superuser:
        roles.add(Role.SITE_ADMIN)
    if user.is_scrutiny_officer:
        roles.add(Role.SCRUTINY_OFFICER)
    if user.is_evaluator:
        roles.add(Role.EVALUATOR)
    if is_councillor(user):
        roles.add(Role.COUNCILLOR)
    memberships = _memberships(user)
    if memberships:
        roles.add(Role.ORGANISATION_MEMBER)
    if any(can_publish for _role, can_publish in memberships.values()):
        roles.add(Role.COMMISSIONER)
    return roles


def _memberships(user):
    """``{organisation id: (membership role, organisation may publish)}``, cached on the user."""
    if not hasattr(user, "_portal_memberships"):
        user._portal_memberships = {
            organisation_id: (role, allowed_at is not None)
            for organisation_id, role, allowed_at in user.memberships.values_list(
                "organisation_id", "role", "organisation__publishing_allowed_at"
            )
        }
    return user._portal_memberships


def membership_role(user, organisation):
    """``"admin"``, ``"member"`` or ``None`` for the user in ``organisation``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    role, _can_publish = _memberships(user).get(organisation.pk, (None, False))
    return role


def held_roles(user):
    """The roles a signed-in user holds beyond visitor, in a stable order."""
    return [role for role in Role if role is not Role.VISITOR and role in roles_of(user)]


def is_councillor(user):
    """True when a councillor record is linked to this user account."""
    try:
        return user.councillor is not None
    except ObjectDoesNotExist:
        return False


def has_permission(user, permission, *, obj=None):
    """Whether ``user`` may exercise ``permission`` (on ``obj`` when given).

    Inactive and anonymous users hold no permission. With an organisation as
    ``obj``, its members gain what their membership role allows; with a
    scrutiny recommendation, its responsible people may submit assessments.
    """
    if not isinstance(permission, Permission):
        raise TypeError(f"Expected a Permission, got {permission!r}")
    if roles_of(user) & _GRANTED_BY[permission]:
        return True
    if obj is not None and obj._meta.label == "organisations.Organisation":
        role = membership_role(user, obj)
        return role is not None and permission in _GRANTED_TO_MEMBERS[role]
    if obj is not None and obj._meta.label == "tracking.Recommendation":
        return (
            permission is Permission.SUBMIT_ASSESSMENT
            and user.is_authenticated
            and user.is_active
            and obj.responsible_people.filter(pk=user.pk).exists()
        )
    return False


def get_object_or_404_for(user, permission, queryset, **lookup):
    """Fetch one object the user may act on, or raise 404 for anyone else.

    A 404 rather than a 403 means an outsider cannot tell whether the object
    exists at all.
    """
    obj = get_object_or_404(queryset, **lookup)
    if not has_permission(user, permission, obj=obj):
        raise Http404
    return obj
