"""Moderation pages for the panel's chair, and the duplication check for the chair and
the publisher's commissioners.

Only the chair (declared) reads the moderation pages; anyone else gets 404. Bids
come through the gate (``Bid.objects.visible_to``), so a bid the chair declared a
conflict with is not there either. Each page runs a fixed number of queries
whatever the number of bids, questions or evaluators.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from opportunities.models import Opportunity
from portal.forms import add_errors
from tenders import actions
from tenders.evaluation import evaluation_of, lots_of, slots_of
from tenders.forms.moderation import ConsensusForm, DuplicationForm
from tenders.models import CheckStage
from tenders.moderation import (
    chair_of,
    checked_organisations,
    duplication_stage,
    findings_of,
    may_check_duplication,
    moderated_bid,
    other_awards,
    slot_scores,
    still_to_submit,
)
from tenders.queries import tender_of

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def evaluated_tender(request, reference, *, allowed):
    """The opportunity's tender if ``allowed(user, tender)``; 404 for anyone else."""
    if not request.user.is_authenticated:
        raise Http404
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("publisher"), reference=reference
    )
    tender = tender_of(opportunity)
    if tender is None or not allowed(request.user, tender):
        raise Http404
    return tender


def _chairs(user, tender):
    return chair_of(user, tender) is not None


def _bid_or_404(request, tender, bid_reference):
    bid = moderated_bid(request.user, tender, bid_reference)
    if bid is None:
        raise Http404
    return bid


@require_safe
def overview(request, reference):
    """Every bid against every question: which have a consensus score, who is still to
    submit, and the duplication findings."""
    tender = evaluated_tender(request, reference, allowed=_chairs)
    evaluation = evaluation_of(tender, request.user)
    waiting = still_to_submit(tender, evaluation.bids)
    findings = findings_of(evaluation.bids)
    rows = []
    for bid in evaluation.bids:
        slots = slots_of(bid, evaluation.criteria, evaluation.lots)
        cells = []
        for criterion in evaluation.criteria:
            mine = [s for s in slots if s.criterion.pk == criterion.pk]
            agreed = sum(
                (bid.pk, criterion.pk, s.lot.pk if s.lot else None) in evaluation.consensus
                for s in mine
            )
            cells.append({"criterion": criterion, "needed": len(mine), "agreed": agreed})
        rows.append(
            {
                "bid": bid,
                "cells": cells,
                "waiting": waiting[bid.pk],
                "done": all(cell["agreed"] == cell["needed"] for cell in cells),
                "findings": findings[bid.pk],
            }
        )
    return render(
        request,
        "tenders/moderation/overview.html",
        {
            "opportunity": tender.opportunity,
            "tender": tender,
            "evaluation": evaluation,
            "rows": rows,
            "missing": len(evaluation.missing()),
        },
    )


def _slot_form(row, data=None):
    consensus = row.consensus
    initial = {"revision": row.revision}
    if consensus is not None:
        initial |= {"score": consensus.score, "reason": consensus.reason}
    return ConsensusForm(
        data, criterion=row.slot.criterion, lot=row.slot.lot, prefix=row.key, initial=initial
    )


def _save(request, bid, row):
    """Save the posted consensus for ``row``; returns the form with errors, or None if saved."""
    form = _slot_form(row, request.POST)
    if not form.is_valid():
        return form
    try:
        actions.record_consensus(
            bid=bid,
            criterion=row.slot.criterion,
            lot=row.slot.lot,
            score=form.cleaned_data["score"],
            reason=form.cleaned_data["reason"],
            revision=form.cleaned_data["revision"],
            by=request.user,
        )
    except actions.ConsensusChanged as changed:
        # Show what the other save recorded, and let this chair save over it knowingly.
        row.consensus = changed.current
        data = request.POST.copy()
        data[f"{row.key}-revision"] = changed.current.revision
        form = _slot_form(row, data)
        form.is_valid()
        form.add_error("score", changed.messages[0])
        return form
    except ValidationError as error:
        add_errors(form, error)
        return form
    return None


@GET_POST
def moderate_bid(request, reference, bid_reference):
    """One bid's moderation: per question every evaluator's score and reason, the spread,
    and the chair's consensus score; refused until every evaluator has submitted."""
    tender = evaluated_tender(request, reference, allowed=_chairs)
    bid = _bid_or_404(request, tender, bid_reference)
    waiting = still_to_submit(tender, [bid])[bid.pk]
    rows = [] if waiting else slot_scores(bid, list(tender.criteria.all()), lots_of(tender))
    failed = None
    if request.method == "POST":
        row = next((r for r in rows if r.key == request.POST.get("slot")), None)
        if row is None:
            messages.error(request, _("Nothing was saved: the question was not found. Try again."))
            return redirect("tenders:moderate_bid", reference, bid_reference)
        failed = _save(request, bid, row)
        if failed is None:
            messages.success(
                request,
                _("Consensus score saved for question %(number)s.")
                % {"number": row.slot.criterion.number},
            )
            url = reverse("tenders:moderate_bid", args=[reference, bid_reference])
            return redirect(f"{url}#{row.key}")
    for row in rows:
        row.form = failed if failed is not None and failed.prefix == row.key else _slot_form(row)
    findings = findings_of([bid])
    return render(
        request,
        "tenders/moderation/bid.html",
        {
            "opportunity": tender.opportunity,
            "tender": tender,
            "bid": bid,
            "waiting": waiting,
            "rows": rows,
            "failed": failed,
            "findings": findings[bid.pk],
        },
    )


@GET_POST
def duplication(request, reference, bid_reference):
    """The duplication check (R01 i): each organisation's other awards beside the funding
    the bid declared, and the panel's finding for the current stage."""
    tender = evaluated_tender(request, reference, allowed=may_check_duplication)
    bid = _bid_or_404(request, tender, bid_reference)
    stage = duplication_stage(bid)
    form = DuplicationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            actions.record_duplication_check(
                bid=bid,
                concern=form.cleaned_data["concern"],
                note=form.cleaned_data["note"],
                stage=stage,
                by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The duplication finding is recorded."))
            return redirect("tenders:duplication", reference, bid_reference)
    organisations = checked_organisations(bid)
    awards = other_awards([o for _name, o, _role in organisations if o], tender)
    findings = findings_of([bid])
    return render(
        request,
        "tenders/moderation/duplication.html",
        {
            "opportunity": tender.opportunity,
            "tender": tender,
            "bid": bid,
            "organisations": [
                {
                    "name": name,
                    "organisation": organisation,
                    "role": role,
                    "awards": awards.get(organisation.pk, []) if organisation else [],
                }
                for name, organisation, role in organisations
            ],
            "funding": bid.current_version.content.get("funding", []),
            "stage": CheckStage(stage),
            "findings": findings[bid.pk],
            "form": form,
            "is_chair": chair_of(request.user, tender) is not None,
        },
    )
