"""Signed one-click unsubscribe links in digest emails: no sign-in needed.

The token names a councillor and is signed with a salt of its own, so a token
made for anything else is refused. It does not expire: last month's digest's
link should still work.
"""

from django.core import signing

UNSUBSCRIBE_SALT = "councillors.digest.unsubscribe"


def unsubscribe_token(councillor):
    return signing.dumps(councillor.pk, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    """The councillor's id; raises ``BadSignature`` for a token we did not sign."""
    return signing.loads(token, salt=UNSUBSCRIBE_SALT)
