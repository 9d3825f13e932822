"""Everything that writes for the councillors' digest and signposting. Views, commands,
tasks and tests call these.

Split by subject: ``runs`` (the weekly runs and what they claim), ``sending`` (a
batch's digests to the mail server), ``preferences``, ``signposting``, ``importing``.
"""

from councillors.actions.runs import pending_batches, resume_pending, start_run
from councillors.actions.sending import send_batch

__all__ = ["pending_batches", "resume_pending", "send_batch", "start_run"]
