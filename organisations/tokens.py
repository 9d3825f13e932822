"""Signed, expiring invitation links."""

from django.conf import settings
from django.core import signing

INVITATION_SALT = "organisations.invitation"


def invitation_token(invitation):
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def read_invitation_token(token):
    """The invitation's id; raises ``SignatureExpired`` or ``BadSignature``."""
    return signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
