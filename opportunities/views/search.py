"""The public opportunity search; the query string holds the whole search."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from opportunities import queries
from opportunities.filters import Sort, applied_filters
from portal.pagination import BoundedPaginator

RESULTS_PER_PAGE = 20


@require_safe
def search(request):
    """Search and filter published opportunities: open ones unless another status is asked for."""
    filterset, opportunities = queries.search_opportunities(request.GET)
    # get_page turns a page that is not a number into the first page and one past
    # the end into the last, so an edited or stale link still shows results.
    ranked = filterset.sort == Sort.RELEVANCE
    page = BoundedPaginator(
        opportunities,
        RESULTS_PER_PAGE,
        over_limit=queries.ranked_among_newest if ranked else None,
    ).get_page(request.GET.get("page"))
    form = filterset.form
    return render(
        request,
        "opportunities/search.html",
        {
            "form": form,
            "searched_for": form.cleaned_data.get("q", ""),
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "ranked_newest": page.paginator.more and ranked,
            "applied": applied_filters(filterset),
            "filtered": any(
                value.strip() for key, value in request.GET.items() if key not in {"page", "sort"}
            ),
        },
    )
