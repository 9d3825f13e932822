"""An organisation member's page of what their organisations do on opportunities."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from opportunities import queries
from opportunities.models import SavedSearch
from organisations.queries import memberships_of


@login_required
@require_safe
def activity(request):
    """Followed opportunities, questions asked, partner listings and saved searches in one place.

    Everything of every organisation the user is a member of, each row naming
    its organisation; saved searches are the user's own.
    """
    organisations = [membership.organisation for membership in memberships_of(request.user)]
    return render(
        request,
        "opportunities/activity.html",
        {
            "organisations": organisations,
            "now": timezone.now(),
            "saved_search_count": SavedSearch.objects.filter(
                user=request.user, unsubscribed_at__isnull=True
            ).count(),
            **queries.activity_of(organisations),
        },
    )
