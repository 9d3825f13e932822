"""Policies, certificates and accounts, and the reminders before they expire."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from organisations import emails
from organisations.actions.common import Action, audit, require_admin
from organisations.models import Document
from portal import batch


@transaction.atomic
def add_document(*, organisation, kind, title, file, expires_on=None, by):
    """Attach a policy, certificate or accounts to the organisation. Administrators only."""
    require_admin(organisation, by)
    document = Document.objects.create(
        organisation=organisation,
        kind=kind,
        title=title.strip(),
        file=file,
        expires_on=expires_on,
        uploaded_by=by,
    )
    audit(organisation, Action.DOCUMENT_ADDED, by, _document_in_words(document))
    return document


def _document_in_words(document):
    return f"{document.get_kind_display()}: {document.title}"


@transaction.atomic
def remove_document(*, document, by):
    """Delete a document and its file. Administrators only."""
    require_admin(document.organisation, by)
    audit(document.organisation, Action.DOCUMENT_REMOVED, by, _document_in_words(document))
    document.file.delete(save=False)
    document.delete()


# Members are reminded this many days before a document expires.
EXPIRY_REMINDERS = {30: "reminded_30_days_at", 7: "reminded_7_days_at"}


def send_expiry_reminders(*, today=None):
    """Email each organisation's members about documents expiring in 30 and 7 days.

    Each reminder goes once: a document is claimed with ``select_for_update``
    (``skip_locked``, so two runs never take the same one) and marked in the
    same transaction as the email is sent. Each document has its own
    transaction (``portal.batch``): if one fails, it is not marked, the failure
    is recorded on it, the next run tries again, and the others are still
    sent. A document whose reminder day passed while the job was not running
    still gets it, until the document has expired. Returns the number of
    reminders sent.
    """
    today = today or timezone.localdate()
    sent = 0
    for days, field in sorted(EXPIRY_REMINDERS.items(), reverse=True):
        due = Document.objects.filter(
            **{f"{field}__isnull": True},
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=days),
        )
        if days == 30:
            # Inside 7 days only the 7-day reminder is worth sending.
            due = due.exclude(expires_on__lte=today + timedelta(days=7))
        sent += batch.each_in_its_own_transaction(
            Document,
            due.values_list("pk", flat=True),
            lambda document_id, field=field: _remind(document_id, field=field, today=today),
            job="document expiry reminders",
        )
    return sent


def _remind(document_id, *, field, today):
    """Claim one document not yet sent the reminder in ``field`` and send it; True if sent."""
    document = (
        Document.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=document_id, **{f"{field}__isnull": True})
        .select_related("organisation")
        .first()
    )
    if document is None:
        return False
    emails.send_expiry_reminder(document, days_left=(document.expires_on - today).days)
    batch.done(document, **{field: timezone.now()})
    return True
