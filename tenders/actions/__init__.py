"""Everything that writes to tenders. Views, commands and tests call these.

Split by subject; import from here (``from tenders import actions``).
"""

from tenders.actions.award import confirm_award, send_intention, withdraw_decision
from tenders.actions.bids import (
    DeadlinePassed,
    add_attachment,
    add_commitment,
    add_funding,
    add_partner,
    answer_partnership,
    is_bidder,
    remove_attachment,
    remove_commitment,
    remove_funding,
    remove_partner,
    save_answer,
    save_declarations,
    save_lots,
    save_price,
    start_bid,
    submit,
    withdraw,
)
from tenders.actions.box import TooEarly, open_box
from tenders.actions.consortium import ask_consortium_change, decide_consortium_change
from tenders.actions.method import (
    create_tender,
    method_problems,
    remove_criterion,
    remove_price_line,
    save_criterion,
    save_price_line,
    set_weights,
    update_tender,
)
from tenders.actions.moderation import (
    ConsensusChanged,
    record_consensus,
    record_duplication_check,
)
from tenders.actions.panel import (
    add_panel_member,
    change_panel_role,
    declarable_bids,
    declare_interests,
    make_chair,
    removal_problem,
    remove_panel_member,
)
from tenders.actions.progress import send_evaluation_updates, set_progress
from tenders.actions.reports import request_evaluation_report, retry_evaluation_report
from tenders.actions.scoring import (
    save_scores,
    scorable_bids,
    slot_ids,
    slot_key,
    slot_name,
    submit_scores,
)
from tenders.actions.summaries import send_assessment_summaries

__all__ = [
    "ConsensusChanged",
    "DeadlinePassed",
    "TooEarly",
    "add_attachment",
    "add_commitment",
    "add_funding",
    "add_panel_member",
    "add_partner",
    "confirm_award",
    "answer_partnership",
    "ask_consortium_change",
    "change_panel_role",
    "create_tender",
    "decide_consortium_change",
    "declarable_bids",
    "declare_interests",
    "is_bidder",
    "make_chair",
    "method_problems",
    "open_box",
    "record_consensus",
    "record_duplication_check",
    "removal_problem",
    "remove_attachment",
    "remove_commitment",
    "remove_criterion",
    "remove_funding",
    "remove_panel_member",
    "remove_partner",
    "request_evaluation_report",
    "retry_evaluation_report",
    "remove_price_line",
    "save_answer",
    "save_criterion",
    "save_declarations",
    "save_lots",
    "save_price",
    "save_price_line",
    "save_scores",
    "scorable_bids",
    "send_assessment_summaries",
    "send_evaluation_updates",
    "send_intention",
    "set_progress",
    "set_weights",
    "slot_ids",
    "slot_key",
    "slot_name",
    "start_bid",
    "submit",
    "submit_scores",
    "update_tender",
    "withdraw",
    "withdraw_decision",
]
