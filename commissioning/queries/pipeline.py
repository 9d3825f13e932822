"""Reads of the pipeline that are more than one line: the public search, an item's page,
and what is coming in each ward (for the councillors' digest)."""

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Prefetch, Q

from commissioning.filters import PipelineFilter, PipelineShows
from commissioning.models import PipelineFollow, PipelineItem
from opportunities.filters import applied_filters
from opportunities.queries import SearchDocument, without_nul
from organisations.models import Ward

# Without PostgreSQL, each word is a separate ``icontains`` over the title and summary;
# past this many words the rest are ignored, so a pasted paragraph cannot build a huge query.
MAX_WORDS = 10


def _stored_search_document():
    field = SearchVectorField()
    field.set_attributes_from_name("search_document")
    field.model = PipelineItem
    return field


class PipelineSearchDocument(SearchDocument):
    """The item's stored search vector (title A, summary B, English): a generated,
    GIN-indexed column on PostgreSQL (migration ``pipeline_search_and_indexes``),
    named as a column of the query's pipeline table as opportunities name theirs."""

    output_field = _field = _stored_search_document()


def _full_text_match(items, words):
    """PostgreSQL: every word, stemmed, in the title or summary, with the web-search
    syntax the opportunity search takes ("quoted phrases", or, -not)."""
    query = SearchQuery(words, search_type="websearch", config="english")
    return items.alias(search=PipelineSearchDocument()).filter(search=query)


def _every_word_match(items, words):
    """Elsewhere (ADR 3): every word (up to ``MAX_WORDS``) in the title or the summary."""
    for word in list(dict.fromkeys(words.lower().split()))[:MAX_WORDS]:
        items = items.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    return items


def _listed():
    """Public items with what a row of the list shows, in a fixed number of queries."""
    return (
        PipelineItem.objects.public()
        .select_related("publisher", "category", "opportunity")
        # A row shows the opportunity's reference and title, never its long description.
        .defer("opportunity__description", "opportunity__description_html")
        .prefetch_related(Prefetch("wards", queryset=Ward.objects.order_by("name")))
    )


def search_pipeline(params):
    """Apply the search in ``params`` (a QueryDict) to the public pipeline.

    Returns ``(filterset, queryset)``. Values that are not valid are reported
    on the filterset's bound form and left out. Items still to come are listed
    unless ``shows`` asks for published ones too; withdrawn items never are.
    Sorted by expected publication, soonest first, then by reference. Every
    word searched for must be in the title or the summary: on PostgreSQL as the
    opportunity search matches (stemmed, on the stored search document), elsewhere
    as a substring.
    """
    filterset = PipelineFilter(without_nul(params), queryset=_listed())
    items = filterset.qs
    words = filterset.form.cleaned_data.get("q") or ""
    if words:
        match = _full_text_match if connection.vendor == "postgresql" else _every_word_match
        items = match(items, words)
    return filterset, items.order_by("expected_year", "expected_quarter", "reference")


def applied(filterset):
    """The search in words (``opportunities.filters.applied_filters``), without the
    default "still to come", which goes without saying."""
    return [
        part
        for part in applied_filters(filterset)
        if part.value != str(dict(PipelineShows.choices)[PipelineShows.COMING])
    ]


def item_for_page(reference):
    """The item with ``reference`` and everything its page shows, or ``None``.

    Withdrawn items are found too: their page says so, with the reason.
    """
    return (
        PipelineItem.objects.select_related("publisher", "category", "opportunity", "project")
        .prefetch_related(Prefetch("wards", queryset=Ward.objects.order_by("name")))
        .filter(reference=reference)
        .first()
    )


def is_followed_by(item, organisation):
    return PipelineFollow.objects.filter(item=item, organisation=organisation).exists()


def coming_with_wards():
    """Every item still to come with its publisher, category and ward ids, soonest
    expected first: two queries, for the councillors' digest to share across a run."""
    return list(
        PipelineItem.objects.coming()
        .select_related("publisher", "category")
        .prefetch_related("wards")
        .order_by("expected_year", "expected_quarter", "reference")
    )
