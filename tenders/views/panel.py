"""The evaluation panel: the commissioners' page naming it, the evaluator's list of
panels and their page for one tender (declaring, the bids to score, the chair's
view of progress).

Commissioners of the publisher manage the panel; only its members see a tender's
evaluation page, and only once they declared do they see a bid. Anyone else gets
404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from opportunities.models import Opportunity
from portal.authorization import Permission, has_permission
from portal.forms import add_errors
from tenders import actions
from tenders.forms.evaluation import DeclarationForm, PanelMemberForm, PanelRoleForm
from tenders.queries import panel_progress, seats_of, sheets_of, tender_of
from tenders.views.method import GET_POST, _commissioned_tender, _posted


def _panel(tender):
    return tender.panel.select_related("user")


def _member(request, reference, pk):
    tender = _commissioned_tender(request, reference)
    member = get_object_or_404(_panel(tender), pk=pk)
    member.tender = tender
    return member


@GET_POST
def panel(request, reference):
    """The panel of a tender: its members, their progress, and adding one."""
    tender = _commissioned_tender(request, reference)
    form = PanelMemberForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            member = actions.add_panel_member(
                tender=tender,
                by=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                chair=form.cleaned_data["chair"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s is on the panel.") % {"name": member.user.full_name}
            )
            return redirect("tenders:panel", reference=reference)
    return render(
        request,
        "tenders/panel/panel.html",
        {
            "opportunity": tender.opportunity,
            "tender": tender,
            "form": form,
            "progress": panel_progress(_panel(tender)),
        },
    )


@GET_POST
def panel_member(request, reference, pk):
    """Change a member's role on the panel."""
    member = _member(request, reference, pk)
    form = PanelRoleForm(_posted(request), initial={"role": member.role})
    if request.method == "POST" and form.is_valid():
        actions.change_panel_role(member=member, role=form.cleaned_data["role"], by=request.user)
        messages.success(request, _("%(name)s's role is saved.") % {"name": member.user.full_name})
        return redirect("tenders:panel", reference=reference)
    return render(
        request,
        "tenders/panel/form.html",
        {
            "opportunity": member.tender.opportunity,
            "form": form,
            "heading": _("%(name)s's role on the panel") % {"name": member.user.full_name},
        },
    )


@require_POST
def make_chair(request, reference, pk):
    member = _member(request, reference, pk)
    actions.make_chair(member=member, by=request.user)
    messages.success(request, _("%(name)s chairs the panel.") % {"name": member.user.full_name})
    return redirect("tenders:panel", reference=reference)


@GET_POST
def remove_member(request, reference, pk):
    """Confirm, then take a member off the panel (only before they declared or scored)."""
    member = _member(request, reference, pk)
    problem = actions.removal_problem(member)
    if request.method == "POST" and problem is None:
        try:
            actions.remove_panel_member(member=member, by=request.user)
        except ValidationError as error:  # they declared since the page was shown
            problem = error.messages[0]
        else:
            messages.success(
                request, _("%(name)s is no longer on the panel.") % {"name": member.user.full_name}
            )
            return redirect("tenders:panel", reference=reference)
    return render(
        request,
        "tenders/panel/remove.html",
        {"opportunity": member.tender.opportunity, "member": member, "problem": problem},
    )


def seat_for(request, reference):
    """``request.user``'s seat on the tender's panel, tender and opportunity joined; 404 for
    anyone who is not an evaluator on it."""
    user = request.user
    if not has_permission(user, Permission.SCORE_BIDS):
        raise Http404
    opportunity = get_object_or_404(Opportunity, reference=reference)
    tender = tender_of(opportunity)
    if tender is None:
        raise Http404
    member = tender.panel.filter(user=user).first()
    if member is None:
        raise Http404
    member.tender, member.user = tender, user
    return member


@require_safe
def evaluations(request):
    """The panels an evaluator sits on, with where each stands for them."""
    if not has_permission(request.user, Permission.SCORE_BIDS):
        raise Http404
    return render(
        request,
        "tenders/panel/evaluations.html",
        {"progress": panel_progress(seats_of(request.user))},
    )


def _declarable(member):
    return (
        actions.declarable_bids(member.tender)
        .exclude(pk__in=member.conflicts.values("pk"))
        .annotate(frozen_partners=F("current_version__content__partners"))
    )


@GET_POST
def evaluation(request, reference):
    """An evaluator's page for one tender: sealed bids; the declaration, showing bidders'
    names only; then the bids to score and, for the chair, everyone's progress."""
    member = seat_for(request, reference)
    tender = member.tender
    bids = _declarable(member)
    form = DeclarationForm(_posted(request), bids=bids, declared=member.has_declared)
    if request.method == "POST" and tender.opened_at and form.is_valid():
        try:
            actions.declare_interests(
                member=member,
                by=request.user,
                conflicts=form.cleaned_data["conflicts"],
                declaration=form.cleaned_data["declaration"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your declaration is recorded."))
            return redirect("tenders:evaluation", reference=reference)
    context = {
        "opportunity": tender.opportunity,
        "tender": tender,
        "member": member,
        "form": form,
        "bidders": bids if not member.has_declared else [],
    }
    if member.has_declared:
        to_score = list(actions.scorable_bids(member).select_related("organisation"))
        sheets = sheets_of(member, to_score)
        context["to_score"] = [(bid, sheets.get(bid.pk)) for bid in to_score]
        context["conflicts"] = member.conflicts.select_related("organisation")
    if member.is_chair:
        context["progress"] = panel_progress(_panel(tender))
    return render(request, "tenders/panel/evaluation.html", context)
