"""The decommissioning notice email, to an affected organisation's people or a councillor."""

from django.urls import reverse

from accounts.emails import absolute_url
from organisations.models import Membership
from portal.mail import send_each


def addresses_of(notice):
    """Where ``notice`` goes: the active members (admins and members) of its organisation,
    or its councillor's address."""
    if notice.councillor_id is not None:
        return [notice.councillor.email] if notice.councillor.email else []
    memberships = Membership.objects.filter(
        organisation=notice.organisation_id, user__is_active=True
    )
    return sorted(set(memberships.values_list("user__email", flat=True)))


def send_decommissioning_notice(notice):
    """Tell one recipient what will happen to the contract, when, why and where to get
    support. Replies go to the commissioner who gave notice."""
    decommissioning = notice.decommissioning
    contract = decommissioning.contract
    given_by = decommissioning.notice_given_by
    send_each(
        f"Notice: {decommissioning.what_happens} – {contract.reference} {contract.title}",
        "commissioning/email/decommissioning_notice.txt",
        {
            "notice": notice,
            "decommissioning": decommissioning,
            "contract": contract,
            "url": absolute_url(
                reverse(
                    "commissioning:decommissioning", args=[contract.reference, decommissioning.pk]
                )
            ),
        },
        addresses_of(notice),
        reply_to=[given_by.email] if given_by is not None else None,
    )
