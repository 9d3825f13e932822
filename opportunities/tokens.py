"""Signed links in alert emails: one click unsubscribes, no sign-in needed.

The token names a saved search and is signed with a salt of its own, so a
token made for anything else (an invitation, an email confirmation) is
refused. It does not expire: an old alert's link should still work.
"""

from django.core import signing

UNSUBSCRIBE_SALT = "opportunities.unsubscribe"


def unsubscribe_token(saved_search):
    return signing.dumps(saved_search.pk, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    """The saved search's id; raises ``BadSignature`` for a token we did not sign."""
    return signing.loads(token, salt=UNSUBSCRIBE_SALT)
