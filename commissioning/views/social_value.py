"""Social value of a contract: pledged against delivered, by ward, and the supplier's returns.

``/contracts/<reference>/social-value/`` is for the publisher's commissioners and
the members of the contract's current suppliers; anyone else gets 404. Only the
suppliers' members report (``…/pledges/<id>/report/``) and add corrected lines
to a return (``…/returns/<id>/lines/``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from commissioning import social_value as reads
from commissioning.actions import social_value as actions
from commissioning.forms.social_value import LinesForm, SocialValueReturnForm
from commissioning.models import Contract, Pledge, SocialValueReturn
from commissioning.postcodes import NSPL_ATTRIBUTION
from portal.forms import add_errors

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _readable_contract(request, reference):
    contract = get_object_or_404(Contract.objects.select_related("publisher"), reference=reference)
    if not actions.may_read_social_value(request.user, contract):
        raise Http404
    return contract


def _supplied_contract(request, reference):
    contract = get_object_or_404(Contract.objects.select_related("publisher"), reference=reference)
    if not actions.is_supplier_member(request.user, contract):
        raise Http404
    return contract


@require_safe
def contract_social_value(request, reference):
    """Each pledge against what was delivered, what was delivered in each ward, the returns."""
    contract = _readable_contract(request, reference)
    return render(
        request,
        "commissioning/social_value/contract.html",
        {
            "contract": contract,
            "pledges": reads.pledges_of(contract),
            "by_ward": reads.contract_delivered_by_ward(contract),
            "returns": reads.returns_of(contract),
            "may_report": actions.is_supplier_member(request.user, contract),
            "attribution": NSPL_ATTRIBUTION,
        },
    )


def _say_saved(request, result):
    if result.saved:
        messages.success(
            request,
            ngettext("%(count)s line saved.", "%(count)s lines saved.", result.saved)
            % {"count": result.saved},
        )


@GET_POST
def report_social_value(request, reference, pledge):
    """A new return against one pledge. Good lines are saved with it; bad ones come back
    in the form of the new return, with their messages, to correct and add."""
    contract = _supplied_contract(request, reference)
    pledge = get_object_or_404(Pledge, pk=pledge, contract=contract)
    form = SocialValueReturnForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = actions.submit_social_value_return(
                pledge=pledge,
                by=request.user,
                period_start=data["period_start"],
                period_end=data["period_end"],
                description=data["description"],
                lines=data["lines"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if result.social_value_return is None:
                form.add_rejected(result.rejected)
            else:
                _say_saved(request, result)
                if not result.rejected:
                    return redirect("commissioning:contract_social_value", reference=reference)
                return _lines_page(request, contract, result.social_value_return, result=result)
    return render(
        request,
        "commissioning/social_value/report.html",
        {
            "form": form,
            "contract": contract,
            "pledge": pledge,
            "heading": _("Report social value delivered"),
        },
    )


def _lines_page(request, contract, social_value_return, *, form=None, result=None):
    """The form to add lines to a return; after a batch, it holds the refused lines of
    ``result`` as typed, each message in the error summary."""
    if result is not None:
        form = LinesForm({"lines": result.rejected_text})
        form.is_valid()
        form.add_rejected(result.rejected)
    form = form or LinesForm()
    form.helper.form_action = reverse(
        "commissioning:social_value_lines", args=[contract.reference, social_value_return.pk]
    )
    return render(
        request,
        "commissioning/social_value/lines.html",
        {
            "form": form,
            "contract": contract,
            "social_value_return": social_value_return,
            "pledge": social_value_return.pledge,
            "heading": _("Add postcodes to the return"),
        },
    )


@GET_POST
def add_lines(request, reference, pk):
    """Add lines (often the corrected ones) to a return already sent."""
    contract = _supplied_contract(request, reference)
    social_value_return = get_object_or_404(
        SocialValueReturn.objects.select_related("pledge"), pk=pk, pledge__contract=contract
    )
    if request.method != "POST":
        return _lines_page(request, contract, social_value_return)
    form = LinesForm(request.POST)
    if form.is_valid():
        try:
            result = actions.add_social_value_lines(
                social_value_return=social_value_return,
                by=request.user,
                lines=form.cleaned_data["lines"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            _say_saved(request, result)
            if not result.rejected:
                return redirect("commissioning:contract_social_value", reference=reference)
            return _lines_page(request, contract, social_value_return, result=result)
    return _lines_page(request, contract, social_value_return, form=form)
