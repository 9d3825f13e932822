from celery import shared_task

from organisations import emails
from organisations.models import Invitation


@shared_task
def send_invitation_email(invitation_id):
    """Email an invitation link, unless it was used or withdrawn meanwhile."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, withdrawn_at__isnull=True)
        .first()
    )
    if invitation is not None:
        emails.send_invitation(invitation)


@shared_task
def send_expiry_reminders():
    """Daily: remind members about policies and certificates about to expire."""
    from organisations import actions

    actions.send_expiry_reminders()
