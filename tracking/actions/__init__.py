"""Everything that writes to scrutiny tracking. Views, commands and tests call these.

Split by subject; import from here (``from tracking import actions``).
"""

from tracking.actions.inquiries import (
    committee_named,
    create_inquiry,
    require_scrutiny_officer,
    save_recommendation,
    update_inquiry,
)
from tracking.actions.reports import request_progress_report, retry_progress_report
from tracking.actions.rounds import (
    open_round,
    proposed_next_round,
    record_decision,
    submit_assessment,
)

__all__ = [
    "committee_named",
    "create_inquiry",
    "open_round",
    "proposed_next_round",
    "record_decision",
    "request_progress_report",
    "require_scrutiny_officer",
    "retry_progress_report",
    "save_recommendation",
    "submit_assessment",
    "update_inquiry",
]
