"""The partner board: organisations looking for partners on an opportunity.

Contact requests are relayed by email and recorded; nobody's email address is
shown to anyone.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities import tasks
from opportunities.actions.questions import require_member
from opportunities.models import PartnerContact, PartnerListing, PartnerRole, Status

# One organisation may contact one listing this often, to keep the board from spam.
CONTACT_INTERVAL = timedelta(days=1)


@transaction.atomic
def list_for_partners(*, opportunity, organisation, by, role, message):
    """Put ``organisation`` on the opportunity's partner board, or update its listing.

    An organisation has at most one live listing per opportunity: listing again,
    or twice at the same moment, updates that one. Only while the opportunity
    is open.
    """
    require_member(organisation, by)
    if opportunity.status != Status.OPEN:
        raise ValueError("Partners can only be sought while the opportunity is open.")
    if role not in PartnerRole.values:
        raise ValidationError({"role": _("Choose what your organisation wants to be")})
    message = message.strip()
    if not message:
        raise ValidationError({"message": _("Say what your organisation offers and looks for")})
    live = PartnerListing.objects.select_for_update().filter(
        opportunity=opportunity, organisation=organisation, withdrawn_at__isnull=True
    )
    listing = live.first()
    if listing is None:
        try:
            # A form sent twice at once finds no listing twice; the constraint
            # of one live listing lets one in, and the other updates it.
            with transaction.atomic():
                return PartnerListing.objects.create(
                    opportunity=opportunity,
                    organisation=organisation,
                    role=role,
                    message=message,
                    created_by=by,
                )
        except IntegrityError:
            listing = live.first()
            if listing is None:
                raise
    listing.role, listing.message = role, message
    listing.save(update_fields=["role", "message"])
    return listing


@transaction.atomic
def withdraw_listing(*, listing, by):
    """Take a listing off the board. Withdrawing twice changes nothing."""
    require_member(listing.organisation, by)
    if listing.withdrawn_at is None:
        listing.withdrawn_at = timezone.now()
        listing.save(update_fields=["withdrawn_at"])
    return listing


def _cleaned(message):
    message = message.strip()
    if not message:
        raise ValidationError({"message": _("Enter your message")})
    return message


def _relay(*, earlier, refusal, by, share_address, **fields):
    """Record a message and relay it after commit, unless ``earlier`` holds one from the
    last day (then ``refusal``). The caller has locked the row messages queue on."""
    if earlier.filter(sent_at__gt=timezone.now() - CONTACT_INTERVAL).exists():
        raise ValidationError({"message": refusal})
    message = PartnerContact.objects.create(
        sent_by=by, reply_to=by.email if share_address else "", **fields
    )
    tasks.relay_partner_contact.delay_on_commit(message.pk)
    return message


@transaction.atomic
def contact_partner(*, listing, organisation, by, message, share_address=False):
    """Send ``message`` from ``organisation`` to the listing organisation's members.

    The email names the sender and links to their organisation's public profile
    and to a page where the recipients can reply through the portal. The
    sender's email address is passed on only when ``share_address`` (their
    consent on the form): replies to the email then go to it. Recorded as a
    ``PartnerContact``. Refused for a withdrawn listing, for one's own listing,
    and more than once a day.
    """
    require_member(organisation, by)
    if listing.withdrawn_at is not None:
        raise ValueError("This listing has been withdrawn.")
    if listing.organisation_id == organisation.pk:
        raise ValueError("An organisation cannot contact itself.")
    message = _cleaned(message)
    # Contacts to one listing wait for each other, so a message sent twice at
    # once finds the first and is refused rather than relayed twice.
    PartnerListing.objects.select_for_update().filter(pk=listing.pk).first()
    return _relay(
        earlier=PartnerContact.objects.filter(
            listing=listing, organisation=organisation, in_reply_to=None
        ),
        refusal=_(
            "Your organisation contacted %(name)s in the last day. "
            "Wait for their reply before writing again"
        )
        % {"name": listing.organisation.name},
        by=by,
        share_address=share_address,
        listing=listing,
        organisation=organisation,
        message=message,
    )


@transaction.atomic
def reply_to_partner(*, contact, by, message, share_address=False):
    """The listing organisation's answer to ``contact``, relayed to the person who wrote it.

    As a contact is: the email names the replier and their organisation, and
    passes on their address only when ``share_address``. Refused when ``by`` is
    not a member of the listing organisation, for a reply to a reply, and more
    than once a day for one contact (the writer can answer by email or write
    again through the board).
    """
    listing = contact.listing
    require_member(listing.organisation, by)
    if contact.in_reply_to_id is not None:
        raise ValueError("A reply is answered by writing to the listing again.")
    message = _cleaned(message)
    PartnerContact.objects.select_for_update().filter(pk=contact.pk).first()
    return _relay(
        earlier=contact.replies.all(),
        refusal=_(
            "Your organisation replied to %(name)s in the last day. "
            "Wait for their answer before writing again"
        )
        % {"name": contact.organisation.name},
        by=by,
        share_address=share_address,
        listing=listing,
        organisation=listing.organisation,
        message=message,
        in_reply_to=contact,
    )
