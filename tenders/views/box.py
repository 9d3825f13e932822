"""The sealed bid box: opening it after the deadline, and the tender's log.

The log names bidders, so nobody reads it before the deadline for bids: after
it, the publisher's commissioners and site administrators do, except a commissioner
who declared a conflict with one of its bids on the panel.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from opportunities.actions import is_commissioner
from opportunities.models import Opportunity
from portal.authorization import Permission, has_permission
from tenders import actions
from tenders.moderation import conflicts_declared
from tenders.queries import tender_of
from tenders.views.method import _commissioned_tender


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
    events = tender.events.select_related("by", "bid")
    return render(
        request,
        "tenders/method/log.html",
        {
            "opportunity": opportunity,
            "tender": tender,
            "events": events,
            "is_commissioner": commissioner,
        },
    )
