"""The partner board: organisations looking for partners to bid with."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opportunities import actions
from opportunities.forms_engagement import PartnerContactForm, PartnerListingForm
from opportunities.models import PartnerContact
from opportunities.views.detail import published_or_404
from organisations.views.manage import acting_organisation
from portal import ratelimit
from portal.forms import add_errors


def _live_listings(opportunity):
    return opportunity.partner_listings.filter(withdrawn_at__isnull=True).select_related(
        "organisation"
    )


def _sent(request, form, send, confirmation, opportunity):
    """Relay a valid message with ``send()`` within the rate limit: the response to give
    (the 429 page, or back to the board saying ``confirmation``), or None with the
    action's refusal on ``form``."""
    if refused := ratelimit.limit(request, "partner-contact", **ratelimit.PARTNER_CONTACTS):
        return refused
    try:
        send()
    except ValidationError as error:
        add_errors(form, error)
        return None
    messages.success(request, confirmation)
    return redirect("opportunities:partners", reference=opportunity.reference)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def partners(request, reference):
    """Who is looking for partners, and the acting organisation's own listing."""
    opportunity = published_or_404(reference)
    organisation = acting_organisation(request)
    if organisation is None:
        return render(
            request, "opportunities/detail_needs_organisation.html", {"opportunity": opportunity}
        )
    listings = list(_live_listings(opportunity))
    own = next((x for x in listings if x.organisation_id == organisation.pk), None)
    initial = {"role": own.role, "message": own.message} if own else None
    form = PartnerListingForm(request.POST or None, initial=initial, updating=own is not None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.list_for_partners(
                opportunity=opportunity,
                organisation=organisation,
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_errors(form, error)
        except ValueError:
            messages.error(request, _("This opportunity has closed, so the list is closed too."))
            return redirect("opportunities:partners", reference=opportunity.reference)
        else:
            messages.success(request, _("Your organisation is on the list."))
            return redirect("opportunities:partners", reference=opportunity.reference)
    return render(
        request,
        "opportunities/partner_list.html",
        {
            "opportunity": opportunity,
            "organisation": organisation,
            "listings": [x for x in listings if x.organisation_id != organisation.pk],
            "own": own,
            "form": form if opportunity.is_open else None,
        },
    )


@login_required
@require_POST
def withdraw(request, reference):
    """Take the acting organisation's listing off the board."""
    opportunity = published_or_404(reference)
    organisation = acting_organisation(request)
    listing = _live_listings(opportunity).filter(organisation=organisation).first()
    if listing is not None:
        actions.withdraw_listing(listing=listing, by=request.user)
        messages.success(request, _("Your organisation is no longer on the list."))
    return redirect("opportunities:partners", reference=opportunity.reference)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request, reference, pk):
    """Send a message to a listed organisation, relayed by email."""
    opportunity = published_or_404(reference)
    organisation = acting_organisation(request)
    if organisation is None:
        return render(
            request, "opportunities/detail_needs_organisation.html", {"opportunity": opportunity}
        )
    listing = get_object_or_404(
        _live_listings(opportunity).exclude(organisation=organisation), pk=pk
    )
    form = PartnerContactForm(request.POST or None, email=request.user.email)
    if request.method == "POST" and form.is_valid():
        sent = _sent(
            request,
            form,
            lambda: actions.contact_partner(
                listing=listing, organisation=organisation, by=request.user, **form.cleaned_data
            ),
            _("Your message has been sent to %(name)s.") % {"name": listing.organisation},
            opportunity,
        )
        if sent:
            return sent
    return render(
        request,
        "opportunities/partner_contact.html",
        {
            "form": form,
            "opportunity": opportunity,
            "listing": listing,
            "organisation": organisation,
            "heading": _("Contact %(name)s") % {"name": listing.organisation},
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reply(request, reference, pk):
    """Answer a contact request the user's organisation received, relayed by email.

    Only members of the listing organisation can see the request; to anyone
    else it does not exist (404).
    """
    opportunity = published_or_404(reference)
    contact = get_object_or_404(
        PartnerContact.objects.select_related("listing__organisation", "organisation", "sent_by"),
        pk=pk,
        in_reply_to=None,
        listing__opportunity=opportunity,
        listing__organisation__memberships__user=request.user,
    )
    form = PartnerContactForm(request.POST or None, email=request.user.email)
    if request.method == "POST" and form.is_valid():
        sent = _sent(
            request,
            form,
            lambda: actions.reply_to_partner(contact=contact, by=request.user, **form.cleaned_data),
            _("Your reply has been sent to %(name)s.") % {"name": contact.organisation},
            opportunity,
        )
        if sent:
            return sent
    return render(
        request,
        "opportunities/partner_reply.html",
        {
            "form": form,
            "opportunity": opportunity,
            "contact": contact,
            "heading": _("Reply to %(name)s") % {"name": contact.organisation},
        },
    )
