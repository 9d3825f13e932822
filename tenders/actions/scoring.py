"""Independent scoring: each evaluator marks each bid they may read on every question,
with a reason, saves as they go and then submits their sheet for that bid.

A score can change after submitting until the chair records the panel's
consensus for that question; every score entered or changed is logged with its
old and new values.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tenders.actions.audit import record
from tenders.evaluation import lots_of, slots_of
from tenders.models import Bid, Consensus, Score, ScoreSheet, TenderEvent


def slot_key(slot):
    """A slot's name in forms and errors: ``"<criterion id>"`` or ``"<criterion id>-<lot id>"``."""
    return f"{slot.criterion.pk}-{slot.lot.pk}" if slot.lot else str(slot.criterion.pk)


def slot_ids(slot):
    """``(criterion id, lot id or None)``: how scores and consensus rows name a slot."""
    return (slot.criterion.pk, slot.lot.pk if slot.lot else None)


def slot_name(slot):
    """How a slot is named in a message: "question 2" or "question 2, Lot 1"."""
    if slot.lot:
        return _("question %(number)s, %(lot)s") % {
            "number": slot.criterion.number,
            "lot": slot.lot,
        }
    return _("question %(number)s") % {"number": slot.criterion.number}


def scorable_bids(member):
    """The bids ``member`` may score: the tender's submitted bids they may read, which
    needs the box open, their declaration made and no conflict with the bid.

    Each carries ``frozen_lots`` for ``slots_of``.
    """
    if not member.has_declared:
        return Bid.objects.none()
    return (
        Bid.objects.visible_to(member.user)
        .filter(tender=member.tender)
        .submitted()
        .annotate(frozen_lots=F("current_version__content__lots"))
        .order_by("submitted_at", "pk")
    )


def _sheet_for(member, bid, by):
    """Lock and return ``member``'s sheet for ``bid`` (made if need be), after the checks
    every scoring write shares."""
    if member.user_id != by.pk:
        raise PermissionError("Evaluators enter their own scores.")
    bid = scorable_bids(member).filter(pk=bid.pk).first()
    if bid is None:
        raise PermissionError("This evaluator may not score this bid.")
    sheet, _created = ScoreSheet.objects.get_or_create(member=member, bid=bid)
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    sheet.bid = bid
    return sheet


def _slots(member, bid):
    criteria = list(member.tender.criteria.all())
    return slots_of(bid, criteria, lots_of(member.tender))


def _problems(slot, mark, score, moderated):
    """What is wrong with one mark, as ``{field: message}``."""
    value, reason = mark
    key, name = slot_key(slot), slot_name(slot)
    top = slot.criterion.scale_max
    if value is None:
        return {f"score_{key}": _("Choose a score for %(slot)s") % {"slot": name}}
    if not 0 <= value <= top:
        return {
            f"score_{key}": _("The score for %(slot)s must be between 0 and %(top)s")
            % {"slot": name, "top": top}
        }
    if not reason.strip():
        return {f"reason_{key}": _("Give a reason for your score for %(slot)s") % {"slot": name}}
    if moderated and (score is None or (score.score, score.reason) != (value, reason.strip())):
        return {
            f"score_{key}": _(
                "The chair has recorded the panel's consensus score for %(slot)s, so your "
                "score for it can no longer change"
            )
            % {"slot": name}
        }
    return {}


@transaction.atomic
def save_scores(*, member, bid, marks, by, now=None):
    """Save ``member``'s marks for ``bid``: ``marks`` maps a slot (``slots_of``) to
    ``(score or None, reason)``; a slot left wholly blank is skipped.

    Refused, naming the question, for a score outside the scale, a score without a
    reason (or a reason without a score) and a change after the consensus. Nothing
    is saved unless every mark is acceptable. Returns the sheet.
    """
    sheet = _sheet_for(member, bid, by)
    slots = _slots(member, sheet.bid)
    if set(marks) - set(slots):
        raise ValidationError(_("Score only the questions this bid answered"))
    existing = {(s.criterion_id, s.lot_id): s for s in sheet.scores.all()}
    moderated = set(Consensus.objects.filter(bid=sheet.bid).values_list("criterion_id", "lot_id"))
    entered = [
        (slot, marks[slot])
        for slot in slots
        if slot in marks and (marks[slot][0] is not None or marks[slot][1].strip())
    ]
    errors = {}
    for slot, mark in entered:
        ids = slot_ids(slot)
        errors |= _problems(slot, mark, existing.get(ids), ids in moderated)
    if errors:
        raise ValidationError(errors)
    for slot, (value, reason) in entered:
        _write(sheet, slot, existing.get(slot_ids(slot)), value, reason.strip(), by, now)
    return sheet


def _write(sheet, slot, score, value, reason, by, now=None):
    """Create or change one score, logging it; an unchanged score writes nothing."""
    detail = {
        "member": by.email,
        "criterion": slot.criterion.number,
        "lot": slot.lot.number if slot.lot else None,
        "score": value,
        "reason": reason,
    }
    if score is None:
        Score.objects.create(
            sheet=sheet, criterion=slot.criterion, lot=slot.lot, score=value, reason=reason
        )
        kind, summary = TenderEvent.Kind.SCORE_ENTERED, _("Score %(score)s entered for %(slot)s")
    elif (score.score, score.reason) != (value, reason):
        detail |= {"old_score": score.score, "old_reason": score.reason}
        score.score, score.reason = value, reason
        score.save(update_fields=["score", "reason", "changed_at"])
        kind, summary = (
            TenderEvent.Kind.SCORE_CHANGED,
            _("Score for %(slot)s changed from %(old)s to %(score)s"),
        )
    else:
        return
    summary %= {"score": value, "slot": slot_name(slot), "old": detail.get("old_score")}
    record(sheet.member.tender, kind, by=by, at=now, bid=sheet.bid, summary=summary, **detail)


@transaction.atomic
def submit_scores(*, member, bid, by, now=None):
    """Submit ``member``'s sheet for ``bid``: only once every question has a score and a
    reason. From then on they see the other evaluators' submitted scores for the bid.
    Submitting again changes nothing."""
    now = now or timezone.now()
    sheet = _sheet_for(member, bid, by)
    if sheet.submitted_at:
        return sheet
    scored = {(s.criterion_id, s.lot_id) for s in sheet.scores.all()}
    missing = [
        _("Score %(slot)s") % {"slot": slot_name(slot)}
        for slot in _slots(member, sheet.bid)
        if slot_ids(slot) not in scored
    ]
    if missing:
        raise ValidationError(missing)
    sheet.submitted_at = now
    sheet.save(update_fields=["submitted_at"])
    record(
        member.tender,
        TenderEvent.Kind.SCORES_SUBMITTED,
        by=by,
        bid=sheet.bid,
        at=now,
        summary=_("%(name)s submitted their scores for bid %(reference)s")
        % {"name": by.full_name or by.email, "reference": sheet.bid.reference},
        member=by.email,
    )
    return sheet
