"""Moderation and the duplication check: the chair's consensus scores, and the panel's
finding on whether a bid's organisations are already funded for the same work.

A consensus score is recorded only by the panel's chair, only once every panel
member without a conflict with the bid has submitted their scores for it. Two
saves of the same question at once leave one consensus: the form carries the
``revision`` the chair saw, and a save over a newer one is refused, never
overwriting it.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tenders.actions.audit import record
from tenders.actions.reports import request_evaluation_report
from tenders.actions.scoring import slot_name
from tenders.evaluation import Slot
from tenders.models import Bid, CheckStage, Consensus, DuplicationFinding, TenderEvent
from tenders.moderation import (
    all_moderated,
    chair_of,
    duplication_stage,
    may_check_duplication,
    still_to_submit,
)


class ConsensusChanged(ValidationError):
    """Someone recorded a consensus for the question after the chair read it.

    ``current`` is the consensus as it now stands.
    """

    def __init__(self, current):
        self.current = current
        super().__init__(
            _(
                "%(name)s recorded a consensus score of %(score)s for this question while "
                "you were working; look at it and save again if you still disagree"
            )
            % {"name": current.recorded_by or _("Someone"), "score": current.score}
        )


def _check_slot(bid, criterion, lot):
    """Refuse a question of another tender, or a lot the question is not scored for."""
    if criterion.tender_id != bid.tender_id:
        raise ValueError("The question is not one of this tender's.")
    if lot is None:
        return
    lots = Bid.objects.filter(pk=bid.pk).values_list("current_version__content__lots", flat=True)
    if not criterion.per_lot or lot.number not in (lots.first() or []):
        raise ValueError("The bid is not scored on this question for that lot.")


def require_panel_finished(bid):
    """Raise ``ValidationError`` naming the panel members still to submit scores for ``bid``."""
    waiting = still_to_submit(bid.tender, [bid])[bid.pk]
    if waiting:
        names = ", ".join(str(member.user) for member in waiting)
        raise ValidationError(
            _(
                "Moderation of this bid can start once every evaluator has submitted their "
                "scores for it. Still to submit: %(names)s."
            )
            % {"names": names}
        )


@transaction.atomic
def record_consensus(*, bid, criterion, lot=None, score, reason, revision, by, now=None):
    """Record the panel's consensus ``score`` and ``reason`` for ``bid`` on one question.

    ``revision`` is the revision of the consensus the chair saw (0 for none); if
    the consensus now stored is not that one, ``ConsensusChanged`` is raised and
    nothing is written.
    Refused (``ValidationError``) for a score off the question's scale, an empty
    reason, or before every evaluator has submitted. Logged with the old and new
    scores. Returns the ``Consensus``.
    """
    tender = bid.tender
    if chair_of(by, tender) is None or not Bid.objects.visible_to(by).filter(pk=bid.pk).exists():
        raise PermissionError("Only the panel's chair moderates, and only bids they may read.")
    _check_slot(bid, criterion, lot)
    reason = (reason or "").strip()
    errors = {}
    if score is None or not 0 <= score <= criterion.scale_max:
        errors["score"] = _("Choose a score from 0 to %(top)s") % {"top": criterion.scale_max}
    if not reason:
        errors["reason"] = _("Give the reason for the consensus score")
    if errors:
        raise ValidationError(errors)
    require_panel_finished(bid)

    slot = {"bid": bid, "criterion": criterion, "lot": lot}
    # No ordering: the default one joins nullable tables, which FOR UPDATE refuses.
    current = Consensus.objects.select_for_update().filter(**slot).order_by().first()
    if current is not None and current.revision != revision:
        raise ConsensusChanged(current)
    old = {"score": current.score, "reason": current.reason} if current else None
    if current is None:
        try:
            with transaction.atomic():
                consensus = Consensus.objects.create(
                    **slot, score=score, reason=reason, recorded_by=by
                )
        except IntegrityError:
            # Another save created it first: tell this chair, change nothing.
            raise ConsensusChanged(
                Consensus.objects.select_related("recorded_by").get(**slot)
            ) from None
    elif (current.score, current.reason) == (score, reason):
        return current
    else:
        consensus = current
        consensus.score, consensus.reason, consensus.recorded_by = score, reason, by
        consensus.revision += 1
        consensus.save(update_fields=["score", "reason", "recorded_by", "revision", "recorded_at"])
    where = slot_name(Slot(criterion, lot))
    record(
        tender,
        TenderEvent.Kind.MODERATED,
        by=by,
        at=now,
        bid=bid,
        summary=(
            _("Consensus score for %(where)s: %(score)s") % {"where": where, "score": score}
            if old is None
            else _("Consensus score for %(where)s changed from %(old)s to %(score)s")
            % {"where": where, "old": old["score"], "score": score}
        ),
        criterion=criterion.number,
        lot=lot.number if lot else None,
        old=old,
        new={"score": score, "reason": reason},
        revision=consensus.revision,
    )
    _ask_for_the_report(tender)
    return consensus


def _ask_for_the_report(tender):
    """Once every score is moderated, ask for the whole evaluation report after each change
    it shows, so it is ready before anyone clicks."""
    if all_moderated(tender):
        request_evaluation_report(tender)


@transaction.atomic
def record_duplication_check(*, bid, concern, note, by, stage=None, now=None):
    """Record the duplication finding (recommendation R01 i) on ``bid`` for ``stage``.

    ``stage`` defaults to the bid's stage: at opening until moderation of the bid
    has started, at moderation after. A concern needs a note. Recording again for
    the same stage replaces the finding; the log keeps both. Returns the finding.
    """
    tender = bid.tender
    if not may_check_duplication(by, tender) or not (
        Bid.objects.visible_to(by).filter(pk=bid.pk).submitted().exists()
    ):
        raise PermissionError("Only the chair and the commissioners record this check.")
    stage = stage or duplication_stage(bid)
    if stage not in CheckStage.values:
        raise ValueError(f"Unknown stage {stage!r}.")
    note = (note or "").strip()
    if concern and not note:
        raise ValidationError({"note": _("Say what the concern is")})
    finding, _created = DuplicationFinding.objects.update_or_create(
        bid=bid, stage=stage, defaults={"concern": concern, "note": note, "recorded_by": by}
    )
    stage_name = CheckStage(stage).label
    record(
        tender,
        TenderEvent.Kind.DUPLICATION_CHECKED,
        by=by,
        at=now,
        bid=bid,
        summary=(
            _("Duplication check %(stage)s: a concern") % {"stage": stage_name.lower()}
            if concern
            else _("Duplication check %(stage)s: no concern") % {"stage": stage_name.lower()}
        ),
        stage=stage,
        concern=concern,
        note=note,
    )
    _ask_for_the_report(tender)
    return finding
