"""Writing a checked CSV of councillors: the last step of the site admin's import."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from organisations.models import Councillor, Ward
from portal.authorization import Permission, has_permission

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0  # of those created or updated, how many were linked to an account


@transaction.atomic
def import_councillors(*, rows, by):
    """Create or update one councillor per ``PlannedCouncillor`` in ``rows``, all or nothing.

    A row with ``councillor_id`` updates that councillor; one without creates a
    councillor. Either way the name, email address, party and wards become the
    row's, and ``link_user_id`` (when given) becomes the councillor's account.
    Councillors not in ``rows`` are left alone. Raises ``ValidationError``, having
    changed nothing, when a councillor, ward or account a row names has gone or
    the account has meanwhile been linked to someone else. ``by`` must be a site
    admin. Returns an ``ImportResult``.
    """
    if not has_permission(by, Permission.ADMINISTER_SITE):
        raise PermissionError("Only a site admin can import councillors.")
    wards = Ward.objects.in_bulk(
        {code for row in rows for code in row.ward_codes}, field_name="gss_code"
    )
    councillors = (
        Councillor.objects.select_for_update()
        .prefetch_related("wards")
        .in_bulk({row.councillor_id for row in rows if row.councillor_id})
    )
    users = User.objects.select_for_update().in_bulk(
        {row.link_user_id for row in rows if row.link_user_id}
    )
    _refuse_if_gone(rows, wards, councillors, users)

    created = updated = unchanged = linked = 0
    for row in rows:
        councillor = councillors.get(row.councillor_id) or Councillor()
        is_new = councillor.pk is None
        changed = _set_fields(councillor, row, users.get(row.link_user_id))
        if changed or is_new:
            councillor.save()
        row_wards = [wards[code] for code in row.ward_codes]
        if is_new or set(councillor.wards.all()) != set(row_wards):
            councillor.wards.set(row_wards)
            changed = True
        linked += bool(row.link_user_id)
        created += is_new
        updated += changed and not is_new
        unchanged += not changed
    result = ImportResult(created=created, updated=updated, unchanged=unchanged, linked=linked)
    logger.info("%s imported councillors: %s", by, result)
    return result


def _set_fields(councillor, row, user):
    """Copy the row onto the councillor; True if anything differs."""
    changed = False
    values = {"full_name": row.name, "party": row.party}
    if row.email.lower() != councillor.email.lower():
        values["email"] = row.email
    if user is not None:
        values["user"] = user
    for name, value in values.items():
        if getattr(councillor, name) != value:
            setattr(councillor, name, value)
            changed = True
    return changed


def _refuse_if_gone(rows, wards, councillors, users):
    """Raise ``ValidationError`` if the registry no longer fits the checked rows."""
    ward_codes = {code for row in rows for code in row.ward_codes}
    councillor_ids = {row.councillor_id for row in rows if row.councillor_id}
    stale = (
        ward_codes - set(wards)
        or councillor_ids - set(councillors)
        or {row.link_user_id for row in rows if row.link_user_id} - set(users)
        or Councillor.objects.filter(user__in=list(users)).exists()
        or any(
            councillors[row.councillor_id].user_id
            for row in rows
            if row.councillor_id and row.link_user_id
        )
    )
    if stale:
        raise ValidationError(
            _(
                "Wards, councillors or accounts changed while you were checking the file. "
                "Nothing was imported: upload it again."
            ),
            code="stale",
        )
