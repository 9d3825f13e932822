"""The opportunity search as a CSV download: ``/opportunities/opportunities.csv``."""

from django.utils import timezone
from django.views.decorators.http import require_safe

from opportunities import downloads, queries
from portal.csv import links_to, streaming_csv_response


@require_safe
def download(request):
    """Every published opportunity the search in the query string finds, in the search
    page's order, streamed as CSV (``portal.csv.streaming_csv_response``)."""
    now = timezone.now()
    return streaming_csv_response(
        f"opportunities-{timezone.localdate(now).isoformat()}.csv",
        downloads.HEADER,
        downloads.rows(
            queries.download_opportunities(request.GET, now=now),
            link=links_to(request, "opportunities:detail"),
            now=now,
        ),
    )
