"""Celery tasks for the councillors' weekly digest: thin, taking ids and calling actions."""

from celery import shared_task
from django.utils import timezone


@shared_task
def start_weekly_digest():
    """Hourly: start the digest for councillors whose chosen day and time has come, and
    send again what a failed send or a dead worker left unsent. Idempotent."""
    from councillors.actions import sending

    now = timezone.now()
    sending.resume_pending(now=now)
    sending.start_run(now=now)


@shared_task
def send_digest_batch(run_id, digest_ids):
    """Send the digests ``digest_ids`` of a run that are still unsent; safe to run twice."""
    from councillors.actions import sending

    sending.send_batch(run_id=run_id, digest_ids=digest_ids)
