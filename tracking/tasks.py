"""Celery tasks for scrutiny tracking: thin, taking ids and calling actions."""

from celery import shared_task

from tracking.models import ProgressReport


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


# Its own limits, well under the default: a render that runs long will not finish,
# and it must not hold a worker that emails are waiting for.
@shared_task(
    soft_time_limit=ProgressReport.RENDER_SOFT_TIME_LIMIT,
    time_limit=ProgressReport.RENDER_TIME_LIMIT,
)
def make_progress_report(round_id, version=None):
    """Render the progress report of round ``round_id`` asked for as ``version`` and store it.

    Without ``version`` (a message queued before versions were sent) it is made
    unless the stored one is current, as before.
    """
    from tracking import pdf

    if version is None:
        pdf.store_progress_report(round_id)
    else:
        pdf.render_requested(round_id, version)
