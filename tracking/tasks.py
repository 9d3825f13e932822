"""Celery tasks for scrutiny tracking: thin, taking ids and calling actions."""

from celery import shared_task


@shared_task
def send_round_opened(round_id):
    """Tell each responsible person that a round has opened and what they owe by when."""
    from tracking.actions import reminders

    reminders.send_round_opened(round_id)


@shared_task
def send_reminders():
    """Daily: 4-week and 1-week reminders before deadlines, and late notices to officers."""
    from tracking.actions import reminders

    reminders.send_reminders()


@shared_task
def make_progress_report(round_id):
    """Render a round's progress report to PDF and store it, unless the stored one is current."""
    from tracking import pdf

    pdf.store_progress_report(round_id)
