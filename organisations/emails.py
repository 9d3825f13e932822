"""The emails the registry sends, rendered from plain-text templates."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.emails import absolute_url
from organisations.models import MembershipRole
from organisations.tokens import invitation_token
from portal.mail import subject_line

# "as a member", "as an administrator": the role as a sentence says it.
ROLE_IN_A_SENTENCE = {
    MembershipRole.ADMIN: _("an administrator"),
    MembershipRole.MEMBER: _("a member"),
}


def send_invitation(invitation):
    """Email the invitation's signed link to the address it was made for."""
    path = reverse("organisations:accept_invitation", args=[invitation_token(invitation)])
    context = {
        "invitation": invitation,
        "role": ROLE_IN_A_SENTENCE[invitation.role],
        "accept_url": absolute_url(path),
        "days": settings.INVITATION_MAX_AGE // (60 * 60 * 24),
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
    }
    send_mail(
        subject=subject_line(f"Join {invitation.organisation.name}"),
        message=render_to_string("organisations/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def send_expiry_reminder(document, *, days_left):
    """Tell every member of the document's organisation that it is about to expire."""
    organisation = document.organisation
    recipients = list(organisation.memberships.values_list("user__email", flat=True))
    if not recipients:
        return
    path = reverse("organisations:profile", args=[organisation.slug])
    context = {
        "document": document,
        "organisation": organisation,
        "days_left": days_left,
        "profile_url": absolute_url(path),
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
    }
    send_mail(
        subject=subject_line(f"{document.title} expires in {days_left} days"),
        message=render_to_string("organisations/email/expiry_reminder.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
