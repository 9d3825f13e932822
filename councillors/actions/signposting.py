"""Councillors pointing organisations in the registry to live opportunities."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from councillors import queries, tasks
from councillors.models import NOTE_MAX_LENGTH, Signposting
from opportunities.models import Status
from organisations.models import Councillor
from portal.authorization import Permission, has_permission


def require_councillor(councillor, by):
    """Raise ``PermissionError`` unless ``by`` is ``councillor``'s own account, as a councillor."""
    if not has_permission(by, Permission.SIGNPOST_OPPORTUNITIES) or councillor.user_id != by.pk:
        raise PermissionError("Only the councillor can send opportunities on in their name.")


@transaction.atomic
def signpost(*, councillor, by, opportunity, organisation, note):
    """Send ``opportunity`` to ``organisation``'s contacts with the councillor's note, and log it.

    The email goes after commit, one message to each of the organisation's contact
    addresses (``queries.contact_addresses``); their number is recorded. Refused
    unless the opportunity is open for bids, when the organisation has no contact
    email, and when the councillor sent the same opportunity to it earlier the same
    UK day. Returns the ``Signposting``.
    """
    require_councillor(councillor, by)
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("Your note must be 1,000 characters or fewer")})
    now = timezone.now()
    if opportunity.status_at(now) != Status.OPEN:
        raise ValidationError(
            _("Bids for ‘%(title)s’ have closed, so you cannot send it on.")
            % {"title": opportunity.title}
        )
    # Two quick clicks on "Send" queue behind each other here; the second finds the first.
    Councillor.objects.select_for_update().only("pk").get(pk=councillor.pk)
    if queries.signposted_today(
        councillor=councillor, opportunity=opportunity, organisation=organisation, now=now
    ):
        raise ValidationError(
            {"organisation": _("You sent this to %(name)s today") % {"name": organisation.name}}
        )
    addresses = queries.contact_addresses(organisation)
    if not addresses:
        raise ValidationError(
            {
                "organisation": _(
                    "%(name)s has no contact email on the portal, so we cannot send it to them"
                )
                % {"name": organisation.name}
            }
        )
    signposting = Signposting.objects.create(
        opportunity=opportunity,
        organisation=organisation,
        councillor=councillor,
        note=note,
        sent_at=now,
        sent_by=by,
        recipients=len(addresses),
    )
    tasks.send_signposting.delay_on_commit(signposting.pk)
    return signposting
