import datetime
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from opportunities.models import Opportunity
from opportunities.queries import search_opportunities
from tests.factories import (
    OpportunityFactory,
    PublisherFactory,
    ServiceCategoryFactory,
    UserFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = "/opportunities/"
SEARCH_INDEX = "opportunity_search_document"  # migration 0006


def titles_in(response):
    """The opportunity titles listed as results, in order."""
    assert response.status_code == 200
    return re.findall(
        r'<h3 class="govuk-heading-m[^"]*"><a class="govuk-link" '
        r'href="/opportunities/[^"]+/">([^<]+)</a>',
        response.text,
    )


def in_days(days, **more):
    return timezone.now() + timedelta(days=days, **more)


def closing_in(days, **fields):
    """An open opportunity whose deadline for bids is ``days`` days away."""
    return OpportunityFactory(
        clarification_deadline=in_days(days - 1),
        submission_deadline=in_days(days),
        **fields,
    )


def closed(**fields):
    return OpportunityFactory(
        published_at=in_days(-100),
        clarification_deadline=in_days(-10),
        submission_deadline=in_days(-3),
        **fields,
    )


# --- What is listed, and how it is counted --------------------------------------


def test_open_opportunities_are_listed_closing_soonest_first_with_a_count(visitor):
    closing_in(30, title="Later")
    closing_in(10, title="Sooner")
    closing_in(60, title="Latest")
    response = visitor.get(SEARCH)
    assert titles_in(response) == ["Sooner", "Later", "Latest"]
    assert re.search(r">\s*3 opportunities\s*</h2>", response.text)


def test_one_result_is_counted_in_the_singular(visitor):
    OpportunityFactory()
    assert re.search(r">\s*1 opportunity\s*</h2>", visitor.get(SEARCH).text)


def test_only_open_opportunities_are_listed_when_no_status_is_asked_for(visitor):
    OpportunityFactory(title="Open")
    closed(title="Closed")
    OpportunityFactory(title="Awarded", awarded_at=timezone.now())
    OpportunityFactory(title="Cancelled", cancelled_at=timezone.now())
    OpportunityFactory(title="Draft", published_at=None)
    assert titles_in(visitor.get(SEARCH)) == ["Open"]
    assert titles_in(visitor.get(SEARCH, {"status": ""})) == ["Open"]


@pytest.mark.parametrize("status", ["open", "closed", "awarded", "cancelled"])
def test_each_status_can_be_chosen(visitor, status):
    OpportunityFactory(title="open")
    closed(title="closed")
    OpportunityFactory(title="awarded", awarded_at=timezone.now())
    OpportunityFactory(title="cancelled", cancelled_at=timezone.now())
    assert titles_in(visitor.get(SEARCH, {"status": status})) == [status]


@pytest.mark.parametrize("params", [{}, {"status": "draft"}, {"q": "secret"}, {"status": "open"}])
def test_drafts_never_appear_even_to_their_publisher(commissioner, params):
    OpportunityFactory(title="Secret draft", publisher=commissioner.organisation, published_at=None)
    assert titles_in(commissioner.get(SEARCH, params)) == []


# --- Words -----------------------------------------------------------------------


def test_words_match_the_title_summary_or_description(visitor):
    OpportunityFactory(title="Youth club in Aston")
    OpportunityFactory(title="Advice service", summary="Advice for young people at a youth club")
    OpportunityFactory(title="Meals", description="Hot meals served at the youth club")
    OpportunityFactory(title="Gardening")
    response = visitor.get(SEARCH, {"q": "youth"})
    assert sorted(titles_in(response)) == ["Advice service", "Meals", "Youth club in Aston"]
    assert 'value="youth"' in response.text


def test_every_word_must_match(visitor):
    OpportunityFactory(title="Youth club in Aston")
    OpportunityFactory(title="Youth advice in Erdington")
    assert titles_in(visitor.get(SEARCH, {"q": "youth aston"})) == ["Youth club in Aston"]


def test_a_title_match_ranks_above_a_description_only_match(visitor):
    # Closing order would put the description match first; relevance must not.
    closing_in(10, title="Community transport", description="Buses for a lunch club.")
    closing_in(40, title="Lunch club for older people", description="Meals.")
    closing_in(20, title="Befriending", summary="Visits and a lunch club.")
    response = visitor.get(SEARCH, {"q": "lunch"})
    assert titles_in(response) == [
        "Lunch club for older people",
        "Befriending",
        "Community transport",
    ]
    assert '<option value="relevance">Most relevant</option>' in response.text


@pytest.mark.postgres
def test_postgres_search_understands_english_and_web_search_syntax(visitor):
    OpportunityFactory(title="Gardening for wellbeing")
    OpportunityFactory(title="Food bank", summary="Emergency food parcels for families")
    OpportunityFactory(title="Family support", summary="Help at home for families")
    assert titles_in(visitor.get(SEARCH, {"q": "gardens"})) == ["Gardening for wellbeing"]
    assert titles_in(visitor.get(SEARCH, {"q": "families -food"})) == ["Family support"]
    assert titles_in(visitor.get(SEARCH, {"q": '"food parcels"'})) == ["Food bank"]
    assert titles_in(visitor.get(SEARCH, {"q": "gardening or bank", "sort": "closing"})) == [
        "Gardening for wellbeing",
        "Food bank",
    ]


@pytest.mark.postgres
def test_postgres_ranks_title_then_summary_then_description(visitor):
    closing_in(10, title="Meals", description="A wellbeing cafe.")
    closing_in(20, title="Meals at home", summary="Good for wellbeing.")
    closing_in(30, title="Wellbeing cafe", summary="Meals.")
    assert titles_in(visitor.get(SEARCH, {"q": "wellbeing"})) == [
        "Wellbeing cafe",
        "Meals at home",
        "Meals",
    ]


def _lunch_clubs_published_over_ten_years():
    """The best match published ten years ago; five weaker ones published since."""
    closing_in(50, title="Lunch club", summary="A lunch club.", published_at=in_days(-3650))
    for n in range(5):
        closing_in(
            10 + n, title=f"Service {n}", description="Has a lunch club.", published_at=in_days(-n)
        )


def test_relevance_ranks_every_match_of_a_search_a_list_can_hold(visitor):
    _lunch_clubs_published_over_ten_years()
    titles = titles_in(visitor.get(SEARCH, {"q": "lunch"}))
    assert titles[0] == "Lunch club"
    assert len(titles) == 6


def test_relevance_ranks_the_newest_matches_when_there_are_more_than_a_list_holds(
    visitor, monkeypatch
):
    # Ranking reads every ranked match's search document: a common word over
    # years of notices would rank tens of thousands. Past the list's limit (3
    # here, 1,000 in service) the newest 3 matches are ranked.
    monkeypatch.setattr("portal.pagination.LIMIT", 3)
    _lunch_clubs_published_over_ten_years()
    response = visitor.get(SEARCH, {"q": "lunch"})
    assert "Lunch club" not in titles_in(response)
    assert len(titles_in(response)) == 3
    assert "More than 3 opportunities" in response.text
    assert "Only the 3 most recently published opportunities that match are listed" in (
        response.text
    )
    # The other sorts have indexes and order every match.
    by_closing = titles_in(visitor.get(SEARCH, {"q": "lunch", "sort": "closing"}))
    assert by_closing == ["Service 0", "Service 1", "Service 2"]
    by_value_then_closing = visitor.get(SEARCH, {"q": "lunch", "sort": "value"})
    assert "Only the first 3 opportunities are listed" in by_value_then_closing.text


def test_the_search_says_what_it_is_for_and_each_part_can_be_removed(visitor):
    WardFactory(name="Ladywood", slug="ladywood")
    ServiceCategoryFactory(name="Advice", slug="advice")
    ServiceCategoryFactory(name="Food", slug="food")
    text = visitor.get(
        SEARCH,
        {
            "q": "lunch",
            "category": ["advice", "food"],
            "ward": "ladywood",
            "status": "closed",
            "closing": "not-a-choice",
            "sort": "newest",
            "page": "2",
        },
    ).text
    summary = text.split('id="applied-filters"')[1].split("</ul>")[0]
    parts = re.findall(r"<li>([^:]+): <strong>([^<]+)</strong> <a[^>]+href=\"([^\"]+)\"", summary)
    assert [(label, value) for label, value, _ in parts] == [
        ("Search by keyword", "“lunch”"),
        ("Category", "Advice"),
        ("Category", "Food"),
        ("Ward", "Ladywood"),
        ("Status", "Closed"),
    ]
    removes = {value: href.replace("&amp;", "&") for _, value, href in parts}
    # Each link keeps every other part (and the sort), and starts at page 1.
    assert removes["Advice"] == (
        "/opportunities/?q=lunch&category=food&ward=ladywood&status=closed"
        "&closing=not-a-choice&sort=newest"
    )
    assert removes["“lunch”"].startswith("/opportunities/?category=advice&category=food")
    assert "Clear all filters" in text


def test_an_unfiltered_search_lists_nothing_it_searches_for(visitor):
    assert 'id="applied-filters"' not in visitor.get(SEARCH).text
    assert 'id="applied-filters"' not in visitor.get(SEARCH, {"status": "open"}).text


def test_any_status_lists_every_published_opportunity_and_never_a_draft(visitor):
    closing_in(10, title="Open one")
    closed(title="Closed one")
    closed(title="Awarded one", awarded_at=in_days(-1))
    closed(title="Cancelled one", cancelled_at=in_days(-2))
    closing_in(10, title="A draft", published_at=None)
    titles = titles_in(visitor.get(SEARCH, {"status": "any", "sort": "newest"}))
    assert sorted(titles) == ["Awarded one", "Cancelled one", "Closed one", "Open one"]
    assert '<option value="any">Any status</option>' in visitor.get(SEARCH).text


def test_filters_can_be_applied_before_the_long_lists_of_checkboxes(visitor):
    ServiceCategoryFactory(name="Advice", slug="advice")
    form = visitor.get(SEARCH).text.split('id="search-form"')[1].split("</form>")[0]
    first_apply = form.index(">Apply filters</button>")
    assert first_apply < form.index('name="category"')
    assert form.count(">Apply filters</button>") == 2


# --- Filters ---------------------------------------------------------------------


def test_category_filter_keeps_opportunities_in_any_ticked_category(visitor):
    advice = ServiceCategoryFactory(name="Advice", slug="advice")
    food = ServiceCategoryFactory(name="Food", slug="food")
    OpportunityFactory(title="Debt advice", category=advice)
    OpportunityFactory(title="Food bank", category=food)
    OpportunityFactory(title="Sport", category=ServiceCategoryFactory(slug="sport"))
    assert titles_in(visitor.get(SEARCH, {"category": "advice"})) == ["Debt advice"]
    response = visitor.get(SEARCH, {"category": ["advice", "food"]})
    assert sorted(titles_in(response)) == ["Debt advice", "Food bank"]
    assert 'value="advice" checked' in response.text


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ("under-10k", ["£9,999"]),
        ("10k-30k", ["£10,000", "£29,999"]),
        ("30k-100k", ["£30,000"]),
        ("100k-500k", ["£100,000"]),
        ("over-500k", ["£500,000", "£2,000,000"]),
    ],
)
def test_value_bands_go_by_the_top_of_the_estimate(visitor, band, expected):
    for value in [9_999, 10_000, 29_999, 30_000, 100_000, 500_000, 2_000_000]:
        OpportunityFactory(
            title=f"£{value:,}", value_low=Decimal(min(value, 5000)), value_high=Decimal(value)
        )
    assert titles_in(visitor.get(SEARCH, {"value": band, "sort": "value"}))[::-1] == expected


def test_several_value_bands_combine(visitor):
    OpportunityFactory(title="Small", value_low=1000, value_high=5000)
    OpportunityFactory(title="Medium", value_low=40_000, value_high=60_000)
    OpportunityFactory(title="Large", value_low=600_000, value_high=900_000)
    response = visitor.get(SEARCH, {"value": ["under-10k", "over-500k"], "sort": "value"})
    assert titles_in(response) == ["Large", "Small"]


def test_ward_filter_matches_opportunities_in_the_ward_or_citywide(visitor):
    ladywood, aston = WardFactory(name="Ladywood", slug="ladywood"), WardFactory(slug="aston")
    OpportunityFactory(title="In Ladywood", citywide=False).wards.set([ladywood, aston])
    OpportunityFactory(title="Citywide", citywide=True)
    OpportunityFactory(title="In Aston", citywide=False).wards.set([aston])
    OpportunityFactory(title="Nowhere in particular", citywide=False)
    response = visitor.get(SEARCH, {"ward": "ladywood"})
    assert sorted(titles_in(response)) == ["Citywide", "In Ladywood"]
    assert '<option value="ladywood" selected>Ladywood</option>' in response.text


@pytest.mark.parametrize(("days", "expected"), [("7", 1), ("14", 2), ("28", 3)])
def test_closing_within_keeps_open_opportunities_closing_in_that_many_days(visitor, days, expected):
    closing_in(5, title="5 days")
    closing_in(13, title="13 days")
    closing_in(27, title="27 days")
    closing_in(40, title="40 days")
    closed(title="Closed yesterday")
    assert len(titles_in(visitor.get(SEARCH, {"closing": days}))) == expected
    # Closing soon means still open, whatever status is asked for.
    assert titles_in(visitor.get(SEARCH, {"closing": days, "status": "closed"})) == []


def test_suitable_for_small_organisations_filter(visitor):
    OpportunityFactory(title="Small", suitable_for_small=True)
    OpportunityFactory(title="Large")
    assert titles_in(visitor.get(SEARCH, {"small": "on"})) == ["Small"]
    assert sorted(titles_in(visitor.get(SEARCH))) == ["Large", "Small"]


def test_publisher_filter_lists_only_bodies_that_have_published(visitor):
    council = PublisherFactory(name="The Council", slug="the-council")
    nhs = PublisherFactory(name="NHS Trust", slug="nhs-trust")
    PublisherFactory(name="Quiet Body", slug="quiet-body")
    OpportunityFactory(title="From the council", publisher=council)
    OpportunityFactory(title="From the NHS", publisher=nhs)
    response = visitor.get(SEARCH, {"publisher": "nhs-trust"})
    assert titles_in(response) == ["From the NHS"]
    assert '<option value="the-council">The Council</option>' in response.text
    assert "Quiet Body" not in response.text


def test_filters_combine(visitor):
    advice = ServiceCategoryFactory(slug="advice")
    ward = WardFactory(slug="handsworth")
    council = PublisherFactory(slug="council")
    match = {
        "category": advice,
        "publisher": council,
        "suitable_for_small": True,
        "value_low": 20_000,
        "value_high": 25_000,
    }
    closing_in(5, title="Match", **match)
    closing_in(5, title="Too big", **match | {"value_high": 90_000})
    closing_in(5, title="Not small", **match | {"suitable_for_small": False})
    closing_in(20, title="Closes later", **match)
    closing_in(5, title="Other category", **match | {"category": ServiceCategoryFactory()})
    closing_in(5, title="Other ward", **match | {"citywide": False})
    params = {
        "q": "match",
        "category": "advice",
        "value": "10k-30k",
        "ward": ward.slug,
        "closing": "7",
        "small": "on",
        "publisher": "council",
        "status": "open",
    }
    response = visitor.get(SEARCH, params)
    assert titles_in(response) == ["Match"]
    params["q"] = ""
    assert len(titles_in(visitor.get(SEARCH, params))) == 1


# --- Sorting -----------------------------------------------------------------------


def test_sort_orders(visitor):
    closing_in(20, title="Newest", published_at=in_days(-1), value_low=1, value_high=1000)
    closing_in(10, title="Richest", published_at=in_days(-3), value_low=1, value_high=900_000)
    closing_in(30, title="Oldest", published_at=in_days(-9), value_low=1, value_high=50_000)
    assert titles_in(visitor.get(SEARCH)) == ["Richest", "Newest", "Oldest"]
    assert titles_in(visitor.get(SEARCH, {"sort": "closing"})) == ["Richest", "Newest", "Oldest"]
    assert titles_in(visitor.get(SEARCH, {"sort": "newest"})) == ["Newest", "Richest", "Oldest"]
    assert titles_in(visitor.get(SEARCH, {"sort": "value"})) == ["Richest", "Oldest", "Newest"]
    # Relevance needs words: without them it is closing soonest, and not offered.
    response = visitor.get(SEARCH, {"sort": "relevance"})
    assert titles_in(response) == ["Richest", "Newest", "Oldest"]
    assert "Most relevant" not in response.text


def test_a_search_can_be_sorted_another_way(visitor):
    closing_in(10, title="Lunch club", published_at=in_days(-5))
    closing_in(20, title="Transport", description="To the lunch club", published_at=in_days(-1))
    assert titles_in(visitor.get(SEARCH, {"q": "lunch"})) == ["Lunch club", "Transport"]
    response = visitor.get(SEARCH, {"q": "lunch", "sort": "newest"})
    assert titles_in(response) == ["Transport", "Lunch club"]
    assert '<option value="newest" selected>Newest</option>' in response.text


# --- Pages -------------------------------------------------------------------------


def test_pages_of_twenty_keep_the_search_and_filters_in_their_links(visitor):
    publisher, category = PublisherFactory(), ServiceCategoryFactory(slug="advice")
    for n in range(45):
        closing_in(n + 1, title=f"Advice {n:02d}", publisher=publisher, category=category)
    closing_in(1, title="Advice elsewhere", publisher=publisher)
    params = {"q": "advice", "category": "advice", "sort": "closing"}
    response = visitor.get(SEARCH, params)
    assert "45 opportunities" in response.text
    assert "Showing 1 to 20 of 45" in response.text
    assert len(titles_in(response)) == 20
    next_link = re.search(r'href="([^"]+)" rel="next"', response.text)[1].replace("&amp;", "&")
    assert next_link == "?q=advice&category=advice&sort=closing&page=2"
    assert titles_in(visitor.get(SEARCH + next_link))[0] == "Advice 20"
    last = visitor.get(SEARCH, params | {"page": "3"})
    assert titles_in(last) == [f"Advice {n}" for n in range(40, 45)]
    assert 'rel="next"' not in last.text


def test_a_page_past_the_end_shows_the_last_page(visitor):
    for n in range(25):
        closing_in(n + 1, title=f"Opportunity {n:02d}")
    assert titles_in(visitor.get(SEARCH, {"page": "9"})) == [
        f"Opportunity {n}" for n in range(20, 25)
    ]


def test_one_page_has_no_pagination_and_no_results_says_so(visitor):
    OpportunityFactory(title="Chess club")
    assert "govuk-pagination" not in visitor.get(SEARCH).text
    response = visitor.get(SEARCH, {"q": "rowing"})
    assert "0 opportunities" in response.text
    assert "No opportunities match your search" in response.text
    assert 'href="/opportunities/">Clear filters' in response.text


# --- What a result shows -----------------------------------------------------------


def test_a_result_shows_its_publisher_value_deadline_and_category(visitor):
    opportunity = OpportunityFactory(
        title="Carers support",
        publisher=PublisherFactory(name="Birmingham City Council"),
        category=ServiceCategoryFactory(name="Carers"),
        value_low=Decimal("50000"),
        value_high=Decimal("75000.50"),
        # Summer: 11:00 UTC is midday in the UK.
        clarification_deadline=datetime.datetime(2040, 6, 1, tzinfo=datetime.UTC),
        submission_deadline=datetime.datetime(2040, 7, 2, 11, 0, tzinfo=datetime.UTC),
    )
    text = visitor.get(SEARCH).text
    assert f'href="/opportunities/{opportunity.reference}/">Carers support</a>' in text
    assert "Birmingham City Council" in text
    assert "£50,000 to £75,000.50, excluding VAT" in text
    assert "midday on Monday 2 July 2040 (UK time)" in text
    assert "Carers" in text


def test_a_single_value_including_vat_and_a_winter_deadline(visitor):
    OpportunityFactory(
        value_low=Decimal("12000"),
        value_high=Decimal("12000"),
        value_includes_vat=True,
        clarification_deadline=datetime.datetime(2040, 1, 1, tzinfo=datetime.UTC),
        submission_deadline=datetime.datetime(2040, 12, 3, 17, 30, tzinfo=datetime.UTC),
    )
    text = visitor.get(SEARCH).text
    assert "£12,000, including VAT" in text
    assert "5:30pm on Monday 3 December 2040 (UK time)" in text


def result_for(response, title):
    """The HTML of the one result with ``title``, up to the next result."""
    (result,) = [
        chunk
        for chunk in response.text.split('<h3 class="govuk-heading-m')[1:]
        if f">{title}</a></h3>" in chunk
    ]
    return result


def tags_in(result):
    return re.findall(r'<strong class="govuk-tag[^"]*">([^<]+)</strong>', result)


def test_results_are_tagged_closing_soon_new_and_suitable_for_small_organisations(visitor):
    closing_in(3, title="Closing and new", suitable_for_small=True)
    closing_in(30, title="Old", published_at=in_days(-8))
    closing_in(8, title="Closing in 8 days", published_at=in_days(-7, minutes=-1))
    response = visitor.get(SEARCH)
    assert tags_in(result_for(response, "Closing and new")) == [
        "Closing soon",
        "New",
        "Suitable for small organisations",
    ]
    assert tags_in(result_for(response, "Old")) == []
    assert tags_in(result_for(response, "Closing in 8 days")) == []


def test_a_closed_result_is_tagged_closed_and_never_closing_soon(visitor):
    closed(title="Gone")
    response = visitor.get(SEARCH, {"status": "closed"})
    assert tags_in(result_for(response, "Gone")) == ["Closed"]


# --- Bad input never fails ----------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"category": ["advice", "no-such-thing"]},
        {"value": "a-million"},
        {"ward": "nonsense"},
        {"closing": "365"},
        {"closing": "-7"},
        {"publisher": "nobody"},
        {"status": "draft"},
        {"status": "OPEN"},
        {"sort": "price"},
        {"small": "maybe"},
        {"q": "x" * 10_000},
        {"q": "lunch\x00club"},
        {"q": "\x00"},
        {"ward": "\x00", "category": "\x00", "publisher": "a\x00b", "\x00": "\x00"},
        {"q": "🍲 lunch 🧓🏽 club"},
        {"q": "'; DROP TABLE opportunities_opportunity; --"},
        {"q": "%_\\'\"&|!:*()<>"},
        {"q": '"unbalanced -" or or -- !!'},
        {"q": "the and of"},
        {"q": "   "},
        {"q": "é" * 300},
        {"q": ["lunch", "club"]},
    ],
)
def test_bad_parameters_never_fail(visitor, params):
    ServiceCategoryFactory(slug="advice")
    for n in range(25):
        closing_in(n + 1, title=f"Lunch club {n:02d}")
    response = visitor.get(SEARCH, params)
    assert response.status_code == 200
    assert Opportunity.objects.count() == 25


def test_undecodable_query_strings_still_show_a_page(visitor):
    OpportunityFactory()
    response = visitor.get(SEARCH + "?q=%FF%FE%00lunch&ward=%C3%28")
    assert response.status_code == 200


def test_a_long_search_is_cut_to_200_characters(visitor):
    response = visitor.get(SEARCH, {"q": "lunch " * 1000})
    assert response.status_code == 200
    shown = re.search(r'name="q" type="search" value="([^"]*)"', response.text)[1]
    assert 0 < len(shown) <= 200


def test_unknown_values_are_reported_and_left_out(visitor):
    OpportunityFactory(title="Anyone")
    response = visitor.get(
        SEARCH, {"ward": "nonsense", "value": "huge", "status": "draft", "sort": "price"}
    )
    assert titles_in(response) == ["Anyone"]
    assert "There is a problem" in response.text
    assert "These filters were left out of the results" in response.text
    for message in [
        "Select a ward from the list",
        "Select values from the list",
        "Select a status from the list",
        "Select a sort order from the list",
    ]:
        assert message in response.text
    assert 'href="#id_value_0"' in response.text
    assert 'href="#id_ward"' in response.text
    assert "<title>Error: " in response.text


def test_the_search_form_is_a_get_form_with_govuk_fields_and_open_first(visitor):
    ServiceCategoryFactory(name="Advice", slug="advice")
    text = visitor.get(SEARCH).text
    assert '<form method="get" action="/opportunities/" id="search-form"' in text
    assert re.search(r'<select[^>]+name="status">\s*<option value="open">Open</option>', text)
    assert '<option value="draft"' not in text
    assert ">Apply filters</button>" in text
    assert 'href="/opportunities/feed/"' in text
    assert "Clear filters" not in text


def test_opportunities_are_in_the_navigation(visitor):
    text = visitor.get(SEARCH).text
    assert re.search(
        r'href="/opportunities/" aria-current="page">\s*<strong[^>]*>Opportunities', text
    )


# --- The query itself ---------------------------------------------------------------


def test_search_opportunities_takes_a_plain_dict_and_a_moment(db):
    closing_in(5, title="Open then")
    filterset, opportunities = search_opportunities({"q": "open"}, now=in_days(10))
    assert list(opportunities) == []
    filterset, opportunities = search_opportunities(QueryDict("status=closed"), now=in_days(10))
    assert [o.title for o in opportunities] == ["Open then"]
    assert filterset.form.is_valid()


def _search_data(count):
    publisher = PublisherFactory(slug="council")
    categories = [ServiceCategoryFactory(slug=f"service-{n}") for n in range(3)]
    wards = [WardFactory(slug=f"ward-{n}") for n in range(3)]
    for n in range(count):
        opportunity = closing_in(
            n + 1,
            title=f"Lunch club {n}",
            publisher=publisher,
            category=categories[n % 3],
            citywide=n % 2 == 0,
        )
        opportunity.wards.set(wards)


# Session and user (a signed-in member), their roles (councillor, memberships,
# scrutiny recommendations they answer for), the form's categories, wards and
# publishers, checking the category, ward and publisher asked for, the count and
# the page: 13, however many there are.
SEARCH_QUERIES = 13


@pytest.mark.parametrize("count", [5, 40])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {
            "q": "lunch club",
            "category": ["service-1", "service-2"],
            "ward": "ward-1",
            "publisher": "council",
            "value": ["10k-30k", "30k-100k"],
            "closing": "28",
            "small": "",
            "sort": "relevance",
            "page": "2",
        },
    ],
)
def test_the_search_runs_a_fixed_number_of_queries(
    member, django_assert_max_num_queries, count, params
):
    _search_data(count)
    # Which organisations have published is kept for a minute
    # (opportunities.listings): a visitor before this one found it, with one
    # more query.
    member.get(SEARCH)
    with django_assert_max_num_queries(SEARCH_QUERIES):
        response = member.get(SEARCH, params)
    assert response.status_code == 200


# --- PostgreSQL's index ---------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index(db):
    publisher, category = PublisherFactory(), ServiceCategoryFactory()
    template = OpportunityFactory.build(publisher=publisher, category=category)
    fields = [field for field in Opportunity._meta.concrete_fields if not field.primary_key]
    words = ["garden", "meals", "advice", "transport", "youth", "carers", "housing", "sport"]
    Opportunity.objects.bulk_create(
        Opportunity(
            **{field.attname: getattr(template, field.attname) for field in fields}
            | {
                "reference": f"BULK-{n:05d}",
                "title": f"{words[n % 8]} service {n}"
                + (" in the orchard" if n % 1000 == 0 else ""),
                "summary": f"Support with {words[(n + 3) % 8]}",
                "description": f"A long description mentioning {words[(n + 5) % 8]}. " * 5,
            }
        )
        for n in range(3000)
    )
    _, opportunities = search_opportunities({"q": "orchards"})
    assert len(opportunities) == 3
    sql, params = opportunities.query.sql_with_params()
    with connection.cursor() as cursor:
        # Fresh statistics, so the planner knows the table is no longer empty.
        # With them it picks the index for a word in 3 rows of 3,000 by itself:
        # no `SET enable_seqscan = off` is needed. The plan names the index only
        # if the query reads the stored column migration 0006 indexes.
        cursor.execute("ANALYZE opportunities_opportunity")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {SEARCH_INDEX}" in plan, plan
    # Ranking reads the stored vector; it never rebuilds one from the text.
    assert "to_tsvector" not in plan, plan


def test_the_search_page_offers_alerts_for_exactly_this_search(visitor, client):
    response = visitor.get("/opportunities/", {"q": "advice", "small": "on"})
    assert 'href="/opportunities/alerts/save/?q=advice&amp;small=on"' in response.text
    assert "Your saved searches" not in response.text
    signed_in = UserFactory()
    client.force_login(signed_in)
    assert "Your saved searches" in client.get("/opportunities/").text
