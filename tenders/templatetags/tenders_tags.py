"""Template tags that let the opportunities app's pages show a member's bids without
importing tenders: each runs a query of ``tenders.queries`` and renders an include."""

import datetime as dt

from django import template

from portal.formats import date_in_words
from tenders.models import Bid
from tenders.queries import own_bid, partnerships_waiting, taking_bids, tender_of

register = template.Library()


@register.filter
def iso_date_in_words(text):
    """A date stored as ISO text (in a bid's frozen content) in words."""
    return date_in_words(dt.date.fromisoformat(text)) if text else ""


@register.inclusion_tag("tenders/includes/bid_action_link.html", takes_context=True)
def bid_action(context, opportunity):
    """ "Start a bid" or "Continue your bid" for a member of an organisation, on an
    opportunity whose tender takes bids; nothing otherwise."""
    request = context.get("request")
    user = getattr(request, "user", None)
    tender = tender_of(opportunity) if user and user.is_authenticated else None
    bid = own_bid(user, tender) if tender is not None else None
    return {
        "opportunity": opportunity,
        "tender": tender,
        "bid": bid,
        "open": tender is not None and taking_bids(tender),
    }


@register.inclusion_tag("tenders/includes/activity_bids.html", takes_context=True)
def bids_activity(context):
    """The bids of the user's organisations (led or joined as a confirmed partner) and the
    partnership requests waiting for them to answer."""
    user = context["request"].user
    bids = (
        Bid.objects.of_bidders(user)
        .select_related("tender__opportunity", "organisation", "current_version")
        .order_by("tender__opportunity__submission_deadline")
    )
    return {"bids": list(bids), "requests": list(partnerships_waiting(user)), "user": user}
