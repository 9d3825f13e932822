"""Reads of opportunities that are more than one line: search, the feed, the home page."""

from datetime import timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Col, Expression
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from opportunities import listings
from opportunities.filters import OpportunitySearchFilter, Sort
from opportunities.models import (
    Follow,
    Opportunity,
    PartnerListing,
    Question,
    Status,
    status_conditions,
)
from organisations.models import Organisation
from portal.csv import grouped

# An open opportunity closing within this is tagged "Closing soon"; one
# published within it is tagged "New".
CLOSING_SOON = NEW = timedelta(days=7)

# What ``/opportunities/manage/`` may show besides one status.
ALL = "all"
QUESTIONS = "questions"

# Without PostgreSQL, each word is a separate LIKE; past this many words the
# rest are ignored, which keeps a pasted paragraph from building a huge query.
MAX_WORDS_WITHOUT_POSTGRES = 10

ORDERINGS = {
    Sort.RELEVANCE: ("-relevance", "submission_deadline", "pk"),
    Sort.CLOSING: ("submission_deadline", "pk"),
    Sort.NEWEST: ("-published_at", "-pk"),
    Sort.VALUE: ("-value_high", "submission_deadline", "pk"),
}


def _stored_search_document():
    field = SearchVectorField()
    field.set_attributes_from_name("search_document")
    field.model = Opportunity
    return field


class SearchDocument(Expression):
    """The stored search vector: title, summary and description weighted A, B, C in English.

    A generated column PostgreSQL keeps current on every write, GIN-indexed and
    kept in the row (migrations 0006 and 0007), so matching and ranking read it,
    never the text. The model does not declare it (SQLite has no such column),
    so this names it as a column of the query's opportunities table: a plain
    column reference that Django relabels when the query becomes a subquery.
    """

    output_field = _field = _stored_search_document()

    def resolve_expression(self, query=None, *args, **kwargs):
        return Col(query.get_initial_alias(), self._field)


def without_nul(params):
    """A copy of ``params`` with NUL characters removed: no database accepts them."""
    cleaned = QueryDict(mutable=True)
    items = params.lists() if isinstance(params, QueryDict) else (params or {}).items()
    for key, values in items:
        values = values if isinstance(values, list | tuple) else [values]
        cleaned.setlist(key.replace("\0", ""), [str(v).replace("\0", "") for v in values])
    return cleaned


def _with_tags(queryset, now):
    """Annotate ``closing_soon`` (open, closing within 7 days) and ``is_new``."""
    closing_soon = Q(
        cancelled_at__isnull=True,
        awarded_at__isnull=True,
        submission_deadline__gt=now,
        submission_deadline__lte=now + CLOSING_SOON,
    )
    return queryset.annotate(
        closing_soon=ExpressionWrapper(closing_soon, output_field=BooleanField()),
        is_new=ExpressionWrapper(Q(published_at__gt=now - NEW), output_field=BooleanField()),
    )


def _full_text_match(queryset, words):
    """PostgreSQL: web-search syntax ("quoted phrases", or, -not), ranked by weight."""
    query = SearchQuery(words, search_type="websearch", config="english")
    return (
        queryset.alias(search=SearchDocument())
        .filter(search=query)
        .annotate(relevance=SearchRank(SearchDocument(), query))
    )


def _every_word_match(queryset, words):
    """Elsewhere: every word in the title, summary or description; title matches first."""
    relevance = Value(0)
    for word in list(dict.fromkeys(words.lower().split()))[:MAX_WORDS_WITHOUT_POSTGRES]:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(description__icontains=word)
        )
        relevance += Case(
            When(title__icontains=word, then=Value(3)),
            When(summary__icontains=word, then=Value(2)),
            default=Value(1),
        )
    return queryset.annotate(relevance=relevance)


def search_opportunities(params, *, now=None):
    """Apply the search in ``params`` (a QueryDict or dict) to published opportunities.

    Returns ``(filterset, queryset)``. The filterset's bound form carries the
    errors of values that were not valid (and so were left out), and ``sort``,
    the sort applied. Only open opportunities are found unless another status
    is asked for; drafts never are. The queryset is sorted as asked (most
    relevant first by default when there are words to search for, closing
    soonest otherwise), carries the ``closing_soon`` and ``is_new`` tags, and
    loads what a result shows in one query however many results there are.
    """
    now = now or timezone.now()
    opportunities = _with_tags(
        Opportunity.objects.published()
        .select_related("publisher", "category")
        # A result shows its summary; the description (up to 20,000 characters, and
        # its HTML) would only make every sort carry kilobytes a row.
        .defer("description", "description_html"),
        now,
    )
    filterset = OpportunitySearchFilter(without_nul(params), queryset=opportunities, now=now)
    opportunities = filterset.qs
    words = filterset.form.cleaned_data.get("q") or ""
    sort = filterset.form.cleaned_data.get("sort") or (Sort.RELEVANCE if words else Sort.CLOSING)
    if words:
        match = _full_text_match if connection.vendor == "postgresql" else _every_word_match
        opportunities = match(opportunities, words)
    elif sort == Sort.RELEVANCE:
        sort = Sort.CLOSING  # nothing to be relevant to
    filterset.sort = sort
    return filterset, opportunities.order_by(*ORDERINGS[sort])


def download_opportunities(params, *, now=None):
    """Every opportunity the search in ``params`` finds, for the CSV download: the
    search page's own query (``search_opportunities``: the same filters, words and
    order, published opportunities only), not a page of it. Read it in chunks
    (``portal.csv.chunks``) with each chunk's ``wards_and_codes_of``."""
    _, opportunities = search_opportunities(params, now=now)
    return opportunities


def wards_and_codes_of(opportunity_ids):
    """``(wards, codes)``: the ward names (by name) and CPV codes (in order) of each of
    the opportunities ``opportunity_ids``, as dicts of lists by id, in two queries."""
    wards = Opportunity.wards.through.objects.filter(opportunity__in=opportunity_ids)
    codes = Opportunity.cpv_codes.through.objects.filter(opportunity__in=opportunity_ids)
    return (
        grouped(wards.order_by("ward__name").values_list("opportunity_id", "ward__name")),
        grouped(codes.order_by("cpvcode__code").values_list("opportunity_id", "cpvcode__code")),
    )


def ranked_among_newest(opportunities, limit):
    """The ``limit`` most recently published of a search's matches, ranked.

    Ranking reads each match's search document, and a common word matches tens
    of thousands of notices over the years: a list with more matches than it
    can show ranks the newest of them (``BoundedPaginator(over_limit=...)``).
    A search with fewer matches ranks every one. The other sorts have indexes
    and need no such bound.
    """
    newest = opportunities.order_by(*ORDERINGS[Sort.NEWEST]).values("pk")[:limit]
    return opportunities.filter(pk__in=newest)


def feed_opportunities(*, limit=50):
    """The ``limit`` most recently published opportunities, whatever their status now."""
    return (
        Opportunity.objects.published()
        .select_related("publisher")
        .defer("description", "description_html")
        .order_by("-published_at", "-pk")[:limit]
    )


def home_page_summary(*, now=None, listed=5):
    """Counts and short lists for the front page, in four queries.

    ``open_count`` and ``organisation_count``, and the ``listed`` open
    opportunities ``closing_soon`` (deadline first) and ``newest`` (most
    recently published first).
    """
    live = Opportunity.objects.live(now).select_related("publisher")
    return {
        "open_count": live.count(),
        "organisation_count": Organisation.objects.count(),
        "closing_soon": list(live.order_by("submission_deadline", "pk")[:listed]),
        "newest": list(live.order_by("-published_at", "-pk")[:listed]),
    }


def kept_home_page_summary():
    """``home_page_summary()`` as everyone is shown it, kept for a minute (``listings``)."""
    return listings.kept("home", home_page_summary)


def activity_of(organisations):
    """What ``organisations`` do on the portal's opportunities, for their members, in three queries.

    ``following`` (the opportunities they follow, closing soonest first),
    ``questions`` (those they asked, newest first, answered or not) and
    ``listings`` (their partner-board listings still up, with how many
    organisations have written through each), each row naming its organisation.
    """
    without_text = ("opportunity__description", "opportunity__description_html")
    return {
        "following": list(
            Follow.objects.filter(organisation__in=organisations)
            .select_related("organisation", "opportunity")
            .defer(*without_text)
            .order_by("opportunity__submission_deadline", "pk")
        ),
        "questions": list(
            Question.objects.filter(organisation__in=organisations)
            .select_related("organisation", "opportunity")
            .defer(*without_text)
            .order_by("-asked_at", "-pk")
        ),
        "listings": list(
            PartnerListing.objects.filter(organisation__in=organisations, withdrawn_at__isnull=True)
            .select_related("organisation", "opportunity")
            .defer(*without_text)
            .annotate(
                contacts_received=Count("contacts", filter=Q(contacts__in_reply_to__isnull=True))
            )
            .order_by("opportunity__submission_deadline", "pk")
        ),
    }


def to_do_for(user, memberships, *, now=None):
    """What ``user`` should see first about opportunities, as ``(words, url)`` pairs.

    For a commissioner, the questions waiting for an answer and their open
    opportunities closing within a week; for a member, the opportunities their
    organisations follow that close within a week. One count query each.
    """
    now = now or timezone.now()
    organisations = [membership.organisation for membership in memberships]
    publishers = [organisation for organisation in organisations if organisation.can_publish]
    within_a_week = Q(submission_deadline__lte=now + CLOSING_SOON)
    to_do = []
    if publishers:
        manage = reverse("opportunities:manage")
        waiting = Question.objects.filter(
            opportunity__publisher__in=publishers, answered_at__isnull=True
        ).count()
        if waiting:
            to_do.append(
                (
                    ngettext("%(n)d question to answer", "%(n)d questions to answer", waiting)
                    % {"n": waiting},
                    f"{manage}?show={QUESTIONS}",
                )
            )
        closing = (
            Opportunity.objects.filter(publisher__in=publishers).live(now).filter(within_a_week)
        ).count()
        if closing:
            to_do.append(
                (
                    ngettext(
                        "%(n)d of your opportunities closes for bids within a week",
                        "%(n)d of your opportunities close for bids within a week",
                        closing,
                    )
                    % {"n": closing},
                    f"{manage}?show={Status.OPEN.value}",
                )
            )
    if organisations:
        following = (
            Opportunity.objects.live(now)
            .filter(within_a_week, follows__organisation__in=organisations)
            .distinct()
            .count()
        )
        if following:
            to_do.append(
                (
                    ngettext(
                        "%(n)d opportunity you follow closes for bids within a week",
                        "%(n)d opportunities you follow close for bids within a week",
                        following,
                    )
                    % {"n": following},
                    reverse("opportunities:activity"),
                )
            )
    return to_do


def _waiting_questions():
    return Question.objects.filter(opportunity=OuterRef("pk"), answered_at__isnull=True)


def publisher_counts(publisher, *, words="", now=None):
    """How many of ``publisher``'s opportunities matching ``words`` have each status: one query.

    Keyed by ``Status`` value, with ``ALL`` for every one and ``QUESTIONS`` for
    those with a question waiting for an answer.
    """
    conditions = status_conditions(now or timezone.now())
    counts = {
        status.value: Count("pk", filter=condition) for status, condition in conditions.items()
    }
    counts[ALL] = Count("pk")
    counts[QUESTIONS] = Count("pk", filter=Q(Exists(_waiting_questions())))
    return _publisher_matching(publisher, words).aggregate(**counts)


def publisher_opportunities(publisher, *, show=ALL, words="", now=None):
    """``publisher``'s opportunities for its commissioners' list, newest first.

    ``show`` is a ``Status`` value, ``ALL`` or ``QUESTIONS`` (those with a question
    waiting); ``words`` narrows to a reference or title containing them. Only the
    columns the list shows are read, with ``questions_waiting`` counted per row.
    """
    opportunities = _publisher_matching(publisher, words)
    if show == QUESTIONS:
        opportunities = opportunities.filter(Exists(_waiting_questions()))
    elif show != ALL:
        opportunities = opportunities.with_status(show, now)
    waiting = _waiting_questions().order_by().values("opportunity").annotate(n=Count("pk"))
    return (
        opportunities.only(
            "reference",
            "title",
            "submission_deadline",
            "published_at",
            "cancelled_at",
            "awarded_at",
        )
        .annotate(questions_waiting=Coalesce(Subquery(waiting.values("n")), 0))
        .order_by("-created_at", "-pk")
    )


def _publisher_matching(publisher, words):
    opportunities = Opportunity.objects.filter(publisher=publisher)
    if words := words.strip():
        opportunities = opportunities.filter(Q(reference__iexact=words) | Q(title__icontains=words))
    return opportunities
