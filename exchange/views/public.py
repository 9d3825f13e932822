"""The exchange's public pages: what it is with the help delivered, and the open needs
and offers, filtered."""

from functools import partial

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from commissioning.charts import bar_chart, pounds_short
from exchange import formats, public_queries, totals
from exchange.models import Need, Offer
from portal.pagination import BoundedPaginator

PER_PAGE = 20
WARDS_CHARTED = 15


def _listing(request, filterset, items):
    page = BoundedPaginator(items, PER_PAGE).get_page(request.GET.get("page"))
    return {
        "form": filterset.form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "applied": public_queries.applied(filterset),
        "filtered": any(value.strip() for key, value in request.GET.items() if key != "page"),
    }


def _chosen_measure(request, overall):
    """The measure the charts show: the one asked for, else the first with any help."""
    asked = totals.MEASURE.get(request.GET.get("measure", ""))
    if asked:
        return asked
    return next((m for m in totals.MEASURES if overall[m.key]), totals.MEASURES[0])


def _amount(number, *, unit):
    return formats.amount(number, unit)


def _chart(rows, measure, *, title, description, count=None):
    text = partial(_amount, unit=measure.unit) if measure.unit else pounds_short
    shown = totals.largest(rows, measure, count)
    return bar_chart(
        [(row["name"], row[measure.key]) for row in shown],
        title=title,
        description=description,
        text=text,
    )


@require_safe
def overview(request):
    """What the exchange is for, how many needs and offers are open, and the help
    delivered (confirmed only) by ward and by kind, each as a chart and a table."""
    figures = totals.figures()
    overall, wards, kinds = figures["overall"], figures["by_ward"], figures["by_kind"]
    measure = _chosen_measure(request, overall)
    words = str(measure.label).lower()
    context = {
        "open_needs": Need.objects.open_for_matching().count(),
        "open_offers": Offer.objects.open_for_matching().count(),
        "overall": overall,
        "by_ward": wards,
        "by_kind": kinds,
        "measure": measure,
        "other_measures": [m for m in totals.MEASURES if m != measure],
        "wards_charted": WARDS_CHARTED,
        "ward_chart": _chart(
            wards,
            measure,
            count=WARDS_CHARTED,
            title=_("Help delivered by ward: %(measure)s") % {"measure": words},
            description=_(
                "The wards with the most, largest first; the table after the chart gives "
                "every ward."
            ),
        ),
        "kind_chart": _chart(
            kinds,
            measure,
            title=_("Help delivered by kind: %(measure)s") % {"measure": words},
            description=_("Largest first; the table after the chart gives every kind."),
        ),
        "testimonials": totals.recent_testimonials(),
    }
    return render(request, "exchange/overview.html", context)


@require_safe
def needs(request):
    """Open needs, filtered by kind, ward and size of organisation; soonest due first."""
    filterset, items = public_queries.search_needs(request.GET)
    return render(request, "exchange/needs.html", _listing(request, filterset, items))


@require_safe
def offers(request):
    """Open offers, filtered by kind, ward reached, size of organisation and Charter
    signature; newest first."""
    filterset, items = public_queries.search_offers(request.GET)
    return render(request, "exchange/offers.html", _listing(request, filterset, items))
