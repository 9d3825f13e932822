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
from tenders.actions.summaries import send_assessment_summaries

__all__ = [
    "DeadlinePassed",
    "TooEarly",
    "add_attachment",
    "add_commitment",
    "add_funding",
    "add_partner",
    "confirm_award",
    "answer_partnership",
    "create_tender",
    "is_bidder",
    "method_problems",
    "open_box",
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
    "send_assessment_summaries",
    "send_intention",
    "set_weights",
    "start_bid",
    "submit",
    "update_tender",
    "withdraw",
    "withdraw_decision",
]
