"""Reads about decommissioning: the notice rule in dates, who is told, who may see a plan.

The Compact asks for at least ``NOTICE_MONTHS`` calendar months' notice from
the day notice is given to the day the change takes effect. Months are counted
as calendar months: notice given on 30 November allows 28 February (29 in a
leap year), never 2 March.
"""

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from commissioning.models import ContractSupplier, Decommissioning
from commissioning.models.decommissioning import NOTICE_MONTHS
from opportunities.actions import is_commissioner
from organisations.models import Councillor, Organisation


def earliest_with_full_notice(notice_day):
    """The first day a change may take effect with full notice given on ``notice_day``."""
    return notice_day + relativedelta(months=NOTICE_MONTHS)


def is_short_notice(notice_day, takes_effect_on):
    """True when ``takes_effect_on`` leaves less than the Compact's notice from ``notice_day``."""
    return takes_effect_on < earliest_with_full_notice(notice_day)


def may_plan(user, contract):
    """Whether ``user`` may plan a decommissioning of ``contract`` (its publisher's
    commissioners)."""
    return user.is_authenticated and is_commissioner(user, contract.publisher)


def visible_to(user, contract):
    """The decommissionings of ``contract`` that ``user`` may read: every one once notice is
    given (public information, R02 a); those still being planned only for the publisher's
    commissioners."""
    decommissionings = Decommissioning.objects.filter(contract=contract)
    if may_plan(user, contract):
        return decommissionings
    return decommissionings.filter(notice_given_at__isnull=False)


def notices_given():
    """Every decommissioning whose notice is given (public), newest notice first, with
    the contract and publisher a row shows: read in that order from the partial index
    ``decommissioning_notices_newest``, so a page reads only its own rows."""
    return (
        Decommissioning.objects.filter(notice_given_at__isnull=False)
        .select_related("contract__publisher")
        .order_by("-notice_given_at", "-pk")
    )


def affected_organisations(decommissioning):
    """The organisations told: the contract's suppliers still on it, and the other
    organisations the commissioner named as affected."""
    suppliers = ContractSupplier.objects.filter(
        contract=decommissioning.contract_id, left_on__isnull=True
    ).values("organisation")
    return Organisation.objects.filter(
        Q(pk__in=suppliers) | Q(pk__in=decommissioning.affected_organisations.values("pk"))
    ).order_by("name", "pk")


def councillors_to_tell(decommissioning):
    """The councillors told: those of the wards the contract names, and those of the ward
    each affected organisation is based in.

    A citywide contract names no wards; telling all the city's councillors would
    bury the notice among many others, so for it the councillors told are those
    where the people affected are based. Councillors without an email address
    are left out: there is no way to tell them through the portal.
    """
    contract = decommissioning.contract
    base_wards = affected_organisations(decommissioning).filter(ward__isnull=False).values("ward")
    where = Q(wards__in=base_wards)
    if not contract.citywide:
        where |= Q(wards__in=contract.wards.values("pk"))
    return Councillor.objects.filter(where).exclude(email="").distinct().order_by("full_name")
