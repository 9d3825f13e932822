"""Members of an organisation: roles, leaving, removal and emailed invitations."""

from django.core import signing
from django.db import transaction
from django.utils import timezone

from organisations import tasks
from organisations.actions.common import Action, admin_count, audit, require_admin
from organisations.models import Invitation, Membership, MembershipRole, Organisation
from organisations.tokens import read_invitation_token


class LastAdministrator(Exception):
    """An organisation must keep at least one administrator."""


@transaction.atomic
def change_member_role(*, membership, role, by):
    """Make a member an administrator or the reverse; the last administrator stays one."""
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    require_admin(organisation, by)
    if membership.role == role:
        return membership
    if membership.is_admin and admin_count(organisation) == 1:
        raise LastAdministrator("An organisation needs at least one administrator.")
    membership.role = role
    membership.save(update_fields=["role"])
    audit(
        organisation,
        Action.MEMBER_ROLE_CHANGED,
        by,
        f"{membership.user.email}: {membership.get_role_display()}",
    )
    return membership


@transaction.atomic
def remove_member(*, membership, by):
    """Take someone out of an organisation (themselves, or by an administrator).

    The last administrator can be neither removed nor leave.
    """
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    leaving = membership.user_id == by.pk
    if not leaving:
        require_admin(organisation, by)
    if membership.is_admin and admin_count(organisation) == 1:
        raise LastAdministrator("An organisation needs at least one administrator.")
    audit(
        organisation,
        Action.MEMBER_LEFT if leaving else Action.MEMBER_REMOVED,
        by,
        membership.user.email,
    )
    membership.delete()


class InvitationError(Exception):
    """An invitation link that cannot be used, with the reason in plain English."""


@transaction.atomic
def invite_member(*, organisation, email, role=MembershipRole.MEMBER, by):
    """Email someone a signed link to join ``organisation``. Administrators only.

    Inviting an address again sends a fresh link and withdraws the old one.
    """
    require_admin(organisation, by)
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise InvitationError(f"{email} is already a member of {organisation}.")
    organisation.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=role, invited_by=by
    )
    audit(organisation, Action.MEMBER_INVITED, by, email)
    tasks.send_invitation_email.delay_on_commit(invitation.pk)
    return invitation


@transaction.atomic
def accept_invitation(*, token, user):
    """Join the organisation named in a signed invitation link; returns the membership.

    Raises ``InvitationError`` if the link is broken, expired (after
    ``INVITATION_MAX_AGE``), withdrawn, already used, or sent to another address.
    """
    try:
        invitation_id = read_invitation_token(token)
    except signing.SignatureExpired:
        raise InvitationError("This invitation has expired. Ask for a new one.") from None
    except signing.BadSignature:
        raise InvitationError("This invitation link does not work.") from None
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organisation")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.withdrawn_at is not None:
        raise InvitationError("This invitation has been withdrawn. Ask for a new one.")
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation has already been used.")
    if invitation.email.lower() != user.email.lower():
        raise InvitationError(
            f"This invitation was sent to {invitation.email}. "
            "Sign in with that address to accept it."
        )
    membership, _ = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(invitation.organisation, Action.MEMBER_JOINED, user, user.email)
    return membership
