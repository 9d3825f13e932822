"""When a councillor gets the weekly digest, and turning it off from the email."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from councillors.models import DigestPreference, Weekday
from portal.authorization import Permission, has_permission


def require_self_or_site_admin(councillor, by):
    """Raise ``PermissionError`` unless ``by`` is the councillor's own account or a site admin."""
    own = by is not None and by.is_authenticated and councillor.user_id == by.pk
    if not (own and by.is_active) and not has_permission(by, Permission.ADMINISTER_SITE):
        raise PermissionError("Only the councillor can change their digest preferences.")


@transaction.atomic
def save_preferences(*, councillor, by, enabled, weekday, send_at):
    """Record whether, on which day and at what UK time the councillor gets the digest.

    Turning it off records when (``unsubscribed_at``), as the email's link does;
    turning it back on clears that. Refused for anyone but the councillor and site
    admins. Returns the ``DigestPreference``.
    """
    require_self_or_site_admin(councillor, by)
    if weekday not in Weekday.values:
        raise ValidationError({"weekday": _("Choose the day you want the digest")})
    if not isinstance(send_at, datetime.time):
        raise ValidationError({"send_at": _("Enter a time between 00:00 and 23:59")})
    preference = DigestPreference.objects.select_for_update().filter(councillor=councillor).first()
    if preference is None:
        preference = DigestPreference(councillor=councillor)
    if enabled:
        preference.unsubscribed_at = None
    elif preference.enabled or preference.unsubscribed_at is None:
        preference.unsubscribed_at = timezone.now()
    preference.enabled = bool(enabled)
    preference.weekday = weekday
    preference.send_at = send_at.replace(second=0, microsecond=0, tzinfo=None)
    preference.save()
    return preference


@transaction.atomic
def unsubscribe(*, councillor):
    """Stop the councillor's digest: what the signed link in every digest does.

    Needs no signed-in user: the caller has checked the link's signature. Doing it
    twice changes nothing, so the first ``unsubscribed_at`` is kept.
    """
    preference, _created = DigestPreference.objects.select_for_update().get_or_create(
        councillor=councillor
    )
    if preference.enabled or preference.unsubscribed_at is None:
        preference.enabled = False
        preference.unsubscribed_at = timezone.now()
        preference.save(update_fields=["enabled", "unsubscribed_at", "updated_at"])
    return preference
