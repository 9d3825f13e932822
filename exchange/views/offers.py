"""An offer's page, posting an offer, tying it to a contract pledge or closing it, and an
organisation in need asking for it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from exchange import queries
from exchange.actions import posting
from exchange.forms import OfferForm, PledgeLinkForm, ProposeForm
from exchange.models import Delivery, Match, Offer, Side
from exchange.views import (
    acting_for,
    done,
    form_page,
    is_member,
    propose_page,
    require_member,
    run,
)

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
SUGGESTED = 5


def _offer_or_404(pk):
    return get_object_or_404(
        Offer.objects.select_related("organisation", "pledge__contract").prefetch_related("wards"),
        pk=pk,
    )


def _fitting_needs(offer, organisation):
    return queries.suggested_needs(
        offer.organisation, offers=Offer.objects.filter(pk=offer.pk)
    ).filter(organisation=organisation)


@require_safe
def detail(request, pk):
    """An offer, public: what, how much is left, where, when, the Charter status of the
    organisation offering it, and the help it has given (confirmed). Its own
    organisation also sees its matches and suggested needs; an organisation with a
    need it fits is invited to ask for it."""
    offer = _offer_or_404(pk)
    own = is_member(request.user, offer.organisation)
    organisation = None if own else acting_for(request)
    context = {
        "offer": offer,
        "own": own,
        "status": offer.status,
        "given": Delivery.objects.filter(match__offer=offer, confirmed_at__isnull=False)
        .select_related("match__need__organisation", "match__need__ward")
        .order_by("-delivered_on", "-pk"),
        "acting": organisation,
    }
    if own:
        context["matches"] = Match.objects.filter(offer=offer).select_related(
            "need__organisation", "offer"
        )
        context["suggested"] = queries.first_suggested_needs(
            offer.organisation, offers=Offer.objects.filter(pk=offer.pk), limit=SUGGESTED
        )
        context["may_link"] = queries.pledges_offerable_by(offer.organisation).exists()
    elif organisation is not None:
        context["may_ask"] = _fitting_needs(offer, organisation).exists()
    return render(request, "exchange/offer.html", context)


@login_required
@GET_POST
def create(request):
    """A member of any registered organisation posts an offer for it."""
    organisation = acting_for(request)
    if organisation is None:
        return render(request, "exchange/needs_organisation.html")
    pledges = queries.pledges_offerable_by(organisation)
    form = OfferForm(request.POST or None, pledges=pledges)
    if request.method == "POST" and form.is_valid():
        offer = run(
            form,
            posting.post_offer,
            organisation=organisation,
            by=request.user,
            **form.cleaned_data,
        )
        if offer:
            return done(request, _("Your offer is posted"), offer.get_absolute_url())
    return form_page(
        request,
        form,
        _("Offer help"),
        _(
            "For %(name)s. Groups whose needs fit your offer will see it suggested, and you "
            "will see theirs."
        )
        % {"name": organisation.name},
    )


@login_required
@GET_POST
def pledge(request, pk):
    """The offer's organisation ties it to one of its contract pledges, or unties it."""
    offer = _offer_or_404(pk)
    require_member(request.user, offer.organisation)
    form = PledgeLinkForm(
        request.POST or None,
        pledges=queries.pledges_offerable_by(offer.organisation),
        initial={"pledge": offer.pledge_id},
    )
    if request.method == "POST" and form.is_valid():
        linked = run(
            form,
            posting.link_pledge,
            offer=offer,
            by=request.user,
            pledge=form.cleaned_data["pledge"],
        )
        if linked:
            return done(request, _("The offer's pledge is saved"), offer.get_absolute_url())
    return form_page(
        request,
        form,
        _("Count this offer towards a pledge"),
        _(
            "Help given through this offer and confirmed by the group that received it will "
            "count towards the pledge, in the ward the group named."
        ),
    )


@login_required
@require_POST
def close(request, pk):
    """The offer's organisation closes it: it leaves matching."""
    offer = _offer_or_404(pk)
    require_member(request.user, offer.organisation)
    posting.close_offer(offer=offer, by=request.user)
    return done(request, _("The offer is closed"), offer.get_absolute_url())


@login_required
@GET_POST
def propose(request, pk):
    """An organisation in need asks for this offer for one of its fitting needs."""
    offer = _offer_or_404(pk)
    organisation = acting_for(request)
    choices = (
        _fitting_needs(offer, organisation)
        if organisation and organisation.pk != offer.organisation_id
        else None
    )
    if choices is None or not choices.exists():
        return render(
            request, "exchange/needs_need.html", {"offer": offer, "organisation": organisation}
        )
    form = ProposeForm(
        request.POST or None, unit=offer.unit, choices=choices, label=_("For which of your needs?")
    )
    return propose_page(
        request,
        form,
        offer=offer,
        side=Side.RECIPIENT,
        sent=_("Your request is sent to %(name)s") % {"name": offer.organisation.name},
        heading=_("Ask for help: %(title)s") % {"title": offer.title},
        lead=_("%(name)s is asked to accept or decline.") % {"name": offer.organisation.name},
        caption=organisation.name,
    )
