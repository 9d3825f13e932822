"""Posting, extending and closing needs and offers, and tying an offer to a contract pledge."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commissioning.models import ContractSupplier
from exchange.actions import require_member
from exchange.models import Need, Offer, Unit
from organisations.models import Sector

# A need is for the coming months, not a standing request: past this it is posted again.
LONGEST_NEED = datetime.timedelta(days=366)
LONGEST_OFFER = datetime.timedelta(days=3 * 366)


def _check_need_date(needed_by, today):
    if needed_by < today:
        raise ValidationError({"needed_by": _("The date it is needed by must be today or later")})
    if needed_by > today + LONGEST_NEED:
        raise ValidationError(
            {"needed_by": _("The date it is needed by must be within a year from today")}
        )


@transaction.atomic
def post_need(
    *,
    organisation,
    by,
    title,
    description,
    why,
    kind,
    unit,
    quantity,
    ward,
    online=False,
    needed_by,
    today=None,
):
    """Post a need for ``organisation``, a third-sector organisation ``by`` belongs to.

    ``needed_by`` must be from today to a year ahead (``ValidationError``).
    """
    require_member(by, organisation)
    if organisation.sector != Sector.THIRD:
        raise ValidationError(
            _("Needs are posted by charities, community groups and social enterprises")
        )
    _check_need_date(needed_by, today or timezone.localdate())
    return Need.objects.create(
        organisation=organisation,
        posted_by=by,
        title=title,
        description=description,
        why=why,
        kind=kind,
        unit=unit,
        quantity=quantity,
        ward=ward,
        online=online,
        needed_by=needed_by,
    )


@transaction.atomic
def extend_need(*, need, by, needed_by, today=None):
    """Move a need's date later (an expired need comes back into matching).

    A closed or met need cannot be extended; the new date follows the posting rule.
    """
    need = Need.objects.select_for_update().get(pk=need.pk)
    require_member(by, need.organisation)
    if need.closed_at or need.met_at:
        raise ValidationError(_("This need is finished and cannot be extended"))
    if needed_by <= need.needed_by:
        raise ValidationError({"needed_by": _("The new date must be after the current one")})
    _check_need_date(needed_by, today or timezone.localdate())
    need.needed_by = needed_by
    need.save(update_fields=["needed_by"])
    return need


@transaction.atomic
def close_need(*, need, by):
    """Close a need: it leaves matching. Matches already accepted can still be delivered."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    require_member(by, need.organisation)
    if need.closed_at is None:
        need.closed_at, need.closed_by = timezone.now(), by
        need.save(update_fields=["closed_at", "closed_by"])
    return need


def units_match(pledge, unit):
    """Whether help counted in ``unit`` can count towards ``pledge``: the pledge's own unit
    must be the same thing ("hours of mentoring" for hours)."""
    word = {Unit.HOURS: "hour", Unit.ITEMS: "item", Unit.PLACES: "place"}[Unit(unit)]
    return word in pledge.unit.lower()


def _check_pledge(organisation, pledge, unit):
    if pledge is None:
        return
    delivers = ContractSupplier.objects.filter(
        contract=pledge.contract_id, organisation=organisation, left_on__isnull=True
    ).exists()
    if not delivers:
        raise ValidationError(
            {"pledge": _("Choose a pledge of a contract your organisation delivers")}
        )
    if not units_match(pledge, unit):
        raise ValidationError(
            {
                "pledge": _(
                    "That pledge is counted in %(pledge_unit)s; this offer is counted in %(unit)s"
                )
                % {"pledge_unit": pledge.unit, "unit": Unit(unit).label}
            }
        )


@transaction.atomic
def post_offer(
    *,
    organisation,
    by,
    title,
    description,
    kind,
    unit,
    capacity,
    citywide=False,
    wards=(),
    online=False,
    available_from,
    available_until,
    pledge=None,
    today=None,
):
    """Post an offer for ``organisation`` (any registered organisation ``by`` belongs to).

    It must say where (the whole city, wards, or online), end on or after today and
    its start, and last at most three years. ``pledge``, if given, must belong to a
    contract the organisation delivers and be counted in the same unit.
    """
    require_member(by, organisation)
    today = today or timezone.localdate()
    errors = {}
    if not (citywide or wards or online):
        errors["wards"] = _("Say where the help can be given: wards, the whole city or online")
    if available_until < available_from:
        errors["available_until"] = _("The end of the period must be on or after its start")
    elif available_until < today:
        errors["available_until"] = _("The end of the period must be today or later")
    elif available_until - max(available_from, today) > LONGEST_OFFER:
        errors["available_until"] = _("An offer can run for at most three years")
    if errors:
        raise ValidationError(errors)
    _check_pledge(organisation, pledge, unit)
    offer = Offer.objects.create(
        organisation=organisation,
        posted_by=by,
        title=title,
        description=description,
        kind=kind,
        unit=unit,
        capacity=capacity,
        citywide=citywide,
        online=online,
        available_from=available_from,
        available_until=available_until,
        pledge=pledge,
    )
    if not citywide:
        offer.wards.set(wards)
    return offer


@transaction.atomic
def link_pledge(*, offer, by, pledge):
    """Tie ``offer`` to one of its organisation's contract pledges (or untie it with
    ``None``). Help confirmed from then on counts towards the pledge."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    require_member(by, offer.organisation)
    _check_pledge(offer.organisation, pledge, offer.unit)
    offer.pledge = pledge
    offer.save(update_fields=["pledge"])
    return offer


@transaction.atomic
def close_offer(*, offer, by):
    """Close an offer: it leaves matching. Accepted matches can still be delivered."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    require_member(by, offer.organisation)
    if offer.closed_at is None:
        offer.closed_at, offer.closed_by = timezone.now(), by
        offer.save(update_fields=["closed_at", "closed_by"])
    return offer
