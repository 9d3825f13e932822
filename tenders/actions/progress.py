"""Keeping bidders told during evaluation: the expected decision date, and the
fortnightly evaluation update every bidder gets until the award is confirmed."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities.actions import require_commissioner
from portal import batch
from portal.formats import date_in_words
from tenders import emails
from tenders.actions.audit import record
from tenders.models import Bid, EvaluationUpdate, Tender, TenderEvent
from tenders.progress import period_of, tenders_in_evaluation

NOTE_LENGTH = Tender._meta.get_field("evaluation_note").max_length


@transaction.atomic
def set_progress(*, tender, by, decision_expected_on, evaluation_note, now=None):
    """Set the date the publisher expects to decide and what bidders are told about
    progress; commissioners only. The date may not be in the past. A change is
    logged with what it was before; saving the same again changes and logs nothing.
    """
    require_commissioner(tender.opportunity.publisher, by)
    today = timezone.localdate(now or timezone.now())
    note = evaluation_note.strip()
    errors = {}
    if decision_expected_on is None:
        errors["decision_expected_on"] = _("Enter the date you expect to make the decision")
    elif decision_expected_on < today:
        errors["decision_expected_on"] = _(
            "The expected decision date must be today or later: a date in the past tells "
            "bidders nothing"
        )
    if len(note) > NOTE_LENGTH:
        errors["evaluation_note"] = _(
            "What bidders are told must be %(limit)s characters or less"
        ) % {"limit": NOTE_LENGTH}
    if errors:
        raise ValidationError(errors)
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    before = (tender.decision_expected_on, tender.evaluation_note)
    if before == (decision_expected_on, note):
        return tender
    tender.decision_expected_on, tender.evaluation_note = decision_expected_on, note
    tender.save(update_fields=["decision_expected_on", "evaluation_note"])
    record(
        tender,
        TenderEvent.Kind.PROGRESS_CHANGED,
        by=by,
        summary=_("Decision expected by %(date)s") % {"date": date_in_words(decision_expected_on)},
        decision_expected_on=decision_expected_on.isoformat(),
        evaluation_note=note,
        before={
            "decision_expected_on": before[0].isoformat() if before[0] else None,
            "evaluation_note": before[1],
        },
    )
    return tender


def send_evaluation_updates(*, now=None):
    """Daily: email every submitted bid's organisation the update for the current
    14-day period since its tender's box was opened, once; return how many were sent.

    The unique (bid, period) ``EvaluationUpdate`` row is created first, whatever
    happens next, then each unsent row is claimed (``select_for_update``,
    ``skip_locked``: two runs never take the same row) and marked sent in the
    transaction that sends it, so no rerun, retry or second worker sends a period
    twice. A failed send is recorded on its row (``portal.batch``) and tried again
    on the next run, while the period lasts; the other bids are still sent.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for tender, progress in tenders_in_evaluation(now=now):
        period = period_of(tender, today)
        bids = Bid.objects.filter(tender=tender).submitted()
        EvaluationUpdate.objects.bulk_create(
            [
                EvaluationUpdate(
                    bid_id=pk,
                    period=period,
                    stage=progress.stage,
                    decision_expected_on=progress.decision_expected_on,
                )
                for pk in bids.values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )
        unsent = EvaluationUpdate.objects.filter(bid__in=bids, period=period, sent_at__isnull=True)
        sent += batch.each_in_its_own_transaction(
            EvaluationUpdate,
            unsent.order_by("pk").values_list("pk", flat=True),
            partial(_send_update, progress=progress),
            job="evaluation updates",
        )
    return sent


def _send_update(update_id, *, progress):
    """Claim one unsent update, email it and mark it sent; True if this run sent it."""
    update = (
        EvaluationUpdate.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=update_id, sent_at__isnull=True)
        .select_related("bid__organisation", "bid__tender__opportunity")
        .first()
    )
    if update is None:
        return False
    emails.send_evaluation_update(update, progress)
    batch.done(
        update,
        sent_at=timezone.now(),
        stage=progress.stage,
        decision_expected_on=progress.decision_expected_on,
    )
    bid = update.bid
    record(
        bid.tender,
        TenderEvent.Kind.UPDATE_SENT,
        by=None,
        bid=bid,
        summary=_("Evaluation update %(number)s sent to %(name)s")
        % {"number": update.period + 1, "name": bid.organisation.name},
        period=update.period,
        stage=progress.stage,
    )
    return True
