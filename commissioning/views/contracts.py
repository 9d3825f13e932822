"""The public contracts register (``/contracts/``), each contract's page, and the form a
commissioner records a grant or agreement with. Writes go through
``commissioning.actions.contracts``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from commissioning.actions.contracts import record_contract
from commissioning.contract_queries import (
    can_manage,
    can_see_performance,
    is_lead_member,
    search_contracts,
)
from commissioning.forms_contracts import RecordContractForm
from commissioning.models import Contract, ContractSupplier
from organisations.queries import memberships_of
from organisations.views.manage import acting_organisation
from portal.forms import add_errors
from portal.pagination import BoundedPaginator

RESULTS_PER_PAGE = 20


@require_safe
def register(request):
    """Every contract, grant and agreement, newest first, filtered by publisher, type,
    category, ward or words (title, reference, supplier)."""
    filterset, contracts = search_contracts(request.GET)
    page = BoundedPaginator(contracts, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "commissioning/contracts/register.html",
        {
            "form": filterset.form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "filtered": any(value.strip() for key, value in request.GET.items() if key != "page"),
            "may_record": request.user.is_authenticated
            and any(m.organisation.can_publish for m in memberships_of(request.user)),
        },
    )


def contract_or_404(reference):
    return get_object_or_404(
        Contract.objects.select_related("publisher", "opportunity", "category", "project"),
        reference=reference,
    )


@require_safe
def detail(request, reference):
    """A contract's public page: suppliers, lots, value, dates, pledges and KPIs; its
    performance link for the publisher's commissioners and the suppliers' members."""
    contract = contract_or_404(reference)
    suppliers = list(
        ContractSupplier.objects.filter(contract=contract).select_related("organisation")
    )
    may_see_performance = can_see_performance(request.user, contract)
    return render(
        request,
        "commissioning/contracts/detail.html",
        {
            "contract": contract,
            "suppliers": suppliers,
            "lots": contract.lots.order_by("number"),
            "wards": contract.wards.order_by("name"),
            "pledges": contract.pledges.prefetch_related(Prefetch("wards")),
            "kpis": contract.kpis.all(),
            "subcontracts": contract.subcontracts.select_related("opportunity"),
            "can_manage": can_manage(request.user, contract),
            "can_see_performance": may_see_performance,
            # Ratings are for the publisher's commissioners and the suppliers' members only.
            "ratings": contract.ratings.order_by("-period_start") if may_see_performance else [],
            "is_lead_member": is_lead_member(request.user, contract),
        },
    )


def _publisher_or_404(request):
    """The publisher the user commissions for (the one they act for, or their first)."""
    publishing = [m for m in memberships_of(request.user) if m.organisation.can_publish]
    publisher = acting_organisation(request, publishing)
    if publisher is None:
        raise Http404
    return publisher


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def record(request):
    """Record a grant, service level agreement, partnership agreement or contract."""
    publisher = _publisher_or_404(request)
    form = RecordContractForm(request.POST or None, publisher=publisher)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contract = record_contract(
                publisher=publisher,
                by=request.user,
                kind=data["kind"],
                lead=data["lead"],
                partners=data["partners"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                value=data["value"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                extension_options=data["extension_options"],
                citywide=data["citywide"],
                wards=data["wards"],
                project=data["project"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(title)s is recorded") % {"title": contract.title})
            return redirect(contract)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": _("Record a contract, grant or agreement"),
            "lead": _(
                "For an agreement made without a tender on this portal, for %(publisher)s. "
                "It is published in the contracts register."
            )
            % {"publisher": publisher.name},
        },
    )
