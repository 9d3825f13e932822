"""The sealed bid box: opening it after the deadline, and the tender's log.

The log names bidders, so nobody reads it before the deadline for bids: after
it, the publisher's commissioners and site administrators do, except a commissioner
who declared a conflict with one of its bids on the panel.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from opportunities.actions import is_commissioner
from opportunities.models import Opportunity
from portal.authorization import Permission, has_permission
from tenders import actions
from tenders.models import Bid, TenderEvent
from tenders.moderation import conflicts_declared
from tenders.queries import tender_of
from tenders.views.method import _commissioned_tender

# A page of the log. Unlike a public list it is not bounded: an audit record
# must be readable to its last entry.
EVENTS_PER_PAGE = 50
# What a row of the log shows: who (their name), the bid's reference, the rest.
# Who and which bid are read for the page's rows alone, after it is chosen: a
# join would read every user and bid to sort the whole log.
LOGGED = ("tender", "kind", "at", "by", "bid", "summary", "detail")
WHO = Prefetch("by", queryset=get_user_model().objects.only("full_name", "email"))
WHICH_BID = Prefetch("bid", queryset=Bid.objects.only("reference"))


@require_POST
def open_box(request, reference):
    """Open the bid box: refused (with a message) before the deadline."""
    tender = _commissioned_tender(request, reference)
    try:
        actions.open_box(tender=tender, by=request.user)
    except actions.TooEarly:
        messages.error(
            request,
            _("The bid box can only be opened after the deadline for bids. Nothing was opened."),
        )
    else:
        messages.success(
            request, _("The bid box is open. Its opening is recorded in the tender's log.")
        )
    return redirect("tenders:tender", reference=reference)


@require_safe
def log(request, reference):
    """The tender's append-only log, after the deadline for bids."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("publisher"), reference=reference
    )
    commissioner = is_commissioner(user, opportunity.publisher)
    allowed = commissioner or has_permission(user, Permission.ADMINISTER_SITE)
    if not allowed or timezone.now() < opportunity.submission_deadline:
        raise Http404
    tender = tender_of(opportunity)
    if tender is None:
        raise Http404
    if not has_permission(user, Permission.ADMINISTER_SITE) and conflicts_declared(user, tender):
        # Every bid is in the log, by name and reference: a commissioner who declared a
        # conflict with one of them on the panel may not read it.
        raise Http404
    # Every evaluator's every mark is an entry (bids × evaluators × questions):
    # left out unless asked for, and each page a bounded number of entries,
    # all of them reachable, in the order they happened.
    scores_shown = request.GET.get("scores") == "shown"
    scores = Q(kind=TenderEvent.Kind.SCORE_ENTERED)
    score_entries = tender.events.filter(scores).count()
    events = tender.events.all() if scores_shown else tender.events.exclude(scores)
    events = events.only(*LOGGED).prefetch_related(WHO, WHICH_BID).order_by("at", "pk")
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "tenders/method/log.html",
        {
            "opportunity": opportunity,
            "tender": tender,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "scores_shown": scores_shown,
            "score_entries": score_entries,
            "is_commissioner": commissioner,
        },
    )
