"""An evaluator scoring one bid: its frozen answers beside a score and a reason for each
question, saved as a draft and then submitted.

Only a declared panel member without a conflict with the bid reaches it; anyone
else gets 404. The other evaluators' scores appear once the evaluator has
submitted their own for the bid.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal.forms import add_errors
from portal.uploads import file_download
from tenders import actions
from tenders.evaluation import lots_of, slots_of
from tenders.forms.evaluation import ScoresForm
from tenders.models import BidAttachment, Consensus
from tenders.queries import sheets_seen
from tenders.views.method import GET_POST, _posted
from tenders.views.panel import seat_for
from tenders.views.submitted import frozen_bid


def _bid_to_score(request, reference, bid_reference):
    member = seat_for(request, reference)
    bid = get_object_or_404(
        actions.scorable_bids(member).select_related("organisation", "current_version"),
        reference=bid_reference,
    )
    return member, bid


@dataclass
class Row:
    """One question of the bid: the answer, the evaluator's fields, and what others scored."""

    slot: object
    answer: str
    score: object  # the bound score field
    reason: object  # the bound reason field
    moderated: bool
    others: list  # [(PanelMember, Score)]


def _rows(form, content, consensus, others):
    answers = {(a["criterion"], a["lot"]): a["text"] for a in content["answers"]}
    scores = {
        (score.criterion_id, score.lot_id, sheet.member_id): score
        for sheet in others
        for score in sheet.scores.all()
    }
    rows = []
    for slot, score, reason in form.rows():
        criterion_id, lot_id = actions.slot_ids(slot)
        number = slot.lot.number if slot.lot else None
        rows.append(
            Row(
                slot=slot,
                answer=answers.get((slot.criterion.number, number), ""),
                score=score,
                reason=reason,
                moderated=(criterion_id, lot_id) in consensus,
                others=[
                    (sheet.member, scores.get((criterion_id, lot_id, sheet.member_id)))
                    for sheet in others
                ],
            )
        )
    return rows


def _save(request, member, bid, form):
    """Save the marks and, when asked, submit the sheet; True when it all went through."""
    try:
        actions.save_scores(member=member, bid=bid, marks=form.marks(), by=request.user)
    except ValidationError as error:
        add_errors(form, error)
        return False
    if "submit" not in request.POST:
        messages.success(request, _("Your scores are saved as a draft."))
        return True
    try:
        actions.submit_scores(member=member, bid=bid, by=request.user)
    except ValidationError as error:
        add_errors(form, error)
        messages.info(
            request, _("Your scores are saved as a draft, but not submitted: see what is missing.")
        )
        return False
    messages.success(
        request,
        _(
            "Your scores for this bid are submitted. The other evaluators' submitted "
            "scores are shown with yours."
        ),
    )
    return True


@GET_POST
def score_bid(request, reference, bid_reference):
    """Score one bid on every question it answered, with a reason for each score."""
    member, bid = _bid_to_score(request, reference, bid_reference)
    tender = member.tender
    slots = slots_of(bid, list(tender.criteria.all()), lots_of(tender))
    own, others = sheets_seen(member, bid)
    consensus = set(Consensus.objects.filter(bid=bid).values_list("criterion_id", "lot_id"))
    form = ScoresForm(_posted(request), slots=slots, sheet=own, moderated=consensus)
    if request.method == "POST" and form.is_valid() and _save(request, member, bid, form):
        return redirect("tenders:score_bid", reference=reference, bid_reference=bid_reference)
    if request.method == "POST":  # a draft may have been saved before a refusal
        own, others = sheets_seen(member, bid)
    frozen = frozen_bid(tender, bid)
    return render(
        request,
        "tenders/scoring/bid.html",
        {
            "opportunity": tender.opportunity,
            "tender": tender,
            "bid": bid,
            "member": member,
            "form": form,
            "sheet": own,
            "others": others,
            "rows": _rows(form, frozen["content"], consensus, others),
        }
        | frozen,
    )


@require_safe
def scored_attachment(request, reference, bid_reference, pk):
    """A file submitted with the bid's current version, for an evaluator scoring it."""
    _member, bid = _bid_to_score(request, reference, bid_reference)
    if pk not in {a["id"] for a in bid.current_version.content["attachments"]}:
        raise Http404
    return file_download(get_object_or_404(BidAttachment, bid=bid, pk=pk).file)
