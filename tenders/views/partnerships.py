"""Consortium partners: the lead's page of partners, and the partner's request to answer.

A registered partner's administrators see who asks, for what, their role and
share and the lots, never the bid's answers or prices, until they confirm.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organisations.models import Organisation
from portal.formats import moment_in_words
from portal.middleware import CONTROL_CHARACTERS
from tenders import actions
from tenders.forms.bids import RegisteredPartnerForm, UnregisteredPartnerForm
from tenders.models import BidPartner
from tenders.queries import bid_lots, taking_bids
from tenders.views.bids import bid_page, next_section_url, posted_pk, saved

SEARCH_RESULTS = 10


def _candidates(page, query):
    """Organisations to choose from: those on the opportunity's partner board first, then
    those whose name matches ``query``; never the lead or one already named."""
    bid = page.bid
    taken = set(bid.partners.values_list("organisation", flat=True)) | {bid.organisation_id}
    board = [
        listing
        for listing in page.opportunity.partner_listings.filter(
            withdrawn_at__isnull=True
        ).select_related("organisation")
        if listing.organisation_id not in taken
    ]
    found = []
    if query:
        found = list(
            Organisation.objects.filter(name__icontains=query)
            .exclude(pk__in=taken | {listing.organisation_id for listing in board})
            .order_by("name")[:SEARCH_RESULTS]
        )
    return board, found


@require_http_methods(["GET", "HEAD", "POST"])
def partners(request, reference):
    """The bid's partners and subcontractors, with their status; add and remove them."""
    page = bid_page(request, reference, edit=request.method == "POST")
    bid = page.bid
    posted = request.method == "POST"
    registered = RegisteredPartnerForm(request.POST if "add" in request.POST else None)
    other = UnregisteredPartnerForm(request.POST if "add_other" in request.POST else None)
    chosen = None
    if "add" in request.POST or request.GET.get("add", "").isdigit():
        pk = posted_pk(request.POST.get("organisation") if posted else request.GET["add"])
        chosen = Organisation.objects.filter(pk=pk).exclude(pk=bid.organisation_id).first()
        if chosen is None:
            raise Http404
        if not posted:
            registered = RegisteredPartnerForm(initial={"organisation": chosen.pk})
    if posted:
        done = None
        if "remove" in request.POST:
            partner = get_object_or_404(bid.partners, pk=posted_pk(request.POST.get("remove")))
            if saved(other, actions.remove_partner, partner=partner, by=request.user):
                done = _("%(name)s was removed from the bid.") % {"name": partner.display_name}
        elif "add" in request.POST and registered.is_valid():
            data = registered.cleaned_data
            if saved(
                registered,
                actions.add_partner,
                bid=bid,
                by=request.user,
                organisation=chosen,
                kind=data["kind"],
                share_percent=data["share_percent"],
            ):
                done = _("%(name)s was added. We have asked its administrators to confirm.") % {
                    "name": chosen.name
                }
        elif (
            "add_other" in request.POST
            and other.is_valid()
            and saved(other, actions.add_partner, bid=bid, by=request.user, **other.cleaned_data)
        ):
            done = _("%(name)s was added.") % {"name": other.cleaned_data["name"]}
        if done:
            messages.success(request, done)
            return redirect("tenders:bid_partners", reference=bid.reference)
    query = CONTROL_CHARACTERS.sub("", request.GET.get("q", "")).strip()[:100]
    board, found = _candidates(page, query) if page.editable and chosen is None else ([], [])
    return render(
        request,
        "tenders/bid/partners.html",
        page.context(
            partners=bid.partners.select_related("organisation"),
            registered=registered,
            other=other,
            chosen=chosen,
            board=board,
            found=found,
            query=query,
            next_url=next_section_url(bid, request.path) if page.editable else None,
            heading=_("Partners and subcontractors"),
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def partnership(request, pk):
    """A request to join a consortium bid, for the partner's administrators to answer.

    To anyone else, the partner's ordinary members included, it does not exist.
    """
    partner = get_object_or_404(
        BidPartner.objects.select_related(
            "bid__tender__opportunity__publisher", "bid__organisation", "organisation"
        ),
        pk=pk,
        organisation__memberships__user=request.user,
        organisation__memberships__role="admin",
    )
    bid = partner.bid
    refusal = None
    if request.method == "POST" and request.POST.get("answer") in {"confirm", "decline"}:
        try:
            actions.answer_partnership(
                partner=partner, by=request.user, accept=request.POST["answer"] == "confirm"
            )
        except PermissionError:
            raise Http404 from None
        except ValidationError as error:
            refusal = error.messages
        except ValueError as error:
            refusal = [str(error)]
        else:
            return redirect("tenders:partnership", pk=partner.pk)
    return render(
        request,
        "tenders/partnership.html",
        {
            "partner": partner,
            "bid": bid,
            "opportunity": bid.tender.opportunity,
            "lots": [lot for lot in bid_lots(bid) if lot is not None],
            "deadline": moment_in_words(bid.tender.opportunity.submission_deadline),
            "is_open": taking_bids(bid.tender),
            "refusal": refusal,
        },
    )
