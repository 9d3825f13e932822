"""The Celery app: Redis broker and results when REDIS_URL is set, eager otherwise.

Configuration comes from Django settings (``CELERY_*``), including the beat
schedule, which is declared in ``portal.settings`` and nowhere else.
"""

import logging
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from kombu.exceptions import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

logger = logging.getLogger(__name__)


class PortalTask(DjangoTask):
    """Base for every task in the portal.

    Enqueue with ``task.delay_on_commit(...)`` so a worker never sees a row
    that the request's transaction has not committed yet. Network failures
    (``OSError`` covers connection errors, time-outs and SMTP errors) are
    retried with exponential backoff and jitter, up to five times.

    If the broker cannot be reached the task runs in this process instead, so
    a Redis outage slows a request down rather than losing its email or
    failing a change that has already been committed.
    """

    autoretry_for = (OSError,)
    retry_backoff = 5
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5

    def apply_async(self, args=None, kwargs=None, **options):
        try:
            return super().apply_async(args, kwargs, **options)
        except OperationalError:
            logger.exception("Broker unreachable: running %s in this process", self.name)
            return self.apply(args, kwargs, throw=False)


app = Celery("portal", task_cls=PortalTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
