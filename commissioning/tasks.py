"""Thin Celery tasks of the commissioning app: each takes ids and calls an action."""

from celery import shared_task

# --- Decommissioning ---------------------------------------------------------------------


@shared_task
def send_decommissioning_notices(decommissioning_id=None):
    """Email the decommissioning notices not yet sent (of one decommissioning, if given).
    Queued when notice is given; every 30 minutes for any that failed. Each goes once."""
    from commissioning.actions.decommissioning import send_notices

    send_notices(decommissioning_id=decommissioning_id)


# --- Pipeline ---------------------------------------------------------------------------


@shared_task
def tell_pipeline_followers(item_id=None):
    """Email followers of pipeline items now published as opportunities, each once.

    With ``item_id``, only that item's followers (enqueued when an item is linked);
    without, every item's (every 15 minutes, for drafts published since).
    """
    from commissioning.actions import pipeline

    pipeline.tell_followers(item_id=item_id)
