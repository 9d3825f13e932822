"""Supply chain pages: the lead supplier posts a subcontracting opportunity, organisations
apply, and the lead supplier sees who applied (with their size and sector)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from commissioning.actions import supply_chain as actions
from commissioning.forms.supply_chain import ApplicationForm, SubcontractForm
from commissioning.models import Subcontract
from commissioning.queries.contracts import is_lead_member
from commissioning.views.contracts import contract_or_404
from organisations.views.manage import acting_organisation
from portal.authorization import membership_role
from portal.forms import add_errors

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


@login_required
@GET_POST
def post_subcontract(request, reference):
    """A member of the contract's lead supplier publishes a subcontracting opportunity."""
    contract = contract_or_404(reference)
    if not is_lead_member(request.user, contract):
        raise Http404
    form = SubcontractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subcontract = actions.post_subcontract(
                contract=contract,
                by=request.user,
                title=data["title"],
                summary=data["summary"],
                description=data["description"],
                value_low=data["value_low"],
                value_high=data["value_high"],
                clarification_deadline=form.deadline("clarification"),
                submission_deadline=form.deadline("submission"),
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The subcontracting opportunity is published"))
            return redirect("opportunities:detail", subcontract.opportunity.reference)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": _("Post a subcontracting opportunity"),
            "lead": _(
                "Part of %(title)s that another organisation could deliver. It is listed with "
                "the council's opportunities, marked as subcontracting, and organisations "
                "apply to you."
            )
            % {"title": contract.title},
        },
    )


def _subcontract_or_404(reference):
    return get_object_or_404(
        Subcontract.objects.select_related("opportunity", "supplier", "contract"),
        opportunity__reference=reference,
        opportunity__published_at__isnull=False,
    )


@login_required
@GET_POST
def apply(request, reference):
    """An organisation applies for a subcontracting opportunity, with a message."""
    subcontract = _subcontract_or_404(reference)
    organisation = acting_organisation(request)
    form = ApplicationForm(request.POST or None)
    if organisation is None:
        return render(
            request,
            "commissioning/supply_chain/needs_organisation.html",
            {"subcontract": subcontract},
        )
    if request.method == "POST" and form.is_valid():
        try:
            actions.apply_to_subcontract(
                subcontract=subcontract,
                organisation=organisation,
                by=request.user,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Your application is sent to %(name)s") % {"name": subcontract.supplier.name},
            )
            return redirect("opportunities:detail", subcontract.opportunity.reference)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": _("Apply: %(title)s") % {"title": subcontract.opportunity.title},
            "lead": _("For %(organisation)s, to %(supplier)s.")
            % {"organisation": organisation.name, "supplier": subcontract.supplier.name},
        },
    )


@login_required
@require_safe
def applications(request, reference):
    """The contractor's members see who applied, with size class and sector."""
    subcontract = _subcontract_or_404(reference)
    if membership_role(request.user, subcontract.supplier) is None:
        raise Http404
    return render(
        request,
        "commissioning/supply_chain/applications.html",
        {"subcontract": subcontract, "applications": actions.applications_of(subcontract)},
    )
