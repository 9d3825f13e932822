"""Everything that writes to the exchange, one module per step: posting needs and offers,
matching them, and recording and confirming what was given."""

from portal.authorization import membership_role


def require_member(user, organisation):
    """Raise ``PermissionError`` unless ``user`` belongs to ``organisation``."""
    if not user.is_authenticated or membership_role(user, organisation) is None:
        raise PermissionError("Only the organisation's members can do this.")
