"""The public contracts register (``/contracts/``), each contract's page, the form a
commissioner records a grant or agreement with, and the pages a commissioner adds and
removes a contract's social value pledges on. Writes go through
``commissioning.actions.contracts``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from commissioning import downloads
from commissioning.actions import contracts as actions
from commissioning.decommissioning import may_plan, visible_to
from commissioning.forms.contracts import PledgeForm, RecordContractForm
from commissioning.models import Contract, ContractSupplier, Pledge, SocialValueReturn
from commissioning.queries.contracts import (
    can_manage,
    can_see_performance,
    delivered_by,
    download_contracts,
    is_lead_member,
    search_contracts,
)
from organisations.models import Ward
from organisations.queries import memberships_of
from organisations.views.manage import acting_organisation
from portal.csv import links_to, streaming_csv_response
from portal.forms import add_errors
from portal.pagination import BoundedPaginator

RESULTS_PER_PAGE = 20
# The register lists at most this many of the contracts the user's organisations deliver.
MAX_OURS = 10


@require_safe
def register(request):
    """Every contract, grant and agreement, newest first, filtered by publisher, type,
    category, ward or words (title, reference, supplier); above them, for a member of a
    supplier, the contracts their organisations deliver."""
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
            "ours": list(delivered_by(request.user)[:MAX_OURS]),
        },
    )


@require_safe
def download(request):
    """Every contract the register's filters in the query string find, newest start first,
    streamed as CSV (``portal.csv.streaming_csv_response``)."""
    return streaming_csv_response(
        f"contracts-{timezone.localdate().isoformat()}.csv",
        downloads.HEADER,
        downloads.rows(
            download_contracts(request.GET), link=links_to(request, "commissioning:contract")
        ),
    )


def contract_or_404(reference):
    return get_object_or_404(
        Contract.objects.select_related("publisher", "opportunity", "category", "project"),
        reference=reference,
    )


@require_safe
def detail(request, reference):
    """A contract's public page, linking everything about it: suppliers, lots, value,
    dates, the project and the award it came from, pledges, KPIs, subcontracting and
    decommissioning, and its performance ratings (published, as the Procurement Act 2023
    asks, and in the open data). Returns against targets, the comments written with
    the ratings and social value returns are linked for the publisher's commissioners
    and the suppliers' members only. A fixed number of queries."""
    contract = contract_or_404(reference)
    suppliers = list(
        ContractSupplier.objects.filter(contract=contract).select_related("organisation")
    )
    may_manage = can_manage(request.user, contract)
    may_see_performance = can_see_performance(request.user, contract)
    pledges = contract.pledges.prefetch_related(
        Prefetch("wards", queryset=Ward.objects.order_by("name"))
    ).annotate(reported=Exists(SocialValueReturn.objects.filter(pledge=OuterRef("pk"))))
    return render(
        request,
        "commissioning/contracts/detail.html",
        {
            "contract": contract,
            "suppliers": suppliers,
            "lots": contract.lots.order_by("number"),
            "wards": contract.wards.order_by("name"),
            "pledges": pledges,
            "may_add_pledge": may_manage and contract.last_day >= timezone.localdate(),
            "kpis": contract.kpis.all(),
            "subcontracts": contract.subcontracts.select_related("opportunity"),
            "can_manage": may_manage,
            # Performance and social value returns: the commissioners and the suppliers.
            "can_see_performance": may_see_performance,
            # Each rating's level and period are public; its comment is for the supplier.
            "ratings": contract.ratings.order_by("-period_start"),
            "is_lead_member": is_lead_member(request.user, contract),
            # Each links to its page, whose address needs the contract's reference.
            "decommissionings": visible_to(request.user, contract).select_related("contract"),
            "may_plan_decommissioning": may_plan(request.user, contract),
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
            contract = actions.record_contract(
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


def managed_contract(request, reference):
    """The contract, if ``request.user`` is one of its publisher's commissioners; else 404."""
    contract = contract_or_404(reference)
    if not can_manage(request.user, contract):
        raise Http404
    return contract


@require_http_methods(["GET", "HEAD", "POST"])
def add_pledge(request, reference):
    """A commissioner adds a social value pledge to a contract (one recorded directly has
    none from a bid); the suppliers then report delivery against it."""
    contract = managed_contract(request, reference)
    form = PledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            pledge = actions.add_pledge(contract=contract, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Pledge added: %(measure)s") % {"measure": pledge.measure})
            return redirect(contract)
    return render(
        request,
        "commissioning/contracts/pledge_form.html",
        {
            "form": form,
            "contract": contract,
            "heading": _("Add a social value pledge"),
            "lead": _(
                "Something measurable the suppliers promise to do for the city; they report "
                "what they delivered, and where, against it."
            ),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def remove_pledge(request, reference, pk):
    """Asks, then removes a pledge nothing has been reported against."""
    contract = managed_contract(request, reference)
    pledge = get_object_or_404(Pledge, pk=pk, contract=contract)
    pledge.contract = contract
    if request.method == "POST":
        try:
            actions.remove_pledge(pledge=pledge, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, _("Pledge removed: %(measure)s") % {"measure": pledge.measure}
            )
        return redirect(contract)
    return render(
        request,
        "commissioning/contracts/remove_pledge.html",
        {"contract": contract, "pledge": pledge},
    )
