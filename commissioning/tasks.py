"""Thin Celery tasks of the commissioning app: each takes ids and calls an action."""

from celery import shared_task


@shared_task
def send_decommissioning_notices(decommissioning_id=None):
    """Email the decommissioning notices not yet sent (of one decommissioning, if given).
    Queued when notice is given; every 30 minutes for any that failed. Each goes once."""
    from commissioning.actions.decommissioning import send_notices

    send_notices(decommissioning_id=decommissioning_id)
