"""The identity django-axes counts failed sign-ins against.

Sign-in is case-insensitive (``UserManager.get_by_natural_key`` matches the
email with ``iexact``), so the lockout must be too: otherwise five wrong
passwords for ``lockme@…`` lock that spelling out while ``LOCKME@…`` signs in,
and guesses spread over case variants never lock anything.
"""

from django.conf import settings


def username(request, credentials):
    """The submitted email as the account matches it: trimmed and lower-cased.

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
    return value.strip().lower()
