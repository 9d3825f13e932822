"""Everything that writes to opportunities. Views, commands and tests call these.

Split by subject; import from here (``from opportunities import actions``).
"""

from opportunities.actions.alerts import (
    delete_saved_search,
    save_search,
    send_alerts,
    unsubscribe,
)
from opportunities.actions.documents import add_document, remove_document
from opportunities.actions.following import follow, send_deadline_reminders, unfollow
from opportunities.actions.partners import (
    contact_partner,
    list_for_partners,
    reply_to_partner,
    withdraw_listing,
)
from opportunities.actions.publishing import (
    amend,
    cancel,
    changed_deadlines,
    check_dates,
    create_draft,
    is_commissioner,
    publish,
    publish_subcontracting,
    record_award,
    require_commissioner,
    update_draft,
)
from opportunities.actions.questions import (
    answer_question,
    ask_question,
    require_member,
    send_question_notices,
)
from opportunities.actions.reference import import_cpv_codes

__all__ = [
    "amend",
    "cancel",
    "changed_deadlines",
    "check_dates",
    "create_draft",
    "is_commissioner",
    "publish",
    "publish_subcontracting",
    "record_award",
    "require_commissioner",
    "update_draft",
    "add_document",
    "answer_question",
    "ask_question",
    "contact_partner",
    "reply_to_partner",
    "delete_saved_search",
    "follow",
    "import_cpv_codes",
    "list_for_partners",
    "remove_document",
    "require_member",
    "send_question_notices",
    "save_search",
    "send_alerts",
    "send_deadline_reminders",
    "unfollow",
    "unsubscribe",
    "withdraw_listing",
]
