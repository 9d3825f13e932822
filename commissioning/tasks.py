"""Commissioning's Celery tasks: thin, they take ids and call an action."""

from celery import shared_task

# --- Pipeline ---------------------------------------------------------------------------


@shared_task
def tell_pipeline_followers(item_id=None):
    """Email followers of pipeline items now published as opportunities, each once.

    With ``item_id``, only that item's followers (enqueued when an item is linked);
    without, every item's (every 15 minutes, for drafts published since).
    """
    from commissioning.actions import pipeline

    pipeline.tell_followers(item_id=item_id)
