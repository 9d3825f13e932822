"""What anyone can read: the inquiries and each recommendation's history."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from portal.authorization import Permission, has_permission
from tracking import queries
from tracking.models import Category, Inquiry


@require_safe
def inquiry_list(request):
    """Every inquiry, with its recommendations counted by where they stand and overdue rounds."""
    return render(
        request,
        "tracking/inquiry_list.html",
        {"inquiries": queries.inquiry_summaries(), "categories": list(Category)},
    )


@require_safe
def inquiry(request, slug):
    """An inquiry and, for each recommendation, its history round by round."""
    inquiry = get_object_or_404(Inquiry.objects.select_related("committee"), slug=slug)
    rounds = list(inquiry.rounds.select_related("committee"))
    is_officer = has_permission(request.user, Permission.MANAGE_SCRUTINY)
    return render(
        request,
        "tracking/inquiry.html",
        {
            "inquiry": inquiry,
            "recommendations": queries.timeline(inquiry, rounds),
            "rounds": rounds,
            "is_officer": is_officer,
            "answers_for_it": request.user.is_authenticated
            and queries.answers_for_inquiry(request.user, inquiry),
            # Why the next round cannot open yet, with what is left to do; None when it can.
            "round_refusal": queries.next_round_refusal(inquiry) if is_officer else None,
        },
    )
