"""An organisation's own page on the exchange: its needs and offers, matches waiting for
its answer, help to record or confirm, and what is suggested for it."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from exchange import queries
from exchange.models import Delivery, Match, Need, Offer, Side
from exchange.views import acting_for
from exchange.views.summaries import is_subscribed

# Each list shows the most pressing; the public lists filter the rest.
LISTED = 10


@login_required
@require_safe
def dashboard(request):
    """What the acting organisation has to do on the exchange, in a fixed number of queries."""
    organisation = acting_for(request)
    if organisation is None:
        return render(request, "exchange/needs_organisation.html")
    # As ``offer_id IN (its offers)``, not a join to the offers and needs with OR across
    # them: one hashed lookup each instead of joining every match (80-150 ms at 50,000).
    as_giver = Q(offer__in=Offer.objects.filter(organisation=organisation).values("pk"))
    as_recipient = Q(need__in=Need.objects.filter(organisation=organisation).values("pk"))
    matches = Match.objects.select_related("need__organisation", "offer__organisation")
    to_answer = matches.filter(
        Q(as_giver, proposed_by_side=Side.RECIPIENT) | Q(as_recipient, proposed_by_side=Side.GIVER),
        accepted_at__isnull=True,
        declined_at__isnull=True,
    )
    context = {
        "organisation": organisation,
        "to_answer": to_answer[:LISTED],
        "to_confirm": Delivery.objects.filter(
            match__need__organisation=organisation, confirmed_at__isnull=True
        ).select_related("match__offer__organisation", "match__need")[:LISTED],
        "matches": matches.filter(as_giver | as_recipient)[:LISTED],
        "needs": Need.objects.filter(organisation=organisation).select_related("ward")[:LISTED],
        "offers": Offer.objects.filter(organisation=organisation).select_related(
            "pledge__contract"
        )[:LISTED],
        "suggested_needs": queries.first_suggested_needs(organisation, limit=LISTED),
        "suggested_offers": queries.first_suggested_offers(organisation, limit=LISTED),
        "pledges": queries.pledges_owed_by(organisation)[:LISTED],
        "subscribed": is_subscribed(request.user, organisation),
        "listed": LISTED,
    }
    return render(request, "exchange/yours.html", context)
