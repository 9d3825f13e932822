"""Writing the tender's append-only log."""

from tenders.models import TenderEvent


def record(tender, kind, *, by, summary, bid=None, at=None, **detail):
    """Add one event to ``tender``'s log; the log is never edited or trimmed."""
    fields = {"at": at} if at is not None else {}
    return TenderEvent.objects.create(
        tender=tender, kind=kind, by=by, bid=bid, summary=summary, detail=detail, **fields
    )
