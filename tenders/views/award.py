"""The commissioners' award page: the results lot by lot, the notice of intention to
award, and each decision's standstill, withdrawal and confirmation.

Only the publisher's commissioners see it (404 for anyone else, and for one who
declared a conflict with a bid on the panel), and only once the bid box is open.
Every write goes through ``tenders.actions``.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms import add_errors
from tenders import actions
from tenders.awards import decisions_of, standstill_end_in_words
from tenders.evaluation import evaluation_of
from tenders.forms.award import AwardForm, WithdrawDecisionForm
from tenders.models import AwardDecision, PanelMember, Tender
from tenders.views.method import GET_POST, _posted, commissioned_opportunity

NO_LOTS = "contract"


@dataclass
class LotAward:
    """One lot on the award page: its results, and its decision or the form to make one."""

    lot: object
    rows: list
    decision: object = None
    form: object = None
    standstill_end: str = ""
    standstill_over: bool = False


def _lot_key(lot):
    return str(lot.pk) if lot else NO_LOTS


def _opened_tender(request, reference):
    """The commissioner's opened tender; 404 for one who declared a conflict with any of
    its bids, who may not make the award and whose page would name that bid. One query
    for the tender and the conflict."""
    opportunity = commissioned_opportunity(request, reference)
    conflicts = PanelMember.conflicts.through.objects.filter(
        panelmember__tender=OuterRef("pk"), panelmember__user=request.user
    )
    tender = (
        Tender.objects.filter(opportunity=opportunity, opened_at__isnull=False)
        .annotate(conflicted=Exists(conflicts))
        .first()
    )
    if tender is None or tender.conflicted:
        raise Http404
    tender.opportunity = opportunity
    return tender


@GET_POST
def award(request, reference):
    """Each lot's ranked bids with the proposed winners, and the award decision for it."""
    tender = _opened_tender(request, reference)
    evaluation = evaluation_of(tender, request.user)
    moderated = evaluation.is_moderated
    results = evaluation.results() if moderated else {}
    criteria = {criterion.pk: criterion for criterion in evaluation.criteria}
    decisions = decisions_of(tender)
    posted = request.POST.get("lot") if request.method == "POST" else None
    now = timezone.now()
    lots, posted_form = [], None
    for lot in evaluation.lots:
        key = lot.pk if lot else None
        entry = LotAward(lot=lot, rows=results.get(key, []), decision=decisions.get(key))
        if entry.decision is not None:
            entry.standstill_end = standstill_end_in_words(entry.decision.standstill_ends_at)
            entry.standstill_over = now >= entry.decision.standstill_ends_at
        elif moderated:
            data = request.POST if posted == _lot_key(lot) else None
            entry.form = AwardForm(
                data,
                lot=lot,
                lot_key=_lot_key(lot),
                rows=entry.rows,
                criteria=criteria,
                prefix=f"lot-{_lot_key(lot)}",
            )
            if data is not None:
                posted_form = entry
        lots.append(entry)
    if posted_form is not None and _send(request, tender, posted_form):
        return redirect("tenders:award", reference=reference)
    return render(
        request,
        "tenders/award/award.html",
        {
            "opportunity": tender.opportunity,
            "tender": tender,
            "moderated": moderated,
            "missing": len(evaluation.missing()),
            "lots": lots,
            "posted_form": posted_form.form if posted_form else None,
            "criteria": evaluation.criteria,
        },
    )


def _send(request, tender, entry):
    """Send the notice for ``entry``'s lot from its bound form; False and errors if refused."""
    form = entry.form
    if not form.is_valid():
        return False
    try:
        decision = actions.send_intention(
            tender=tender,
            lot=entry.lot,
            winners=form.winning_bids(),
            reason=form.cleaned_data["reason"],
            standstill_working_days=form.cleaned_data["standstill_working_days"],
            by=request.user,
        )
    except ValidationError as error:
        add_errors(form, error)
        return False
    messages.success(
        request,
        _(
            "The notice of intention to award is sent and every bidder for %(lot)s is being "
            "emailed their assessment summary. The standstill ends at %(end)s."
        )
        % {
            "lot": entry.lot or _("the contract"),
            "end": standstill_end_in_words(decision.standstill_ends_at),
        },
    )
    return True


def _decision(tender, pk):
    return get_object_or_404(
        AwardDecision.objects.current().select_related("lot"), tender=tender, pk=pk
    )


@GET_POST
def withdraw(request, reference, pk):
    """Withdraw a decision not yet confirmed, giving the reason every bidder is sent."""
    tender = _opened_tender(request, reference)
    decision = _decision(tender, pk)
    form = WithdrawDecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.withdraw_decision(
                decision=decision, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The decision for %(lot)s is withdrawn and its bidders are being told.")
                % {"lot": decision.lot or _("the contract")},
            )
            return redirect("tenders:award", reference=reference)
    return render(
        request,
        "tenders/award/withdraw.html",
        {
            "opportunity": tender.opportunity,
            "decision": decision,
            "form": form,
            "heading": _("Withdraw the award decision for %(lot)s")
            % {"lot": decision.lot or _("the contract")},
            "standstill_end": standstill_end_in_words(decision.standstill_ends_at),
        },
    )


@require_POST
def confirm(request, reference, pk):
    """Confirm an award after its standstill; refused before, saying when it ends."""
    tender = _opened_tender(request, reference)
    decision = _decision(tender, pk)
    try:
        actions.confirm_award(decision=decision, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The award of %(lot)s is confirmed and published.")
            % {"lot": decision.lot or _("the contract")},
        )
    return redirect("tenders:award", reference=reference)
