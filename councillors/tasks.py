"""Celery tasks for the councillors' weekly digest: thin, taking ids and calling actions."""

from celery import shared_task
from django.utils import timezone

from councillors import emails
from councillors.models import Signposting


@shared_task
def start_weekly_digest():
    """Hourly: start the digest for councillors whose chosen day and time has come, and
    send again what a failed send or a dead worker left unsent. Idempotent."""
    from councillors.actions import runs

    now = timezone.now()
    runs.resume_pending(now=now)
    runs.start_run(now=now)


@shared_task
def send_digest_batch(run_id, digest_ids):
    """Send the digests ``digest_ids`` of a run that are still unsent; safe to run twice."""
    from councillors.actions import sending

    sending.send_batch(run_id=run_id, digest_ids=digest_ids)


@shared_task
def send_signposting(signposting_id):
    """Email an organisation's contacts the opportunity a councillor sent them."""
    signposting = (
        Signposting.objects.select_related("councillor", "organisation", "opportunity__publisher")
        .filter(pk=signposting_id)
        .first()
    )
    if signposting is not None:
        emails.send_signposting(signposting)
