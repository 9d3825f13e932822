"""Thin Celery tasks of the exchange: each calls an action. Their names are the default,
``exchange.tasks.<function>``, which ``CELERY_BEAT_SCHEDULE`` uses."""

from celery import shared_task


@shared_task
def send_need_expiry_reminders():
    """Daily: remind organisations of needs due within a week, once per date."""
    from exchange.actions.reminders import send_need_reminders

    send_need_reminders()


@shared_task
def send_exchange_summaries():
    """Weekly (Monday morning): email subscribers the new suggestions, once a week each."""
    from exchange.actions.summaries import send_summaries

    send_summaries()
