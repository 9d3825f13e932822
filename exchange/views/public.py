"""The exchange's public pages: what it is, and the open needs and offers."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from exchange.models import Need, Offer
from portal.pagination import BoundedPaginator

PER_PAGE = 20


def _page(request, items):
    page = BoundedPaginator(items, PER_PAGE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
    }


@require_safe
def overview(request):
    """What the exchange is for, with links to the needs and offers and to post one."""
    return render(request, "exchange/overview.html")


@require_safe
def needs(request):
    """Open needs, soonest due first."""
    items = Need.objects.open_for_matching().select_related("organisation", "ward")
    return render(request, "exchange/needs.html", _page(request, items))


@require_safe
def offers(request):
    """Open offers, newest first."""
    items = (
        Offer.objects.open_for_matching().select_related("organisation").prefetch_related("wards")
    )
    return render(request, "exchange/offers.html", _page(request, items))
