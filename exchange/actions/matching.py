"""Matching: either side proposes a need and an offer together, the other accepts or
declines, each with a message the portal relays (nobody sees anyone's address).

Accepting takes the match's quantity from the offer's capacity and the need's
remaining quantity. Both rows are locked, offer first then need (every action
takes them in that order), and the figures re-checked, so two acceptances
reaching for the last of an offer at the same moment leave one.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from exchange import emails
from exchange.formats import amount
from exchange.models import Match, Need, Offer, Side, Status
from portal.authorization import membership_role


def sides_of(user, *, need, offer):
    """The sides ``user`` is on for ``need`` and ``offer``: ``Side.GIVER`` as a member of
    the offering organisation, ``Side.RECIPIENT`` as one of the organisation in need;
    both for someone in both, none for anyone else."""
    if not user or not user.is_authenticated:
        return set()
    sides = set()
    if membership_role(user, offer.organisation) is not None:
        sides.add(Side.GIVER)
    if membership_role(user, need.organisation) is not None:
        sides.add(Side.RECIPIENT)
    return sides


def check_fit(need, offer, quantity, today):
    """Raise ``ValidationError`` unless ``offer`` can meet ``quantity`` of ``need`` today."""
    if need.organisation_id == offer.organisation_id:
        raise ValidationError(_("An organisation cannot take up its own offer"))
    need_status, offer_status = need.status_on(today), offer.status_on(today)
    if need_status not in {Status.OPEN, Status.PARTLY_MET}:
        raise ValidationError(_("This need is %(status)s") % {"status": need_status.label.lower()})
    if offer_status != Status.OPEN:
        raise ValidationError(
            _("This offer is %(status)s") % {"status": offer_status.label.lower()}
        )
    if need.kind != offer.kind or need.unit != offer.unit:
        raise ValidationError(
            _(
                "The offer is of %(offer)s in %(offer_unit)s; "
                "the need is for %(need)s in %(need_unit)s"
            )
            % {
                "offer": offer.get_kind_display().lower(),
                "offer_unit": offer.get_unit_display(),
                "need": need.get_kind_display().lower(),
                "need_unit": need.get_unit_display(),
            }
        )
    covers = (
        offer.citywide
        or (need.online and offer.online)
        or offer.wards.filter(pk=need.ward_id).exists()
    )
    if not covers:
        raise ValidationError(
            _("The offer is not available in %(ward)s") % {"ward": need.ward.name}
        )
    if offer.available_from > need.needed_by:
        raise ValidationError(_("The offer starts after the date the help is needed by"))
    errors = []
    if quantity > offer.remaining:
        errors.append(
            _("Only %(amount)s of this offer are left")
            % {"amount": amount(offer.remaining, offer.unit)}
        )
    if quantity > need.still_needed:
        errors.append(
            _("Only %(amount)s are still needed") % {"amount": amount(need.still_needed, need.unit)}
        )
    if errors:
        raise ValidationError({"quantity": errors})


@transaction.atomic
def propose_match(*, need, offer, by, quantity, message="", side=None, today=None, notify=True):
    """Propose that ``offer`` meets ``quantity`` of ``need``, for ``by``'s ``side`` (needed
    only when ``by`` belongs to both organisations).

    Refused when the two do not fit (kind, unit, area, dates, what is left), when the
    pair already has a match waiting or accepted, or for an organisation's own need.
    The other side's members are emailed.
    """
    # Fresh figures: what another match took since the caller read them counts.
    need = Need.objects.select_related("organisation", "ward").get(pk=need.pk)
    offer = Offer.objects.select_related("organisation").get(pk=offer.pk)
    sides = sides_of(by, need=need, offer=offer)
    if not sides:
        raise PermissionError("Only the need's or the offer's organisation can propose a match.")
    check_fit(need, offer, quantity, today or timezone.localdate())
    if side is None and len(sides) == 1:
        side = sides.pop()
    elif side not in sides:
        raise PermissionError("Say which side proposes: the user belongs to both organisations.")
    if Match.objects.filter(need=need, offer=offer, declined_at__isnull=True).exists():
        raise ValidationError(_("This need and this offer are already matched"))
    try:
        with transaction.atomic():
            match = Match.objects.create(
                need=need,
                offer=offer,
                quantity=quantity,
                proposed_by_side=side,
                proposed_by=by,
                message=message,
            )
    except IntegrityError:  # the same pair proposed at the same moment
        raise ValidationError(_("This need and this offer are already matched")) from None
    if notify:  # the demo seeds without email
        transaction.on_commit(lambda: emails.send_proposed(match))
    return match


def _pending_for(match, by):
    """The match locked with its offer and need, checking ``by`` may answer it."""
    offer = Offer.objects.select_for_update().get(pk=match.offer_id)
    need = Need.objects.select_for_update().get(pk=match.need_id)
    match = Match.objects.select_for_update().get(pk=match.pk)
    match.offer, match.need = offer, need
    if match.answering_side not in sides_of(by, need=need, offer=offer):
        raise PermissionError("Only the other side can answer a proposed match.")
    if not match.is_pending:
        raise ValidationError(_("This match has already been answered"))
    return match


@transaction.atomic
def accept_match(*, match, by, answer="", today=None, notify=True):
    """Accept a proposed match: its quantity is taken from the offer and the need.

    Refused, with what is left, when either no longer has enough (another match was
    accepted first), or when either has closed or expired since.
    """
    match = _pending_for(match, by)
    need, offer = match.need, match.offer
    check_fit(need, offer, match.quantity, today or timezone.localdate())
    Offer.objects.filter(pk=offer.pk).update(committed=F("committed") + match.quantity)
    Need.objects.filter(pk=need.pk).update(promised=F("promised") + match.quantity)
    match.accepted_at, match.answered_by, match.answer = timezone.now(), by, answer
    match.save(update_fields=["accepted_at", "answered_by", "answer"])
    if notify:  # the demo seeds without email
        transaction.on_commit(lambda: emails.send_answered(match))
    return match


@transaction.atomic
def decline_match(*, match, by, answer="", notify=True):
    """Decline a proposed match, with a message the other side is sent."""
    match = _pending_for(match, by)
    match.declined_at, match.answered_by, match.answer = timezone.now(), by, answer
    match.save(update_fields=["declined_at", "answered_by", "answer"])
    if notify:  # the demo seeds without email
        transaction.on_commit(lambda: emails.send_answered(match))
    return match
