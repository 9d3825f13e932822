"""Commissioners' pages for a tender: the tender page and its evaluation method.

Only the publisher's commissioners see these; anyone else, visitors included,
gets 404 so the address says nothing. Every write goes through ``tenders.actions``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opportunities.actions import is_commissioner
from opportunities.models import Opportunity
from portal.forms import add_errors
from tenders import actions
from tenders.forms.method import (
    CriterionForm,
    PriceLineForm,
    RemoveForm,
    TenderSettingsForm,
    WeightsForm,
)
from tenders.queries import opened_bids, submitted_counts, tender_of
from tenders.summary import method_summary

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def commissioned_opportunity(request, reference):
    """The opportunity, if ``request.user`` is one of its publisher's commissioners; else 404."""
    if not request.user.is_authenticated:
        raise Http404
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("publisher").prefetch_related("lots"),
        reference=reference,
    )
    if not is_commissioner(request.user, opportunity.publisher):
        raise Http404
    return opportunity


def _commissioned_tender(request, reference):
    opportunity = commissioned_opportunity(request, reference)
    tender = tender_of(opportunity)
    if tender is None:
        raise Http404
    return tender


def can_change(tender, now=None):
    """The method can change until the deadline for bids (and never once the box is open)."""
    now = now or timezone.now()
    return tender.opened_at is None and now < tender.opportunity.submission_deadline


@GET_POST
def tender(request, reference):
    """The tender page: set it up, or its method, problems, bid count and bid box."""
    opportunity = commissioned_opportunity(request, reference)
    tender = tender_of(opportunity, "opened_by")
    if request.method == "POST":
        if tender is None:
            try:
                actions.create_tender(opportunity=opportunity, by=request.user)
            except ValueError:
                messages.error(
                    request, _("A tender can only be set up for a draft or open opportunity.")
                )
            else:
                messages.success(
                    request,
                    _(
                        "The tender is set up from the usual template: 60% quality, 20% social "
                        "value and 20% price. Change anything that does not fit."
                    ),
                )
        return redirect("tenders:tender", reference=reference)
    now = timezone.now()
    context = {
        "opportunity": opportunity,
        "tender": tender,
        "deadline_passed": now >= opportunity.submission_deadline,
        "can_set_up": not (
            opportunity.cancelled_at
            or opportunity.awarded_at
            or now >= opportunity.submission_deadline
        ),
    }
    if tender is not None:
        summary = method_summary(tender)
        context |= {
            "summary": summary,
            "problems": actions.method_problems(
                tender, criteria=summary.criteria, price_lines=summary.price_lines
            ),
            "can_change": can_change(tender, now),
        }
        if not context["deadline_passed"]:
            total, per_lot = submitted_counts(tender)
            context |= {"submitted": total, "submitted_per_lot": per_lot.items()}
        context["opened_bids"] = opened_bids(tender, request.user)
    return render(request, "tenders/method/tender.html", context)


def _posted(request):
    # Not ``request.POST or None``: a confirmation posts no fields, and must still bind.
    return request.POST if request.method == "POST" else None


def _closed(request, tender):
    return _cannot(
        request,
        tender,
        _("The method can no longer change"),
        _(
            "The deadline for bids has passed, so bids are scored by the method that was "
            "published. Nothing about it can be changed now."
        ),
    )


def _questions_fixed(request, tender):
    # Once locked, every change must leave the weights at 100%, and a question
    # cannot be added or removed with its weight in one change.
    return _cannot(
        request,
        tender,
        _("Questions cannot be added or removed now"),
        _(
            "Bids have been submitted, so the weights must add up to 100% after every "
            "change, and adding or removing a question would break that. You can still "
            "change a question's wording, guidance, scale or minimum score, and move weight "
            "between questions on the weights page, giving a reason."
        ),
    )


def _cannot(request, tender, heading, explanation):
    return render(
        request,
        "tenders/method/closed.html",
        {"opportunity": tender.opportunity, "heading": heading, "explanation": explanation},
    )


def _run(form, action):
    """Call ``action``; put a refusal on ``form``. True when it succeeded."""
    try:
        action()
    except ValidationError as error:
        add_errors(form, error)
        return False
    except ValueError:
        # The deadline passed between showing the form and saving it.
        form.add_error(None, _("The deadline for bids has passed, so the method cannot change."))
        return False
    return True


def _form_page(request, tender, form, heading, lead="", **extra):
    return render(
        request,
        "tenders/method/form.html",
        {
            "opportunity": tender.opportunity,
            "tender": tender,
            "form": form,
            "heading": heading,
            "lead": lead,
        }
        | extra,
    )


def _edit(request, tender, form, save, done, heading, lead="", **extra):
    """The page of a method form: on a valid post, ``save()`` (an action) and back to the
    tender saying ``done``; otherwise, or when the action refuses, the form again."""
    if request.method == "POST" and form.is_valid() and _run(form, save):
        messages.success(request, done)
        return redirect("tenders:tender", reference=tender.opportunity.reference)
    return _form_page(request, tender, form, heading, lead, **extra)


@GET_POST
def settings(request, reference):
    """The price formula, the abnormally-low rule, full-cost breakdowns, tie-break, lot limits."""
    tender = _commissioned_tender(request, reference)
    if not can_change(tender):
        return _closed(request, tender)
    form = TenderSettingsForm(_posted(request), tender=tender)
    return _edit(
        request,
        tender,
        form,
        lambda: actions.update_tender(
            tender=tender, by=request.user, reason=form.reason, **form.action_fields()
        ),
        _("The scoring rules are saved."),
        _("How price is scored and ties are broken"),
    )


@GET_POST
def weights(request, reference):
    """Every question's weight and the weight of price, on one page."""
    tender = _commissioned_tender(request, reference)
    if not can_change(tender):
        return _closed(request, tender)
    summary = method_summary(tender)
    form = WeightsForm(_posted(request), tender=tender, criteria=summary.criteria)
    return _edit(
        request,
        tender,
        form,
        lambda: actions.set_weights(
            tender=tender,
            by=request.user,
            price_weight=form.cleaned_data["price_weight"],
            weights=form.weights(),
            reason=form.reason,
        ),
        _("The weights are saved."),
        _("Weights"),
        _(
            "Each weight is a share of the total score, like 20 or 20%. The questions' weights "
            "and the weight of price must add up to exactly 100%."
        ),
        summary=summary,
        weights_page=True,
    )


@GET_POST
def add_criterion(request, reference):
    tender = _commissioned_tender(request, reference)
    if not can_change(tender):
        return _closed(request, tender)
    if tender.locked_at:
        return _questions_fixed(request, tender)
    form = CriterionForm(_posted(request), tender=tender)
    return _edit(
        request,
        tender,
        form,
        lambda: actions.save_criterion(
            tender=tender, by=request.user, reason=form.reason, **form.action_fields()
        ),
        _("The question is added."),
        _("Add a question"),
    )


@GET_POST
def edit_criterion(request, reference, pk):
    tender = _commissioned_tender(request, reference)
    criterion = get_object_or_404(tender.criteria, pk=pk)
    if not can_change(tender):
        return _closed(request, tender)
    form = CriterionForm(_posted(request), tender=tender, criterion=criterion)
    return _edit(
        request,
        tender,
        form,
        lambda: actions.save_criterion(
            tender=tender,
            by=request.user,
            criterion=criterion,
            reason=form.reason,
            **form.action_fields(),
        ),
        _("Question %(number)s is saved.") % {"number": criterion.number},
        _("Question %(number)s") % {"number": criterion.number},
        _("Its weight is changed on the weights page, with the others."),
    )


@GET_POST
def remove_criterion(request, reference, pk):
    tender = _commissioned_tender(request, reference)
    criterion = get_object_or_404(tender.criteria, pk=pk)
    if not can_change(tender):
        return _closed(request, tender)
    if tender.locked_at:
        return _questions_fixed(request, tender)
    form = RemoveForm(_posted(request), tender=tender, submit=_("Remove the question"))
    return _edit(
        request,
        tender,
        form,
        lambda: actions.remove_criterion(criterion=criterion, by=request.user, reason=form.reason),
        _("Question %(number)s is removed. Check the weights still add up to 100%%.")
        % {"number": criterion.number},
        _("Are you sure you want to remove question %(number)s?") % {"number": criterion.number},
        criterion.question,
        removing=True,
    )


@GET_POST
def add_price_line(request, reference):
    tender = _commissioned_tender(request, reference)
    if not can_change(tender):
        return _closed(request, tender)
    form = PriceLineForm(_posted(request), tender=tender)
    return _edit(
        request,
        tender,
        form,
        lambda: actions.save_price_line(
            tender=tender, by=request.user, reason=form.reason, **form.action_fields()
        ),
        _("The price line is added."),
        _("Add a price line"),
    )


@GET_POST
def edit_price_line(request, reference, pk):
    tender = _commissioned_tender(request, reference)
    line = get_object_or_404(tender.price_lines, pk=pk)
    if not can_change(tender):
        return _closed(request, tender)
    form = PriceLineForm(_posted(request), tender=tender, line=line)
    return _edit(
        request,
        tender,
        form,
        lambda: actions.save_price_line(
            tender=tender, by=request.user, line=line, reason=form.reason, **form.action_fields()
        ),
        _("The price line is saved."),
        _("Change a price line"),
    )


@GET_POST
def remove_price_line(request, reference, pk):
    tender = _commissioned_tender(request, reference)
    line = get_object_or_404(tender.price_lines.select_related("lot"), pk=pk)
    if not can_change(tender):
        return _closed(request, tender)
    form = RemoveForm(_posted(request), tender=tender, submit=_("Remove the line"))
    return _edit(
        request,
        tender,
        form,
        lambda: actions.remove_price_line(line=line, by=request.user, reason=form.reason),
        _("The price line is removed."),
        _("Are you sure you want to remove the price line “%(line)s”?")
        % {"line": line.description},
        str(line.lot) if line.lot else "",
        removing=True,
    )
