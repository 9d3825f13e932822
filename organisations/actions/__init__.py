"""Everything that writes to the registry. Views, commands and tests call these.

Split by subject; import from here (``from organisations import actions``).
"""

from organisations.actions.contacts import add_key_contact, remove_key_contact, update_key_contact
from organisations.actions.documents import add_document, remove_document, send_expiry_reminders
from organisations.actions.members import (
    InvitationError,
    LastAdministrator,
    accept_invitation,
    change_member_role,
    invite_member,
    remove_member,
)
from organisations.actions.registry import (
    IdentifierTaken,
    allow_publishing,
    import_wards,
    link_councillor,
    register_organisation,
    remove_identifier,
    set_identifier,
    update_organisation,
    verify_identifier,
)

__all__ = [
    "IdentifierTaken",
    "InvitationError",
    "LastAdministrator",
    "accept_invitation",
    "add_document",
    "add_key_contact",
    "allow_publishing",
    "change_member_role",
    "import_wards",
    "invite_member",
    "link_councillor",
    "register_organisation",
    "remove_document",
    "remove_identifier",
    "remove_key_contact",
    "remove_member",
    "send_expiry_reminders",
    "set_identifier",
    "update_key_contact",
    "update_organisation",
    "verify_identifier",
]
