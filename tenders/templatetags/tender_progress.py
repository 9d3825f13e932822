"""The evaluation's progress and consortium changes on pages other helpers own: the
tender page (commissioners) and the bid's task list (its organisations). Each tag
runs its own queries and renders an include, so those views need not know."""

from django import template

from portal.authorization import membership_role
from tenders.consortium import changes_of, describe, has_award
from tenders.models import Bid
from tenders.progress import bid_progress, progress_of

register = template.Library()


@register.inclusion_tag("tenders/progress/tender_section.html", takes_context=True)
def evaluation_progress(context, tender):
    """For the tender page, once the box is opened: what bidders are told, and consortium
    changes waiting for a decision."""
    if tender.opened_at is None:
        return {"progress": None}
    user = context["request"].user
    waiting = changes_of(tender).filter(
        decided_at__isnull=True, bid__in=Bid.objects.visible_to(user)
    )
    waiting = list(waiting)
    for change in waiting:
        change.words = describe(change)
    return {
        "opportunity": tender.opportunity,
        "progress": progress_of(tender),
        "waiting": waiting,
        "has_changes": bool(waiting) or changes_of(tender).exists(),
    }


@register.inclusion_tag("tenders/progress/bid_section.html", takes_context=True)
def bid_evaluation(context, bid):
    """For the bid's own pages: the stage and expected decision of a submitted bid once the
    box is opened; for the lead's administrators, after award, the way to change the
    consortium."""
    user = context["request"].user
    progress = bid_progress(bid)
    return {
        "bid": bid,
        "progress": progress,
        "may_change_consortium": progress is not None
        and membership_role(user, bid.organisation) == "admin"
        and has_award(bid),
    }
