"""Opening the sealed bid box, after the deadline, by one of the publisher's commissioners."""

from django.db import transaction
from django.utils import timezone

from opportunities.actions import require_commissioner
from tenders import ocds
from tenders.actions.audit import record
from tenders.models import Bid, Tender, TenderEvent


class TooEarly(ValueError):
    """The box was asked to open before the deadline for bids."""


@transaction.atomic
def open_box(*, tender, by, now=None):
    """Open ``tender``'s bid box: from now its commissioners read the submitted bids.

    Only after the deadline, only once; who opened it and when is recorded.
    Opening again returns the tender as it is.
    """
    now = now or timezone.now()
    require_commissioner(tender.opportunity.publisher, by)
    tender = Tender.objects.select_for_update().select_related("opportunity").get(pk=tender.pk)
    if tender.opened_at is not None:
        return tender
    if now < tender.opportunity.submission_deadline:
        raise TooEarly("The bid box opens only after the deadline for bids.")
    tender.opened_at, tender.opened_by = now, by
    tender.save(update_fields=["opened_at", "opened_by"])
    ocds.record_box_opened(tender)
    submitted = Bid.objects.filter(tender=tender).submitted().count()
    record(
        tender,
        TenderEvent.Kind.BOX_OPENED,
        by=by,
        at=now,
        summary=f"Bid box opened: {submitted} {'bid' if submitted == 1 else 'bids'} submitted",
        submitted=submitted,
    )
    return tender
