"""The public list of confirmed awards (recommendation R02 b): ``/awards/``.

The query string holds the whole filter state; a decision appears here only once
it is confirmed, after its standstill, never while it is only intended.
"""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from portal.csv import links_to, streaming_csv_response
from portal.pagination import BoundedPaginator
from tenders import downloads
from tenders.awards import awarded_value, download_awards, search_awards

RESULTS_PER_PAGE = 20


@require_safe
def awards(request):
    """Confirmed awards, newest first, filtered by publisher, category, ward, year, the
    winners' type or words."""
    filterset, awards = search_awards(request.GET)
    page = BoundedPaginator(awards, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    for award in page:
        award.value = awarded_value(award)
    return render(
        request,
        "tenders/awards/list.html",
        {
            "form": filterset.form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "filtered": any(value.strip() for key, value in request.GET.items() if key != "page"),
        },
    )


@require_safe
def download(request):
    """Every confirmed award the filters in the query string find, newest first, streamed
    as CSV (``portal.csv.streaming_csv_response``)."""
    return streaming_csv_response(
        f"awards-{timezone.localdate().isoformat()}.csv",
        downloads.HEADER,
        downloads.rows(
            download_awards(request.GET), link=links_to(request, "opportunities:detail")
        ),
    )
