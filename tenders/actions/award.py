"""Awarding a tender, lot by lot: the notice of intention that starts the standstill,
withdrawing it, and confirming the award after it. The assessment summaries each
decision owes are emailed by ``tenders.actions.summaries``.

Only the publisher's commissioners act here, once every bid is moderated. Each
step is appended to the tender's log. The lot's results are copied into the
decision when the notice is sent (``results_snapshot``), so the summaries and
the published award say what the decision was made on even if a score changes
later.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities.actions import record_award, require_commissioner
from portal.celery import app
from tenders import ocds, standstill, tasks
from tenders.actions.audit import record
from tenders.assessment import results_snapshot
from tenders.awards import standstill_end_in_words
from tenders.evaluation import evaluation_of
from tenders.models import (
    AssessmentSummary,
    AwardDecision,
    PanelMember,
    Tender,
    TenderEvent,
)


def _awardable(tender, by):
    """The evaluation ``by`` reads, if an award may be made from it; else a refusal."""
    require_commissioner(tender.opportunity.publisher, by)
    if tender.opportunity.cancelled_at is not None:
        raise ValidationError(_("The opportunity was cancelled, so nothing can be awarded."))
    if tender.opened_at is None:
        raise ValidationError(_("Open the bid box and evaluate the bids before awarding."))
    if PanelMember.conflicts.through.objects.filter(
        panelmember__tender=tender, panelmember__user=by
    ).exists():
        raise ValidationError(
            _(
                "You declared a conflict of interest with a bid in this tender, so another "
                "commissioner must make the award."
            )
        )
    evaluation = evaluation_of(tender, by)
    if not evaluation.is_moderated:
        raise ValidationError(
            _("Every bid needs a consensus score on every question before an award is made.")
        )
    return evaluation


def _refuse_winners(evaluation, lot, rows, winners, tender):
    """Why ``winners`` cannot win ``lot`` (a ``ValidationError`` on ``winners``), if they cannot."""
    if not winners:
        raise ValidationError({"winners": _("Choose at least one winning bid")})
    in_lot = {row.bid.pk: row for row in rows}
    criteria = {criterion.pk: criterion for criterion in evaluation.criteria}
    problems = []
    for bid in winners:
        row = in_lot.get(bid.pk)
        if row is None:
            problems.append(
                _("Bid %(bid)s is not a bid for %(lot)s")
                % {"bid": bid.reference, "lot": lot or _("this contract")}
            )
        elif row.has_failed:
            criterion = criteria[row.failed[0]]
            problems.append(
                _(
                    "%(organisation)s's bid cannot win: it scored under the minimum of "
                    "%(minimum)s on question %(number)s"
                )
                % {
                    "organisation": bid.organisation.name,
                    "minimum": criterion.minimum_score,
                    "number": criterion.number,
                }
            )
    max_awards = lot.max_awards if lot else 1
    if len(winners) > max_awards:
        problems.append(
            _("%(lot)s can be awarded to %(max)s organisations at most; you chose %(n)s")
            % {"lot": lot or _("This contract"), "max": max_awards, "n": len(winners)}
        )
    if tender.max_lots_won and lot is not None:
        holding = _lots_held(tender, [bid.organisation_id for bid in winners])
        for bid in winners:
            if holding.get(bid.organisation_id, 0) >= tender.max_lots_won:
                problems.append(
                    _("%(organisation)s already holds %(max)s lots, the most one bidder may win")
                    % {"organisation": bid.organisation.name, "max": tender.max_lots_won}
                )
    if problems:
        raise ValidationError({"winners": problems})


def _lots_held(tender, organisations):
    """``{organisation id: current decisions of other lots it is a winner in}``."""
    held = {}
    for organisation_id in AwardDecision.winners.through.objects.filter(
        awarddecision__tender=tender,
        awarddecision__withdrawn_at__isnull=True,
        bid__organisation__in=organisations,
    ).values_list("bid__organisation", flat=True):
        held[organisation_id] = held.get(organisation_id, 0) + 1
    return held


@transaction.atomic
def send_intention(
    *, tender, lot, winners, reason, by, standstill_working_days=None, now=None, notify=True
):
    """Decide to award ``lot`` (None for a contract without lots) to ``winners`` and send
    the notice of intention: the standstill starts now.

    Refused, with what to fix, unless every bid is moderated, each winner is a bid
    for the lot that did not fail a minimum score, there are no more winners than
    the lot may have, the reason is given, the standstill is at least 8 working
    days, and the lot has no current decision. Every bid assessed for the lot gets
    an assessment summary, emailed once this commits (unless ``notify=False``: the
    demo seed, which sends no email).
    """
    now = now or timezone.now()
    days = (
        standstill.MINIMUM_WORKING_DAYS
        if standstill_working_days is None
        else standstill_working_days
    )
    # One decision at a time per tender: two commissioners cannot both award a lot.
    tender = Tender.objects.select_for_update().select_related("opportunity").get(pk=tender.pk)
    evaluation = _awardable(tender, by)
    lots = evaluation.lots
    if lot not in lots:
        raise ValidationError(_("Choose a lot of this opportunity."))
    if AwardDecision.objects.current().filter(tender=tender, lot=lot).exists():
        raise ValidationError(
            _("%(lot)s already has an award decision. Withdraw it first to make another.")
            % {"lot": lot or _("This contract")}
        )
    rows = evaluation.results()[lot.pk if lot else None]
    winners = list(winners)
    _refuse_winners(evaluation, lot, rows, winners, tender)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision")})
    try:
        ends_at = standstill.standstill_ends_at(now, days)
    except ValueError:
        raise ValidationError(
            {
                "standstill_working_days": _(
                    "The standstill must be at least %(days)s working days (Procurement Act "
                    "2023, section 51)"
                )
                % {"days": standstill.MINIMUM_WORKING_DAYS}
            }
        ) from None
    decision = AwardDecision.objects.create(
        tender=tender,
        lot=lot,
        reason=reason,
        standstill_working_days=days,
        results=results_snapshot(evaluation, rows),
        intention_sent_at=now,
        intention_sent_by=by,
        standstill_ends_at=ends_at,
    )
    decision.winners.set(winners)
    ocds.record_intention(decision)
    AssessmentSummary.objects.bulk_create(
        AssessmentSummary(decision=decision, bid=row.bid) for row in rows
    )
    record(
        tender,
        TenderEvent.Kind.INTENTION_SENT,
        by=by,
        at=now,
        summary=_("Intention to award %(lot)s to %(winners)s; the standstill ends at %(end)s")
        % {
            "lot": lot or _("the contract"),
            "winners": ", ".join(bid.organisation.name for bid in winners),
            "end": standstill_end_in_words(ends_at),
        },
        decision=decision.pk,
        lot=lot.number if lot else None,
        winners=[bid.reference for bid in winners],
        standstill_working_days=days,
        standstill_ends_at=ends_at.isoformat(),
    )
    if notify:
        tasks.send_assessment_summaries.delay_on_commit(decision.pk)
    return decision


def _locked_decision(decision, by):
    require_commissioner(decision.tender.opportunity.publisher, by)
    return (
        AwardDecision.objects.select_for_update(of=("self",))
        .select_related("tender__opportunity", "lot")
        .get(pk=decision.pk)
    )


@transaction.atomic
def withdraw_decision(*, decision, by, reason, now=None):
    """Withdraw an award decision not yet confirmed, with a reason; its bidders are told.

    The lot can then be decided again, with a new notice and a new standstill.
    """
    now = now or timezone.now()
    decision = _locked_decision(decision, by)
    if decision.is_withdrawn or decision.is_confirmed:
        raise ValidationError(
            _("This decision was already withdrawn.")
            if decision.is_withdrawn
            else _("This award is confirmed, so it can no longer be withdrawn.")
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for withdrawing the decision")})
    decision.withdrawn_at, decision.withdrawn_by, decision.withdrawal_reason = now, by, reason
    decision.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    ocds.record_withdrawal(decision)
    record(
        decision.tender,
        TenderEvent.Kind.DECISION_WITHDRAWN,
        by=by,
        at=now,
        summary=_("Award decision for %(lot)s withdrawn: %(reason)s")
        % {"lot": decision.lot or _("the contract"), "reason": reason},
        decision=decision.pk,
    )
    tasks.tell_bidders_of_withdrawal.delay_on_commit(decision.pk)
    return decision


@transaction.atomic
def confirm_award(*, decision, by, now=None):
    """Confirm the award once its standstill is over: from then it is published.

    Refused during the standstill, saying when it ends. When every lot of the
    opportunity has a confirmed award, the opportunity is marked awarded.
    """
    now = now or timezone.now()
    decision = _locked_decision(decision, by)
    if decision.is_withdrawn or decision.is_confirmed:
        raise ValidationError(
            _("This decision was withdrawn, so it cannot be confirmed.")
            if decision.is_withdrawn
            else _("This award is already confirmed.")
        )
    if decision.tender.opportunity.cancelled_at is not None:
        raise ValidationError(_("The opportunity was cancelled, so the award cannot be confirmed."))
    if now < decision.standstill_ends_at:
        raise ValidationError(
            _("The standstill ends at %(end)s. The award can be confirmed after that.")
            % {"end": standstill_end_in_words(decision.standstill_ends_at)}
        )
    tender = decision.tender
    record(
        tender,
        TenderEvent.Kind.STANDSTILL_ENDED,
        by=by,
        at=now,
        summary=_("The standstill for %(lot)s ended at %(end)s")
        % {
            "lot": decision.lot or _("the contract"),
            "end": standstill_end_in_words(decision.standstill_ends_at),
        },
        decision=decision.pk,
    )
    decision.confirmed_at, decision.confirmed_by = now, by
    decision.save(update_fields=["confirmed_at", "confirmed_by"])
    record(
        tender,
        TenderEvent.Kind.AWARD_CONFIRMED,
        by=by,
        at=now,
        summary=_("Award of %(lot)s confirmed and published")
        % {"lot": decision.lot or _("the contract")},
        decision=decision.pk,
    )
    opportunity = tender.opportunity
    lots = list(opportunity.lots.all()) or [None]
    confirmed = AwardDecision.objects.confirmed().filter(tender=tender)
    if opportunity.awarded_at is None and confirmed.count() == len(lots):
        record_award(opportunity=opportunity, at=now)
    ocds.record_confirmation(decision)
    transaction.on_commit(lambda: _make_contracts(decision.pk), robust=True)
    return decision


def _make_contracts(decision_id):
    """Ask commissioning, by the task's name, to make the award's contracts: tenders does
    not import commissioning. An hourly sweep there catches any this misses."""
    app.signature("commissioning.contract_from_award", args=(decision_id,)).delay()
