"""Bidding: starting a bid, editing its working copy, submitting, replacing and withdrawing.

Only members of the lead organisation edit a bid, and only while the
opportunity is open: every edit checks the deadline by the server's clock.
Partners' administrators confirm or decline. ``now`` is the moment the
request reached the server; tests pass it to stand either side of a deadline.
"""

import hashlib
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.authorization import membership_role
from portal.formats import moment_in_words
from portal.uploads import validate_upload
from tenders import receipts, rules, tasks
from tenders.actions.audit import record
from tenders.actions.method import method_problems
from tenders.models import (
    Answer,
    Bid,
    BidAttachment,
    BidPartner,
    BidVersion,
    CostBreakdown,
    FundingDeclaration,
    LivingWage,
    PartnerKind,
    PriceEntry,
    SocialValueCommitment,
    Tender,
    TenderEvent,
)
from tenders.queries import checklist, missing_from

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I


class DeadlinePassed(ValidationError):
    """The deadline for bids had passed when the request reached the server.

    Within a minute of the deadline both moments read the same to the minute, so
    the message says how many seconds late the request was instead.
    """

    def __init__(self, *, deadline, now):
        late = (now - deadline).total_seconds()
        words = {"deadline": moment_in_words(deadline), "now": moment_in_words(now)}
        if 0 <= late < 1:
            message = _(
                "The deadline for bids was %(deadline)s. Your request reached the portal at "
                "that moment, not before it, so nothing was changed."
            )
        elif 1 <= late < 60:
            words["seconds"] = int(late)
            message = ngettext(
                "The deadline for bids was %(deadline)s. Your request reached the portal "
                "%(seconds)d second after it, so nothing was changed.",
                "The deadline for bids was %(deadline)s. Your request reached the portal "
                "%(seconds)d seconds after it, so nothing was changed.",
                words["seconds"],
            )
        else:
            message = _(
                "The deadline for bids was %(deadline)s. Your request reached the portal at "
                "%(now)s, so nothing was changed."
            )
        super().__init__(message % words, code="deadline_passed")


def new_reference():
    return "B-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def is_bidder(user, bid):
    """True when ``user`` is a member of ``bid``'s lead organisation (and so may edit it)."""
    return membership_role(user, bid.organisation) is not None


def _require_open(tender, now):
    opportunity = tender.opportunity
    if opportunity.published_at is None or opportunity.cancelled_at or opportunity.awarded_at:
        raise ValueError("This opportunity is not taking bids.")
    if tender.opened_at is not None or now >= opportunity.submission_deadline:
        raise DeadlinePassed(deadline=opportunity.submission_deadline, now=now)


def _editing(bid, by, now):
    """Check ``by`` may change ``bid`` at ``now``; record that its working copy changed."""
    if not is_bidder(by, bid):
        raise PermissionError("Only members of the lead organisation can change this bid.")
    # Read afresh: the commissioner may have moved the deadline or changed the rules.
    bid.tender = Tender.objects.select_related("opportunity").get(pk=bid.tender_id)
    _require_open(bid.tender, now)
    Bid.objects.filter(pk=bid.pk).update(changed_at=now)
    bid.changed_at = now


@transaction.atomic
def start_bid(*, tender, organisation, by, now=None):
    """The organisation's bid for ``tender``: its existing one, or a new draft.

    Refused when ``by`` is not a member, the organisation is the publisher, the
    opportunity is not open or its method is not complete.
    """
    now = now or timezone.now()
    tender = Tender.objects.select_related("opportunity").get(pk=tender.pk)
    if membership_role(by, organisation) is None:
        raise PermissionError("Only members of the organisation can bid for it.")
    if organisation.pk == tender.opportunity.publisher_id:
        raise ValueError("The publisher cannot bid for its own opportunity.")
    _require_open(tender, now)
    if method_problems(tender):
        raise ValueError("The evaluation method is not complete yet.")
    existing = Bid.objects.filter(tender=tender, organisation=organisation).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Bid.objects.create(
                tender=tender, organisation=organisation, reference=new_reference(), created_by=by
            )
    except IntegrityError:  # started at the same moment by a colleague
        return Bid.objects.get(tender=tender, organisation=organisation)


@transaction.atomic
def save_lots(*, bid, lots, by, now=None):
    """Choose the lots the bid is for; within the tender's limit on lots per bidder."""
    now = now or timezone.now()
    _editing(bid, by, now)
    lots = list(lots)
    if any(lot.opportunity_id != bid.tender.opportunity_id for lot in lots):
        raise PermissionError("That lot belongs to another opportunity.")
    if not lots:
        raise ValidationError({"lots": _("Choose at least one lot")})
    limit = bid.tender.max_lots_per_bidder
    if limit and len(lots) > limit:
        raise ValidationError(
            {
                "lots": _("You can bid for at most %(limit)s lots; you chose %(n)s")
                % {"limit": limit, "n": len(lots)}
            }
        )
    bid.lots.set(lots)


@transaction.atomic
def save_answer(*, bid, criterion, by, text, lot=None, now=None):
    """Save the answer to ``criterion`` (for ``lot`` if it is answered per lot).

    An empty answer removes it; one over the word limit is refused.
    """
    now = now or timezone.now()
    _editing(bid, by, now)
    if criterion.tender_id != bid.tender_id:
        raise PermissionError("That question belongs to another tender.")
    if lot is not None and lot.opportunity_id != bid.tender.opportunity_id:
        raise PermissionError("That lot belongs to another opportunity.")
    words = rules.word_count(text)
    if words > criterion.word_limit:
        raise ValidationError(
            {
                "text": _("Your answer must be %(limit)s words or fewer; it is %(words)s words")
                % {"limit": criterion.word_limit, "words": words}
            }
        )
    lot = lot if criterion.per_lot else None
    if lot is None and criterion.per_lot and bid.tender.opportunity.lots.exists():
        raise ValueError("A question answered for each lot needs the lot.")
    if not text.strip():
        Answer.objects.filter(bid=bid, criterion=criterion, lot=lot).delete()
        return None
    answer, _created = Answer.objects.update_or_create(
        bid=bid, criterion=criterion, lot=lot, defaults={"text": text.strip()}
    )
    return answer


@transaction.atomic
def save_price(*, bid, by, unit_prices, lot=None, breakdown=None, now=None):
    """Price the lines of ``lot``'s schedule (``unit_prices``: line → price per unit), with the
    full-cost breakdown (direct_delivery, staff, volunteer_expenses, overheads) when given.

    Prices cannot be negative; a breakdown must add up to the lot's price.
    """
    now = now or timezone.now()
    _editing(bid, by, now)
    lot_id = lot.pk if lot is not None else None
    errors = {}
    for line, price in unit_prices.items():
        if line.tender_id != bid.tender_id or line.lot_id != lot_id:
            raise PermissionError("That price line belongs to another lot or tender.")
        if price is not None and Decimal(price) < 0:
            errors[f"line_{line.pk}"] = _("The price of “%(line)s” cannot be negative") % {
                "line": line.description
            }
    total = sum(
        (
            line.quantity * Decimal(price)
            for line, price in unit_prices.items()
            if price is not None
        ),
        Decimal(0),
    )
    if breakdown is not None:
        for name, value in breakdown.items():
            if value is None or Decimal(value) < 0:
                errors[name] = _("Enter an amount of £0 or more")
        if not errors and sum(map(Decimal, breakdown.values())) != total:
            errors["overheads"] = _(
                "The costs add up to £%(costs)s but the price is £%(price)s: they must be the same"
            ) % {"costs": f"{sum(map(Decimal, breakdown.values())):,.2f}", "price": f"{total:,.2f}"}
    if errors:
        raise ValidationError(errors)
    for line, price in unit_prices.items():
        if price is None:
            PriceEntry.objects.filter(bid=bid, line=line).delete()
        else:
            PriceEntry.objects.update_or_create(bid=bid, line=line, defaults={"unit_price": price})
    if breakdown is not None:
        CostBreakdown.objects.update_or_create(bid=bid, lot=lot, defaults=breakdown)
    return total


@transaction.atomic
def add_partner(
    *,
    bid,
    by,
    kind=PartnerKind.PARTNER,
    share_percent,
    organisation=None,
    name="",
    identifier="",
    now=None,
    notify=True,
):
    """Add a consortium partner or subcontractor: a registered organisation (whose
    administrators are asked to confirm) or one not yet registered, by name and number.

    ``notify=False`` (the demo seed) asks nobody by email."""
    now = now or timezone.now()
    _editing(bid, by, now)
    errors = {}
    if organisation is not None:
        if organisation.pk == bid.organisation_id:
            errors["organisation"] = _("Your own organisation leads the bid; choose a partner")
        elif bid.partners.filter(organisation=organisation).exists():
            errors["organisation"] = _("%(name)s is already a partner in this bid") % {
                "name": organisation.name
            }
    else:
        if not name.strip():
            errors["name"] = _("Enter the partner's name")
        if not identifier.strip():
            errors["identifier"] = _("Enter the partner's charity or company number")
    share = Decimal(share_percent) if share_percent is not None else None
    if share is None or not (0 < share < 100):
        errors["share_percent"] = _("The share of the work must be more than 0% and less than 100%")
    else:
        others = sum((p.share_percent for p in bid.partners.filter(declined_at=None)), Decimal(0))
        if others + share >= 100:
            errors["share_percent"] = _(
                "Partners would do %(total)s%% of the work, leaving none for you: the shares "
                "of partners must add up to less than 100%%"
            ) % {"total": f"{(others + share).normalize():f}"}
    if errors:
        raise ValidationError(errors)
    partner = BidPartner.objects.create(
        bid=bid,
        organisation=organisation,
        name="" if organisation else name.strip(),
        identifier="" if organisation else identifier.strip(),
        kind=kind,
        share_percent=share,
        added_by=by,
    )
    if organisation is not None and notify:
        tasks.ask_partner_to_confirm.delay_on_commit(partner.pk)
    return partner


@transaction.atomic
def remove_partner(*, partner, by, now=None):
    now = now or timezone.now()
    _editing(partner.bid, by, now)
    partner.delete()


@transaction.atomic
def answer_partnership(*, partner, by, accept, now=None, notify=True):
    """A partner's administrator confirms or declines joining the bid; the lead is told
    (unless ``notify=False``, for the demo seed)."""
    now = now or timezone.now()
    if partner.organisation_id is None or membership_role(by, partner.organisation) != "admin":
        raise PermissionError("Only the partner's administrators can answer.")
    partner = (
        BidPartner.objects.select_for_update()
        .select_related("bid__tender__opportunity")
        .get(pk=partner.pk)
    )
    _require_open(partner.bid.tender, now)
    if partner.confirmed_at or partner.declined_at:
        raise ValueError("This request has already been answered.")
    if accept:
        partner.confirmed_at = now
    else:
        partner.declined_at = now
    partner.answered_by = by
    partner.save(update_fields=["confirmed_at", "declined_at", "answered_by"])
    Bid.objects.filter(pk=partner.bid_id).update(changed_at=now)
    if notify:
        tasks.tell_lead_of_partner_answer.delay_on_commit(partner.pk)
    return partner


@transaction.atomic
def add_commitment(*, bid, by, measure, quantity, unit, citywide=False, wards=(), now=None):
    """Add a measurable social value commitment, with the wards it benefits."""
    now = now or timezone.now()
    _editing(bid, by, now)
    errors = {}
    if not measure.strip():
        errors["measure"] = _("Enter what you will do")
    if quantity is None or Decimal(quantity) <= 0:
        errors["quantity"] = _("Enter how many, more than 0")
    if not unit.strip():
        errors["unit"] = _("Enter the unit, like hours or apprenticeships")
    if not citywide and not wards:
        errors["wards"] = _("Choose the wards it benefits, or the whole city")
    if errors:
        raise ValidationError(errors)
    commitment = SocialValueCommitment.objects.create(
        bid=bid, measure=measure.strip(), quantity=quantity, unit=unit.strip(), citywide=citywide
    )
    if not citywide:
        commitment.wards.set(wards)
    return commitment


@transaction.atomic
def remove_commitment(*, commitment, by, now=None):
    now = now or timezone.now()
    _editing(commitment.bid, by, now)
    commitment.delete()


@transaction.atomic
def save_declarations(
    *, bid, by, has_other_funding, has_conflicts, conflicts="", living_wage, now=None
):
    """Declare other funding for the same work (R01 i), conflicts of interest and the
    Real Living Wage."""
    now = now or timezone.now()
    _editing(bid, by, now)
    if has_conflicts and not conflicts.strip():
        raise ValidationError({"conflicts": _("Describe the conflicts of interest")})
    if living_wage not in LivingWage.values:
        raise ValidationError({"living_wage": _("Say whether you pay the Real Living Wage")})
    bid.has_other_funding = has_other_funding
    bid.has_conflicts = has_conflicts
    bid.conflicts = conflicts.strip() if has_conflicts else ""
    bid.living_wage = living_wage
    bid.save(update_fields=["has_other_funding", "has_conflicts", "conflicts", "living_wage"])


@transaction.atomic
def add_funding(*, bid, by, funder, activity, amount, starts_on, ends_on=None, now=None):
    """Declare one grant or contract that funds the same or similar activities."""
    now = now or timezone.now()
    _editing(bid, by, now)
    errors = {}
    if not funder.strip():
        errors["funder"] = _("Enter who funds it")
    if not activity.strip():
        errors["activity"] = _("Enter what it funds")
    if amount is None or Decimal(amount) < 0:
        errors["amount"] = _("Enter the amount, £0 or more")
    if ends_on and starts_on and ends_on < starts_on:
        errors["ends_on"] = _("The end date must be on or after the start date")
    if errors:
        raise ValidationError(errors)
    if not bid.has_other_funding:
        Bid.objects.filter(pk=bid.pk).update(has_other_funding=True)
        bid.has_other_funding = True
    return FundingDeclaration.objects.create(
        bid=bid,
        funder=funder.strip(),
        activity=activity.strip(),
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
    )


@transaction.atomic
def remove_funding(*, funding, by, now=None):
    now = now or timezone.now()
    _editing(funding.bid, by, now)
    funding.delete()


@transaction.atomic
def add_attachment(*, bid, by, title, file, now=None):
    """Attach a file (type and size checked as for the registry's documents).

    A virus scanner, where one is deployed, hooks in here: see docs/uploads.md.
    """
    now = now or timezone.now()
    _editing(bid, by, now)
    try:
        validate_upload(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    if not title.strip():
        raise ValidationError({"title": _("Enter a title for the file")})
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return BidAttachment.objects.create(
        bid=bid,
        title=title.strip(),
        file=file,
        content_type=getattr(file, "content_type", "") or "application/octet-stream",
        size=file.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )


@transaction.atomic
def remove_attachment(*, attachment, by, now=None):
    """Take a file off the working copy; versions submitted with it keep it."""
    now = now or timezone.now()
    _editing(attachment.bid, by, now)
    BidAttachment.objects.filter(pk=attachment.pk).update(removed_at=now)


@transaction.atomic
def submit(*, bid, by, now=None, notify=True):
    """Submit the bid, or replace its submitted version; return the current ``BidVersion``.

    Refused after the deadline (``DeadlinePassed``) and while the task list has
    anything missing. The bid row is locked, so two submissions at once leave
    one current version: a submission whose content is unchanged returns the
    current version and its receipt instead of making another. The first
    submission for a tender locks its method. The receipt is emailed unless
    ``notify=False`` (the demo seed).
    """
    now = now or timezone.now()
    if not is_bidder(by, bid):
        raise PermissionError("Only members of the lead organisation can submit this bid.")
    bid = (
        Bid.objects.select_for_update()
        .select_related("tender__opportunity", "organisation")
        .get(pk=bid.pk)
    )
    tender = bid.tender
    _require_open(tender, now)
    missing = missing_from(checklist(bid, today=timezone.localdate(now)))
    if missing:
        raise ValidationError(missing)
    content = receipts.content_of(bid, today=timezone.localdate(now))
    digest = receipts.sha256(content)
    current = bid.current_version
    if current is not None and bid.withdrawn_at is None and current.sha256 == digest:
        return current
    number = (bid.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = BidVersion.objects.create(
        bid=bid, number=number, submitted_at=now, submitted_by=by, content=content, sha256=digest
    )
    replacing = current is not None and bid.withdrawn_at is None
    bid.current_version, bid.submitted_at, bid.withdrawn_at, bid.withdrawn_by = (
        version,
        now,
        None,
        None,
    )
    bid.save(update_fields=["current_version", "submitted_at", "withdrawn_at", "withdrawn_by"])
    if Tender.objects.filter(pk=tender.pk, locked_at__isnull=True).update(locked_at=now):
        record(
            tender,
            TenderEvent.Kind.METHOD_LOCKED,
            by=by,
            at=now,
            summary="The first bid was submitted: the method is locked",
        )
    record(
        tender,
        TenderEvent.Kind.BID_REPLACED if replacing else TenderEvent.Kind.BID_SUBMITTED,
        by=by,
        bid=bid,
        at=now,
        summary=f"{bid.reference} version {number} from {bid.organisation.name}",
        sha256=digest,
        version=number,
    )
    if notify:
        tasks.send_receipt.delay_on_commit(version.pk)
    return version


@transaction.atomic
def withdraw(*, bid, by, now=None):
    """Withdraw a submitted bid before the deadline; it can be submitted again until then."""
    now = now or timezone.now()
    if not is_bidder(by, bid):
        raise PermissionError("Only members of the lead organisation can withdraw this bid.")
    bid = (
        Bid.objects.select_for_update()
        .select_related("tender__opportunity", "organisation")
        .get(pk=bid.pk)
    )
    _require_open(bid.tender, now)
    if not bid.is_submitted:
        raise ValueError("Only a submitted bid can be withdrawn.")
    bid.withdrawn_at, bid.withdrawn_by = now, by
    bid.save(update_fields=["withdrawn_at", "withdrawn_by"])
    record(
        bid.tender,
        TenderEvent.Kind.BID_WITHDRAWN,
        by=by,
        bid=bid,
        at=now,
        summary=f"{bid.reference} from {bid.organisation.name} withdrawn",
    )
    return bid
