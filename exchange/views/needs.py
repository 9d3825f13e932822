"""A need's page, posting a need, extending or closing it, and an offering organisation
proposing one of its offers for it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from exchange import queries
from exchange.actions import posting
from exchange.forms import ExtendForm, NeedForm, ProposeForm
from exchange.models import USUAL_UNIT, Delivery, Match, Need, Side
from exchange.views import (
    acting_for,
    done,
    form_page,
    is_member,
    propose_page,
    require_member,
    run,
)
from organisations.models import Sector

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
# Suggestions shown on a need's page; the organisation's own page lists more.
SUGGESTED = 5


def _need_or_404(pk):
    return get_object_or_404(Need.objects.select_related("organisation", "ward"), pk=pk)


@require_safe
def detail(request, pk):
    """A need, public: what, how much, where, by when, why, and the help confirmed so far
    with its testimonials. Its own organisation also sees its matches and suggested
    offers; another organisation with an offer that fits is invited to propose it."""
    need = _need_or_404(pk)
    own = is_member(request.user, need.organisation)
    organisation = None if own else acting_for(request)
    context = {
        "need": need,
        "own": own,
        "status": need.status,
        "given": Delivery.objects.filter(match__need=need, confirmed_at__isnull=False)
        .select_related("match__offer__organisation")
        .order_by("-delivered_on", "-pk"),
        "acting": organisation,
    }
    if own:
        context["matches"] = Match.objects.filter(need=need).select_related("offer__organisation")
        context["suggested"] = queries.first_suggested_offers(
            need.organisation, needs=Need.objects.filter(pk=need.pk), limit=SUGGESTED
        )
    elif organisation is not None:
        context["may_propose"] = _fitting_offers(need, organisation).exists()
    return render(request, "exchange/need.html", context)


def _fitting_offers(need, organisation):
    return queries.suggested_offers(
        need.organisation, needs=Need.objects.filter(pk=need.pk)
    ).filter(organisation=organisation)


@login_required
@GET_POST
def create(request):
    """A member of a third-sector organisation posts a need for it."""
    organisation = acting_for(request)
    if organisation is None or organisation.sector != Sector.THIRD:
        return render(request, "exchange/needs_third_sector.html", {"organisation": organisation})
    form = NeedForm(request.POST or None, initial={"ward": organisation.ward_id})
    if request.method == "POST" and form.is_valid():
        need = run(
            form, posting.post_need, organisation=organisation, by=request.user, **form.cleaned_data
        )
        if need:
            return done(request, _("Your need is posted"), need.get_absolute_url())
    return form_page(
        request,
        form,
        _("Post a need"),
        _(
            "For %(name)s. Organisations offering help will see it suggested, and so will "
            "the councillors for its ward."
        )
        % {"name": organisation.name},
        usual_units=USUAL_UNIT,
    )


@login_required
@GET_POST
def extend(request, pk):
    """The need's organisation gives it a later date; an expired need comes back."""
    need = _need_or_404(pk)
    require_member(request.user, need.organisation)
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        extended = run(form, posting.extend_need, need=need, by=request.user, **form.cleaned_data)
        if extended:
            return done(request, _("The date is changed"), need.get_absolute_url())
    return form_page(request, form, _("Extend: %(title)s") % {"title": need.title})


@login_required
@require_POST
def close(request, pk):
    """The need's organisation closes it: it leaves matching."""
    need = _need_or_404(pk)
    require_member(request.user, need.organisation)
    posting.close_need(need=need, by=request.user)
    return done(request, _("The need is closed"), need.get_absolute_url())


@login_required
@GET_POST
def propose(request, pk):
    """An organisation offering help proposes one of its fitting offers for this need."""
    need = _need_or_404(pk)
    organisation = acting_for(request)
    if organisation is None or organisation.pk == need.organisation_id:
        return render(request, "exchange/needs_offer.html", {"need": need})
    choices = _fitting_offers(need, organisation)
    if not choices.exists():
        return render(
            request, "exchange/needs_offer.html", {"need": need, "organisation": organisation}
        )
    form = ProposeForm(
        request.POST or None,
        choices=choices,
        unit=need.unit,
        label=_("Which of your offers?"),
        initial={"quantity": f"{need.still_needed.normalize():f}"},
    )
    return propose_page(
        request,
        form,
        need=need,
        side=Side.GIVER,
        sent=_("Your proposal is sent to %(name)s") % {"name": need.organisation.name},
        heading=_("Offer help: %(title)s") % {"title": need.title},
        lead=_(
            "%(name)s is asked to accept or decline. Nothing is taken from your offer until "
            "they accept."
        )
        % {"name": need.organisation.name},
        caption=organisation.name,
    )
