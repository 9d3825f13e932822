"""Commissioners' pages for an opportunity's tender documents: upload and remove.

Downloads are public once the opportunity is published (``detail.document``).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opportunities import actions
from opportunities.actions.documents import CHANGEABLE
from opportunities.forms import DocumentForm
from opportunities.models import Status
from opportunities.views.publish import _own_opportunity


def _own_opportunity_or_404(request, reference):
    # Visitors get 404 like every other outsider, not a sign-in page, so the
    # address says nothing about whether the opportunity exists.
    if not request.user.is_authenticated:
        raise Http404
    return _own_opportunity(request, reference)


def _not_changeable(request):
    messages.error(request, _("Documents can only be changed on drafts and open opportunities."))
    return redirect("opportunities:manage")


@require_http_methods(["GET", "HEAD", "POST"])
def documents(request, reference):
    """List the opportunity's documents and upload another."""
    opportunity = _own_opportunity_or_404(request, reference)
    status = opportunity.status
    if status not in CHANGEABLE:
        return _not_changeable(request)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        document = actions.add_document(
            opportunity=opportunity, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("‘%(title)s’ has been uploaded.") % {"title": document.title})
        return redirect("opportunities:documents", reference=reference)
    return render(
        request,
        "opportunities/documents.html",
        {
            "form": form,
            "opportunity": opportunity,
            "documents": opportunity.documents.all(),
            "amending": status == Status.OPEN,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def remove(request, reference, pk):
    """Ask to confirm, then remove one document."""
    opportunity = _own_opportunity_or_404(request, reference)
    document = get_object_or_404(opportunity.documents, pk=pk)
    status = opportunity.status
    if status not in CHANGEABLE:
        return _not_changeable(request)
    if request.method == "POST":
        actions.remove_document(document=document, by=request.user)
        messages.success(request, _("‘%(title)s’ has been removed.") % {"title": document.title})
        return redirect("opportunities:documents", reference=reference)
    return render(
        request,
        "opportunities/document_remove.html",
        {"opportunity": opportunity, "document": document, "amending": status == Status.OPEN},
    )
