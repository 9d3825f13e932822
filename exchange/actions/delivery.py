"""Help given: the giver records it, the recipient confirms it.

Only a confirmed delivery counts, on the match, the need (which is met once
everything needed has been confirmed) and the offer; and, when the offer is tied
to a contract pledge, as a social value return for that contract in the need's
ward. The recipient may add a short testimonial, shown publicly as plain text.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from commissioning.actions.social_value import add_delivered_in_ward
from exchange import emails
from exchange.actions.matching import side_of
from exchange.formats import amount
from exchange.models import Delivery, Match, Need, Offer, Side


@transaction.atomic
def record_delivery(*, match, by, quantity, delivered_on, value=None, note="", today=None):
    """The giver records help given under an accepted match; the recipient is asked to
    confirm it. At most what was agreed, less what is already recorded; not in the
    future, nor before the match was accepted."""
    match = Match.objects.select_for_update().select_related("need", "offer").get(pk=match.pk)
    if side_of(by, need=match.need, offer=match.offer) != Side.GIVER:
        raise PermissionError("Only the organisation giving the help can record it.")
    if match.accepted_at is None:
        raise ValidationError(_("Help can be recorded once the match is accepted"))
    today = today or timezone.localdate()
    errors = {}
    if delivered_on > today:
        errors["delivered_on"] = _("The date it was given must be today or earlier")
    elif delivered_on < timezone.localtime(match.accepted_at).date():
        errors["delivered_on"] = _("The date it was given must be after the match was accepted")
    recorded = match.deliveries.aggregate(total=Sum("quantity"))["total"] or 0
    left = match.quantity - recorded
    if quantity > left:
        errors["quantity"] = (
            _("Only %(amount)s of this match are left to record")
            % {"amount": amount(left, match.offer.unit)}
            if left > 0
            else _("Everything agreed in this match has been recorded")
        )
    if errors:
        raise ValidationError(errors)
    delivery = Delivery.objects.create(
        match=match,
        quantity=quantity,
        delivered_on=delivered_on,
        value=value,
        note=note,
        recorded_by=by,
    )
    transaction.on_commit(lambda: emails.send_delivery_recorded(delivery))
    return delivery


@transaction.atomic
def confirm_delivery(*, delivery, by, testimonial=""):
    """The recipient confirms help was given, with an optional testimonial.

    The quantity then counts: on the match, the need (met once all of it is
    confirmed), the offer and, for an offer tied to a pledge, the contract's social
    value in the need's ward. Confirming twice changes nothing.
    """
    match = Match.objects.get(pk=delivery.match_id)
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("pledge")
        .get(pk=match.offer_id)
    )
    need = Need.objects.select_for_update().select_related("ward").get(pk=match.need_id)
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if side_of(by, need=need, offer=offer) != Side.RECIPIENT:
        raise PermissionError("Only the organisation that received the help can confirm it.")
    if delivery.confirmed_at:
        return delivery
    now = timezone.now()
    delivery.confirmed_at, delivery.confirmed_by, delivery.testimonial = now, by, testimonial
    if offer.pledge:
        delivery.social_value_return = add_delivered_in_ward(
            pledge=offer.pledge,
            ward=need.ward,
            quantity=delivery.quantity,
            delivered_on=delivery.delivered_on,
            description=_("Through the social value exchange: %(offer)s for %(organisation)s")
            % {"offer": offer.title, "organisation": need.organisation.name},
            by=delivery.recorded_by,
        )
    delivery.save(
        update_fields=["confirmed_at", "confirmed_by", "testimonial", "social_value_return"]
    )
    Match.objects.filter(pk=match.pk).update(delivered=F("delivered") + delivery.quantity)
    Offer.objects.filter(pk=offer.pk).update(delivered=F("delivered") + delivery.quantity)
    need.delivered += delivery.quantity
    need.met_at = need.met_at or (now if need.delivered >= need.quantity else None)
    Need.objects.filter(pk=need.pk).update(
        delivered=F("delivered") + delivery.quantity, met_at=need.met_at
    )
    transaction.on_commit(lambda: emails.send_delivery_confirmed(delivery))
    return delivery
