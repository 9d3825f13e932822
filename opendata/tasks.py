"""Thin Celery tasks of the open data app."""

from celery import shared_task

# A million releases take some minutes to compress; the portal's default limits
# (settings.CELERY_TASK_SOFT_TIME_LIMIT) are set for emails.
BULK_SOFT_TIME_LIMIT = 60 * 60
BULK_TIME_LIMIT = BULK_SOFT_TIME_LIMIT + 60


@shared_task(soft_time_limit=BULK_SOFT_TIME_LIMIT, time_limit=BULK_TIME_LIMIT)
def make_bulk_file():
    """Nightly: the bulk download of every release made afresh. Idempotent, and does
    nothing while another build is running."""
    from opendata import bulk

    bulk.make_bulk_file()
