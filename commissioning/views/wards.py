"""Ward pages, in public: ``/wards/`` lists Birmingham's wards, ``/wards/<slug>/`` shows one.

A ward page gathers what the portal knows about the ward for councillors and
residents (R03 d); every part of it is read in a fixed number of queries.
"""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from commissioning import wards as reads
from commissioning.postcodes import NSPL_ATTRIBUTION
from organisations.models import Ward


@require_safe
def ward_index(request):
    """Every ward, by name."""
    return render(
        request, "commissioning/wards/index.html", {"wards": Ward.objects.order_by("name")}
    )


@require_safe
def ward_page(request, slug):
    """What is open, coming, awarded, spent and delivered in one ward."""
    ward = get_object_or_404(Ward, slug=slug)
    open_count, opportunities = reads.open_opportunities(ward)
    coming_count, more_coming, pipeline = reads.coming_pipeline(ward)
    return render(
        request,
        "commissioning/wards/page.html",
        {
            "ward": ward,
            "councillors": list(ward.councillors.order_by("full_name")),
            "open_count": open_count,
            "opportunities": opportunities,
            "coming_count": coming_count,
            "more_coming": more_coming,
            "pipeline": pipeline,
            "awards": reads.recent_awards(ward),
            **reads.figures(ward),
            "attribution": NSPL_ATTRIBUTION,
        },
    )
