"""Decommissioning pages: planning, giving notice, and the public record of notices.

A plan is seen only by the publisher's commissioners until notice is given;
from then it is public (R02 a). Anyone else asking for a plan gets 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from commissioning.actions import decommissioning as actions
from commissioning.decommissioning import (
    affected_organisations,
    councillors_to_tell,
    earliest_with_full_notice,
    is_short_notice,
    may_plan,
    notices_given,
    visible_to,
)
from commissioning.forms.decommissioning import ConfirmForm, DecommissioningForm
from commissioning.models import Contract, Decommissioning
from portal.forms import add_errors
from portal.pagination import BoundedPaginator

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
PER_PAGE = 20
FIELDS = ("kind", "takes_effect_on", "reasons", "impact_assessment", "support")


def _contract(reference):
    return get_object_or_404(Contract.objects.select_related("publisher"), reference=reference)


def _planned_contract(request, reference):
    """The contract, if ``request.user`` may plan its decommissioning; else 404."""
    contract = _contract(reference)
    if not may_plan(request.user, contract):
        raise Http404
    return contract


def _plan(request, contract, pk):
    """A plan not yet given notice, for one of the publisher's commissioners; else 404."""
    return get_object_or_404(
        Decommissioning, contract=contract, pk=pk, notice_given_at__isnull=True
    )


def _form_page(request, contract, form, heading):
    return render(
        request,
        "commissioning/decommissioning/form.html",
        {"form": form, "contract": contract, "heading": heading},
    )


@GET_POST
def decommissioning_new(request, reference):
    """Plan to end, not renew or change a contract; to the plan's page when saved."""
    contract = _planned_contract(request, reference)
    form = DecommissioningForm(
        request.POST if request.method == "POST" else None, contract=contract
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.plan_decommissioning(
                contract=contract, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Plan saved. Nobody has been told yet."))
            return redirect(plan)
    return _form_page(request, contract, form, _("Plan to end, not renew or change the contract"))


@GET_POST
def decommissioning_change(request, reference, pk):
    """Change a plan before its notice is given."""
    contract = _planned_contract(request, reference)
    plan = _plan(request, contract, pk)
    initial = {name: getattr(plan, name) for name in (*FIELDS, "short_notice_reason")}
    initial["affected_organisations"] = list(plan.affected_organisations.all())
    form = DecommissioningForm(
        request.POST if request.method == "POST" else None, contract=contract, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_plan(decommissioning=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Plan changed. Nobody has been told yet."))
            return redirect(plan)
    return _form_page(request, contract, form, _("Change the plan"))


@GET_POST
def decommissioning_notice(request, reference, pk):
    """Check who will be told, then give notice: they are emailed, and the plan is public."""
    contract = _planned_contract(request, reference)
    plan = _plan(request, contract, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.give_notice(decommissioning=plan, by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Notice given. Everyone listed is being emailed; the notice is public.")
            )
            return redirect(plan)
    today = timezone.localdate()
    return render(
        request,
        "commissioning/decommissioning/notice.html",
        {
            "form": form,
            "contract": contract,
            "decommissioning": plan,
            "heading": _("Send the notice"),
            "organisations": affected_organisations(plan),
            "councillors": councillors_to_tell(plan),
            "short_notice": is_short_notice(today, plan.takes_effect_on),
            "earliest": earliest_with_full_notice(today),
        },
    )


@require_safe
def decommissioning(request, reference, pk):
    """One decommissioning: what, when, why, the impact and where to get support."""
    contract = _contract(reference)
    plan = get_object_or_404(
        visible_to(request.user, contract).select_related("notice_given_by"), pk=pk
    )
    commissioner = may_plan(request.user, contract)
    notices = []
    if commissioner and plan.notice_given_at is not None:
        notices = plan.notices.select_related("organisation", "councillor").order_by(
            "councillor", "organisation__name", "councillor__full_name"
        )
    return render(
        request,
        "commissioning/decommissioning/detail.html",
        {
            "contract": contract,
            "decommissioning": plan,
            "affected": plan.affected_organisations.order_by("name"),
            "commissioner": commissioner,
            "notices": notices,
        },
    )


@require_safe
def decommissioning_list(request):
    """Every notice given, the newest first."""
    page = BoundedPaginator(notices_given(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "commissioning/decommissioning/list.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
        },
    )
