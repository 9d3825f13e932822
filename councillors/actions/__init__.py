"""Everything that writes for the councillors' digest and signposting. Views, commands,
tasks and tests call these.

Split by subject: ``sending`` (the weekly runs), ``preferences``, ``signposting``.
"""

from councillors.actions.sending import (
    parse_week,
    pending_batches,
    resume_pending,
    send_batch,
    start_run,
)

__all__ = [
    "parse_week",
    "pending_batches",
    "resume_pending",
    "send_batch",
    "start_run",
]
