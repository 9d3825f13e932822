"""The identity django-axes counts failed sign-ins against.

Sign-in is case-insensitive (``UserManager.get_by_natural_key`` matches the
email with ``iexact``), so the lockout must be too: otherwise five wrong
passwords for ``lockme@…`` lock that spelling out while ``LOCKME@…`` signs in,
and guesses spread over case variants never lock anything.
"""

from axes.models import AccessAttempt
from django.conf import settings

# Axes stores the username; a longer one (no email is) would not fit its column.
MAX_LENGTH = AccessAttempt._meta.get_field("username").max_length


def username(request, credentials):
    """The submitted email as the account matches it: trimmed, lower-cased and
    cut to what axes can store.

    Used as ``AXES_USERNAME_CALLABLE``; takes the username from ``credentials``
    when axes has them (a failed ``authenticate``) and from the posted form
    otherwise (the lockout check before the view runs).
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    if not isinstance(value, str):
        return value
    return value.strip().lower()[:MAX_LENGTH]
