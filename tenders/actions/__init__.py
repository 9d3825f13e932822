"""Everything that writes to tenders. Views, commands and tests call these.

Split by subject; import from here (``from tenders import actions``).
"""

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
from tenders.actions.progress import send_evaluation_updates, set_progress

__all__ = [
    "ConsensusChanged",
    "DeadlinePassed",
    "TooEarly",
    "add_attachment",
    "add_commitment",
    "add_funding",
    "add_partner",
    "answer_partnership",
    "ask_consortium_change",
    "create_tender",
    "decide_consortium_change",
    "is_bidder",
    "method_problems",
    "open_box",
    "record_consensus",
    "record_duplication_check",
    "remove_attachment",
    "remove_commitment",
    "remove_criterion",
    "remove_funding",
    "remove_partner",
    "remove_price_line",
    "save_answer",
    "save_criterion",
    "save_declarations",
    "save_lots",
    "save_price",
    "save_price_line",
    "send_evaluation_updates",
    "set_progress",
    "set_weights",
    "start_bid",
    "submit",
    "update_tender",
    "withdraw",
]
