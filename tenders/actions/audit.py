"""Writing the tender's append-only log."""

from django.utils.text import Truncator

from tenders.models import TenderEvent

SUMMARY_LENGTH = TenderEvent._meta.get_field("summary").max_length


def record(tender, kind, *, by, summary, bid=None, at=None, **detail):
    """Add one event to ``tender``'s log; the log is never edited or trimmed.

    A summary quoting someone's long reason is cut to fit, with an ellipsis; pass
    the whole text in ``detail`` where it matters.
    """
    summary = Truncator(summary).chars(SUMMARY_LENGTH)
    fields = {"at": at} if at is not None else {}
    return TenderEvent.objects.create(
        tender=tender, kind=kind, by=by, bid=bid, summary=summary, detail=detail, **fields
    )
