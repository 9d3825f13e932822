"""Signed, expiring email-confirmation tokens."""

from django.conf import settings
from django.core import signing

CONFIRMATION_SALT = "accounts.confirm-email"


def confirmation_token(user):
    """A signed token naming the user and the address being confirmed."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)


def read_confirmation_token(token):
    """The token's data; raises ``SignatureExpired`` or ``BadSignature``."""
    return signing.loads(
        token, salt=CONFIRMATION_SALT, max_age=settings.ACCOUNT_CONFIRMATION_MAX_AGE
    )
