"""Consortium changes after award (recommendation R01 h): the lead's request, the
commissioner's decision, and the history kept with the award.

The lead's administrators ask; the publisher's commissioners decide; the
history is read by the commissioners, the panel's chair and site administrators.
Anyone else gets 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from opportunities.actions import is_commissioner
from opportunities.models import Opportunity
from portal.authorization import Permission, has_permission, membership_role
from portal.forms import add_errors
from portal.uploads import file_download
from tenders import actions
from tenders.consortium import changes_of, current_partners, describe, has_award, may_read_changes
from tenders.forms.consortium import ConsortiumChangeForm, DecisionForm
from tenders.models import Bid
from tenders.queries import tender_of
from tenders.views.bids import bid_page
from tenders.views.method import GET_POST, _commissioned_tender


def _described(changes):
    for change in changes:
        change.words = describe(change)
    return changes


@GET_POST
def ask(request, reference):
    """The lead's administrators ask to add, remove or replace a partner of a bid chosen
    for award; before the award the page says why there is nothing to change yet."""
    page = bid_page(request, reference, edit=True)
    bid = page.bid
    if membership_role(request.user, bid.organisation) != "admin":
        raise Http404
    partners = current_partners(bid)
    form = ConsortiumChangeForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        partners=partners,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.ask_consortium_change(bid=bid, by=request.user, **form.action_fields())
        except PermissionError:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Your request is sent. The council will email you its decision and reasons."),
            )
            return redirect("tenders:bid", reference=bid.reference)
    return render(
        request,
        "tenders/consortium/ask.html",
        page.context(
            form=form,
            awarded=has_award(bid),
            partners=partners,
            changes=_described(list(changes_of(bid.tender).filter(bid=bid))),
        ),
    )


def _readable_changes(request, reference):
    """The tender and the consortium changes ``request.user`` may read; 404 for anyone else.

    Site administrators read them all, as they read the tender's log; commissioners
    and the chair read them through the bid gate, so a bid the chair declared a
    conflict with stays hidden from them.
    """
    user = request.user
    if not user.is_authenticated:
        raise Http404
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("publisher"), reference=reference
    )
    tender = tender_of(opportunity)
    if tender is None or not may_read_changes(user, tender):
        raise Http404
    changes = changes_of(tender)
    if not has_permission(user, Permission.ADMINISTER_SITE):
        changes = changes.filter(bid__in=Bid.objects.visible_to(user))
    return tender, changes


@require_safe
def history(request, reference):
    """Every consortium change asked for the tender's bids, decided or waiting."""
    tender, changes = _readable_changes(request, reference)
    return render(
        request,
        "tenders/consortium/history.html",
        {
            "opportunity": tender.opportunity,
            "tender": tender,
            "changes": _described(list(changes)),
            "is_commissioner": is_commissioner(request.user, tender.opportunity.publisher),
        },
    )


@GET_POST
def decide(request, reference, pk):
    """A commissioner reads a waiting change and its evidence, and approves or refuses it."""
    tender = _commissioned_tender(request, reference)
    change = get_object_or_404(
        changes_of(tender).filter(bid__in=Bid.objects.visible_to(request.user)), pk=pk
    )
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if change.is_pending and request.method == "POST" and form.is_valid():
        try:
            actions.decide_consortium_change(change=change, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        except ValueError as error:  # another commissioner decided a moment ago
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The decision is saved and the lead organisation told."))
            return redirect("tenders:consortium_changes", reference=reference)
    change.words = describe(change)
    return render(
        request,
        "tenders/consortium/decide.html",
        {
            "opportunity": tender.opportunity,
            "tender": tender,
            "change": change,
            "partners": current_partners(change.bid),
            "form": form,
        },
    )


@require_safe
def evidence(request, reference, pk):
    """The evidence file of a change, for those who read the history."""
    _tender, changes = _readable_changes(request, reference)
    change = get_object_or_404(changes, pk=pk)
    if not change.evidence:
        raise Http404
    return file_download(change.evidence)
