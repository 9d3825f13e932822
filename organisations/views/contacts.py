"""Key contacts: named by an organisation's administrators, public or for members only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from organisations import actions
from organisations.forms import KeyContactForm
from organisations.models import Organisation
from portal.authorization import Permission, get_object_or_404_for

TEMPLATE = "organisations/form_for_organisation.html"


def _organisation_for(request, slug):
    return get_object_or_404_for(
        request.user, Permission.EDIT_ORGANISATION, Organisation, slug=slug
    )


def _contact_for(request, slug, pk):
    """The organisation's contact ``pk``; 404 if it belongs to another organisation."""
    organisation = _organisation_for(request, slug)
    return get_object_or_404(organisation.key_contacts, pk=pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def add(request, slug):
    organisation = _organisation_for(request, slug)
    form = KeyContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = actions.add_key_contact(
            organisation=organisation, by=request.user, **form.cleaned_data
        )
        messages.success(request, _("%(name)s has been added.") % {"name": contact.name})
        return redirect("organisations:profile", slug=organisation.slug)
    return render(
        request,
        TEMPLATE,
        {"form": form, "organisation": organisation, "heading": _("Add a contact")},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, slug, pk):
    contact = _contact_for(request, slug, pk)
    form = KeyContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        actions.update_key_contact(contact=contact, by=request.user, **form.cleaned_data)
        messages.success(request, _("Your changes have been saved."))
        return redirect("organisations:profile", slug=slug)
    return render(
        request,
        TEMPLATE,
        {"form": form, "organisation": contact.organisation, "heading": _("Change a contact")},
    )


@login_required
@require_POST
def remove(request, slug, pk):
    contact = _contact_for(request, slug, pk)
    actions.remove_key_contact(contact=contact, by=request.user)
    messages.success(request, _("%(name)s has been removed.") % {"name": contact.name})
    return redirect("organisations:profile", slug=slug)
