"""Consortium changes after award (recommendation R01 h): the lead asks, with a
justification and evidence; one of the publisher's commissioners approves or refuses,
with reasons; an approved change is applied to the bid's partners at once.

The history stays on ``ConsortiumChange`` and in the tender's log; nothing is
deleted, a partner that goes keeps its row with ``left_at`` set.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities.actions import require_commissioner
from organisations.models import Identifier
from portal.authorization import membership_role
from portal.uploads import validate_upload
from tenders import tasks
from tenders.actions.audit import record
from tenders.consortium import current_partners, describe, has_award
from tenders.models import Bid, BidPartner, ChangeKind, ConsortiumChange, PartnerKind, TenderEvent

LEAVING = {ChangeKind.REMOVE, ChangeKind.REPLACE}
JOINING = {ChangeKind.ADD, ChangeKind.REPLACE}


def registered_by_identifier(identifier):
    """The registered organisation whose charity or company number is ``identifier``, if any."""
    value = "".join(identifier.split())
    if not value:
        return None
    found = Identifier.objects.filter(value__iexact=value).select_related("organisation").first()
    return found.organisation if found else None


@transaction.atomic
def ask_consortium_change(
    *,
    bid,
    by,
    kind,
    justification,
    evidence,
    partner=None,
    organisation=None,
    name="",
    identifier="",
    partner_kind=PartnerKind.PARTNER,
    share_percent=None,
    notify=True,
):
    """The lead organisation's administrator asks to add, remove or replace a partner of a
    bid chosen for award, with a justification and an evidence file.

    The organisation joining is a registered one (``organisation``, or the one
    whose charity or company number is ``identifier``) or is named with its
    number. Refused, naming what to fix, when the bid has no current award
    decision, a change is already waiting, the partner leaving is not one of the
    bid's current partners, the one joining is already in the bid, or shares would
    leave the lead nothing. The commissioner's contact is emailed.
    """
    if membership_role(by, bid.organisation) != "admin":
        raise PermissionError("Only the lead organisation's administrators can ask.")
    # Two administrators asking at once: the second waits here, then sees the first's.
    Bid.objects.select_for_update().get(pk=bid.pk)
    if not has_award(bid):
        raise ValidationError(
            _(
                "Your bid has not been chosen for award, so there is no consortium to change. "
                "Until the award you can change partners only in the bid itself, before the "
                "deadline."
            )
        )
    if ConsortiumChange.objects.filter(bid=bid, decided_at__isnull=True).exists():
        raise ValidationError(
            _("A change is already waiting for the council's decision: wait for it first.")
        )
    if organisation is None and kind in JOINING:
        organisation = registered_by_identifier(identifier)
    change = ConsortiumChange(
        bid=bid,
        kind=kind,
        partner=partner if kind in LEAVING else None,
        organisation=organisation if kind in JOINING else None,
        name="" if organisation or kind not in JOINING else name.strip(),
        identifier="" if organisation or kind not in JOINING else identifier.strip(),
        partner_kind=partner_kind if kind in JOINING else "",
        share_percent=Decimal(share_percent) if kind in JOINING and share_percent else None,
        justification=justification.strip(),
        evidence=evidence,
        requested_by=by,
    )
    errors = _problems(change)
    if not change.justification:
        errors["justification"] = _("Explain why the consortium must change")
    if problem := _evidence_problem(evidence):
        errors["evidence"] = problem
    if errors:
        raise ValidationError(errors)
    change.save()
    record(
        bid.tender,
        TenderEvent.Kind.CONSORTIUM_CHANGE_ASKED,
        by=by,
        bid=bid,
        summary=_("%(lead)s asked: %(change)s")
        % {"lead": bid.organisation.name, "change": describe(change)},
        change=change.pk,
        change_kind=change.kind,
    )
    if notify:  # not for the demo seed, which sends no email
        tasks.tell_commissioner_of_consortium_change.delay_on_commit(change.pk)
    return change


def _evidence_problem(evidence):
    """Why ``evidence`` (an uploaded file or None) will not do, or None."""
    if evidence is None:
        return _("Attach the evidence, such as the letters agreeing the change")
    try:
        validate_upload(evidence)
    except ValidationError as error:
        return error.messages
    return None


def _problems(change):
    """What is wrong with ``change`` against the bid's partners as they are now, by field."""
    errors = {}
    if change.kind not in ChangeKind.values:
        return {"kind": _("Choose whether to add, remove or replace a partner")}
    partners = list(current_partners(change.bid))
    if change.kind in LEAVING and change.partner_id not in {p.pk for p in partners}:
        errors["partner"] = _("Choose the partner leaving from your bid's current partners")
    if change.kind not in JOINING:
        return errors
    if change.organisation_id is not None:
        if change.organisation_id == change.bid.organisation_id:
            errors["name"] = _("Your own organisation leads the bid; name the one joining")
        elif BidPartner.objects.filter(bid=change.bid, organisation=change.organisation).exists():
            errors["name"] = _(
                "%(name)s is, or has been, a partner in this bid: it cannot join it again"
            ) % {"name": change.organisation.name}
    else:
        if not change.name:
            errors["name"] = _("Enter the name of the organisation joining")
        if not change.identifier:
            errors["identifier"] = _("Enter its charity or company number")
    if change.partner_kind not in PartnerKind.values:
        errors["partner_kind"] = _("Choose its role")
    share = change.share_percent
    if share is None or not (0 < share < 100):
        errors["share_percent"] = _("Its share of the work must be more than 0% and less than 100%")
    else:
        staying = sum((p.share_percent for p in partners if p.pk != change.partner_id), Decimal(0))
        if staying + share >= 100:
            errors["share_percent"] = _(
                "Partners would do %(total)s%% of the work, leaving none for the lead: the "
                "shares of partners must add up to less than 100%%"
            ) % {"total": f"{(staying + share).normalize():f}"}
    return errors


@transaction.atomic
def decide_consortium_change(*, change, by, approve, reason, now=None):
    """One of the publisher's commissioners approves or refuses a waiting change, with
    reasons; the lead is emailed.

    Approving applies it: the partner leaving gets ``left_at``; the one joining
    becomes a ``BidPartner`` (``joined``). A registered organisation joins
    confirmed: before the deadline a partner confirms for itself, but that step
    closes with bidding, and after award the change rests on the evidence the
    lead attaches, which must include the joining organisation's agreement (the
    form asks for its signed letter). The commissioner approves only on that
    evidence, so the approval stands for its confirmation; its administrators are
    emailed that it has joined. Approval is refused when the bid's award has been
    withdrawn since, or the bid's partners changed so the change no longer fits.
    """
    now = now or timezone.now()
    bid = change.bid
    require_commissioner(bid.tender.opportunity.publisher, by)
    change = ConsortiumChange.objects.select_for_update().get(pk=change.pk)
    change.bid = bid
    if change.decided_at is not None:
        raise ValueError("This change has already been decided.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reasons for your decision")})
    if approve:
        if not has_award(bid):
            raise ValidationError(
                _("The bid no longer has an award decision, so its consortium cannot change.")
            )
        problems = _problems(change)
        if problems:
            raise ValidationError(
                [_("The bid's partners have changed since this was asked:")]
                + [str(message) for message in problems.values()]
            )
        _apply(change, now=now)
    change.decided_at, change.decided_by = now, by
    change.approved, change.decision_reason = approve, reason
    change.save(update_fields=["decided_at", "decided_by", "approved", "decision_reason", "joined"])
    record(
        bid.tender,
        TenderEvent.Kind.CONSORTIUM_CHANGE_DECIDED,
        by=by,
        bid=bid,
        at=now,
        summary=(_("Approved: %(change)s") if approve else _("Refused: %(change)s"))
        % {"change": describe(change)},
        change=change.pk,
        approved=approve,
        reason=reason,
    )
    tasks.tell_bidders_of_consortium_decision.delay_on_commit(change.pk)
    return change


def _apply(change, *, now):
    if change.kind in LEAVING:
        BidPartner.objects.filter(pk=change.partner_id).update(left_at=now)
    if change.kind in JOINING:
        change.joined = BidPartner.objects.create(
            bid=change.bid,
            organisation=change.organisation,
            name=change.name,
            identifier=change.identifier,
            kind=change.partner_kind,
            share_percent=change.share_percent,
            added_by=change.requested_by,
            confirmed_at=now if change.organisation_id else None,
        )
