"""Policies, certificates and accounts: uploaded by administrators, read by members.

Files are never served from a public URL: every download goes through
``download``, which checks the reader may see the organisation's private pages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from organisations import actions
from organisations.forms import DocumentForm
from organisations.models import Document, Organisation
from portal.authorization import Permission, get_object_or_404_for
from portal.uploads import file_download


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request, slug):
    organisation = get_object_or_404_for(
        request.user, Permission.EDIT_ORGANISATION, Organisation, slug=slug
    )
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        actions.add_document(organisation=organisation, by=request.user, **form.cleaned_data)
        messages.success(request, _("The document has been uploaded."))
        return redirect("organisations:profile", slug=organisation.slug)
    return render(
        request,
        "organisations/form_for_organisation.html",
        {"form": form, "organisation": organisation, "heading": _("Upload a document")},
    )


@require_safe
def download(request, slug, pk):
    organisation = get_object_or_404_for(
        request.user, Permission.VIEW_ORGANISATION_PRIVATE, Organisation, slug=slug
    )
    document = get_object_or_404(Document, pk=pk, organisation=organisation)
    return file_download(document.file)


@login_required
@require_POST
def remove(request, slug, pk):
    organisation = get_object_or_404_for(
        request.user, Permission.EDIT_ORGANISATION, Organisation, slug=slug
    )
    document = get_object_or_404(Document, pk=pk, organisation=organisation)
    actions.remove_document(document=document, by=request.user)
    messages.success(request, _("The document has been removed."))
    return redirect("organisations:profile", slug=organisation.slug)
