"""The pipeline's pages: public search and item pages, commissioners' forms, following."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from commissioning.actions.pipeline import current_quarter
from commissioning.models import PipelineFollow, PipelineItem
from tests.commissioning.factories import PipelineItemFactory
from tests.factories import (
    MembershipFactory,
    OpportunityFactory,
    PublisherFactory,
    ServiceCategoryFactory,
    UserFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db

PIPELINE = "/pipeline/"


def page(client, query=""):
    response = client.get(f"{PIPELINE}{query}")
    assert response.status_code == 200
    return unescape(response.content.decode())


def plan(title, *, wards=(), **fields):
    item = PipelineItemFactory(title=title, **fields)
    item.wards.set(wards)
    return item


# --- The public list ----------------------------------------------------------------------


def test_the_pipeline_is_at_its_stable_url():
    assert reverse("commissioning:pipeline") == PIPELINE


def test_a_visitor_sees_plans_still_to_come_but_not_withdrawn_or_published_ones(visitor):
    plan("Befriending service")
    plan("Withdrawn plan", withdrawn_at=timezone.now(), withdrawal_reason="No budget")
    plan("Published plan", opportunity=OpportunityFactory(title="The live one"))

    html = page(visitor)

    assert "Befriending service" in html
    assert "Withdrawn plan" not in html
    assert "Published plan" not in html
    assert "1 planned procurement" in html


def test_published_plans_say_what_they_were_published_as(visitor):
    opportunity = OpportunityFactory(title="The live one")
    plan("Published plan", opportunity=opportunity)
    plan("Still coming")

    html = page(visitor, "?shows=published")
    assert "Published plan" in html and "Still coming" not in html
    assert "Published as" in html
    assert f'href="/opportunities/{opportunity.reference}/"' in html

    both = page(visitor, "?shows=any")
    assert "Published plan" in both and "Still coming" in both


def test_plans_are_sorted_by_expected_publication(visitor):
    year = timezone.localdate().year + 1
    plan("Later", expected_year=year, expected_quarter=3)
    plan("Sooner", expected_year=year, expected_quarter=1)
    plan("Next year after", expected_year=year + 1, expected_quarter=1)

    html = page(visitor)

    assert html.index("Sooner") < html.index("Later") < html.index("Next year after")


def test_filters_by_ward_including_citywide_plans(visitor):
    aston, ladywood = WardFactory(slug="aston"), WardFactory(slug="ladywood")
    plan("In Aston", wards=[aston], citywide=False)
    plan("In Ladywood", wards=[ladywood], citywide=False)
    plan("Everywhere", citywide=True)

    html = page(visitor, "?ward=aston")

    assert "In Aston" in html and "Everywhere" in html
    assert "In Ladywood" not in html


def test_filters_by_words_category_value_publisher_and_quarter(visitor):
    category = ServiceCategoryFactory(slug="youth")
    publisher = PublisherFactory(slug="housing-trust")
    year = timezone.localdate().year + 1
    plan("Youth club", category=category)
    plan("Big contract", estimated_value=Decimal("600000"))
    plan("Housing trust plan", publisher=publisher)
    plan("Spring plan", expected_year=year, expected_quarter=1)
    plan("Lunch club with volunteers", summary="Hot meals and company")

    assert "Youth club" in page(visitor, "?category=youth")
    assert "Big contract" not in page(visitor, "?category=youth")
    assert "Big contract" in page(visitor, "?value=over-500k")
    assert "Youth club" not in page(visitor, "?value=over-500k")
    assert "Housing trust plan" in page(visitor, "?publisher=housing-trust")
    assert "Youth club" not in page(visitor, "?publisher=housing-trust")
    quarter = page(visitor, f"?quarter={year}-q1")
    assert "Spring plan" in quarter and "Youth club" not in quarter
    words = page(visitor, "?q=hot+MEALS")
    assert "Lunch club with volunteers" in words and "Youth club" not in words


def test_invalid_filters_are_reported_and_left_out(visitor):
    plan("Befriending service")

    html = page(visitor, "?ward=atlantis&value=a-lot&quarter=1999-q9&shows=everything")

    assert "These filters were left out of the results:" in html
    assert "Select a ward from the list" in html
    assert "Select values from the list" in html
    assert "Select a quarter from the list" in html
    assert "Select what to show from the list" in html
    assert "Befriending service" in html


def test_a_nul_character_in_the_search_is_not_an_error(visitor):
    plan("Befriending service")

    assert "Befriending service" in page(visitor, "?q=Befriend%00ing")


def test_the_applied_filters_are_listed_with_links_to_remove_them(visitor):
    WardFactory(slug="aston", name="Aston")

    html = page(visitor, "?ward=aston&citywide=on")

    assert "Searching for" in html
    assert "Ward: <strong>Aston</strong>" in html
    assert "Across the whole city: <strong>Yes</strong>" in html


def test_the_list_is_paged(visitor):
    for n in range(23):
        plan(f"Plan number {n:02d}")

    first, second = page(visitor), page(visitor, "?page=2")

    assert "Plan number 00" in first and "Plan number 20" not in first
    assert "Plan number 20" in second
    assert "Showing 21 to 23 of 23" in second


def test_query_count_does_not_grow_with_the_number_of_plans(visitor, django_assert_max_num_queries):
    def make(count):
        for _ in range(count):
            publisher = PublisherFactory()
            plan("Ward plan", wards=[WardFactory(), WardFactory()], publisher=publisher)
            plan("Published", opportunity=OpportunityFactory(publisher=publisher))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make(2)
    with CaptureQueriesContext(connection) as few:
        page(visitor, "?shows=any")
    make(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page(visitor, "?shows=any")


def test_commissioners_are_offered_to_add_a_plan(commissioner, visitor):
    assert "Add a planned procurement" in page(commissioner)


def test_the_opportunity_search_and_home_page_link_to_the_pipeline(visitor):
    for url in ("/opportunities/", "/"):
        html = visitor.get(url).content.decode()
        assert f'href="{PIPELINE}"' in html


# --- An item's page -----------------------------------------------------------------------


def test_a_visitor_reads_a_plan(visitor):
    item = plan("Befriending service", contact_name="Joanne Pryce")

    response = visitor.get(item.get_absolute_url())

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Befriending service" in html and "Joanne Pryce" in html
    assert item.expected_in_words in html
    assert "Sign in to follow this plan" in html


def test_an_unknown_plan_is_not_found(visitor):
    assert visitor.get("/pipeline/PIP-2026-9999/").status_code == 404


def test_a_withdrawn_plan_says_why(visitor):
    item = plan("Old plan", withdrawn_at=timezone.now(), withdrawal_reason="Folded into review")

    html = unescape(visitor.get(item.get_absolute_url()).content.decode())

    assert "This plan was withdrawn on" in html and "Folded into review" in html


def test_a_published_plan_links_to_its_opportunity(visitor):
    opportunity = OpportunityFactory()
    item = plan("Published plan", opportunity=opportunity)

    html = visitor.get(item.get_absolute_url()).content.decode()

    assert f'href="/opportunities/{opportunity.reference}/"' in html


def test_the_opportunity_page_links_back_to_its_plan(visitor):
    opportunity = OpportunityFactory()
    item = plan("Published plan", opportunity=opportunity)

    html = visitor.get(f"/opportunities/{opportunity.reference}/").content.decode()

    assert f'href="{item.get_absolute_url()}"' in html
    plain = OpportunityFactory()
    assert (
        "on the pipeline as"
        not in visitor.get(f"/opportunities/{plain.reference}/").content.decode()
    )


# --- Commissioners: add, change, withdraw, link -------------------------------------------


def form_data(**changes):
    year, quarter = current_quarter()
    data = {
        "title": "Youth work in Aston",
        "summary": "Evening youth work.",
        "category": ServiceCategoryFactory().pk,
        "estimated_value": "£180,000",
        "expected_year": str(year + 1),
        "expected_quarter": "2",
        "citywide": "on",
        "contact_name": "Joanne Pryce",
        "contact_email": "joanne@example.org",
    }
    data.update(changes)
    return data


def test_a_commissioner_adds_a_plan(commissioner):
    response = commissioner.post("/pipeline/add/", form_data())

    item = PipelineItem.objects.get()
    assert response.status_code == 302 and response.url == item.get_absolute_url()
    assert item.publisher == commissioner.organisation
    assert item.estimated_value == Decimal("180000")
    assert item.reference.startswith(f"PIP-{timezone.localdate().year}-")


def test_bad_input_is_refused_with_messages_and_nothing_typed_is_lost(commissioner):
    response = commissioner.post(
        "/pipeline/add/",
        form_data(citywide="", estimated_value="lots", contact_email="not-an-email"),
    )

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter an amount in pounds, like £75,000" in html
    assert "Enter an email address in the correct format" in html
    assert 'value="Youth work in Aston"' in html and 'value="lots"' in html
    assert not PipelineItem.objects.exists()


def test_a_plan_without_wards_or_the_city_is_refused(commissioner):
    response = commissioner.post("/pipeline/add/", form_data(citywide=""))

    assert "Choose the wards it covers, or say it covers the whole city" in unescape(
        response.content.decode()
    )
    assert not PipelineItem.objects.exists()


@pytest.mark.parametrize("persona", ["visitor", "member", "other_member"])
def test_only_commissioners_may_add(persona, request):
    client = request.getfixturevalue(persona)

    response = client.get("/pipeline/add/")

    assert response.status_code == (302 if persona == "visitor" else 404)


def test_a_commissioner_changes_their_plan(commissioner):
    item = plan("Old title", publisher=commissioner.organisation)

    response = commissioner.post(f"{item.get_absolute_url()}edit/", form_data(title="New title"))

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "New title"


def test_a_commissioner_withdraws_their_plan(commissioner):
    item = plan("Plan", publisher=commissioner.organisation)

    response = commissioner.post(f"{item.get_absolute_url()}withdraw/", {"reason": "No budget"})

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.withdrawal_reason == "No budget"
    assert "Plan" not in page(commissioner).split("planned procurement")[-1]


def test_a_commissioner_links_their_plan_to_their_opportunity(commissioner):
    item = plan("Plan", publisher=commissioner.organisation)
    opportunity = OpportunityFactory(publisher=commissioner.organisation)
    html = commissioner.get(item.get_absolute_url()).content.decode()
    assert opportunity.reference in html  # offered in the select

    response = commissioner.post(
        f"{item.get_absolute_url()}link/", {"opportunity": opportunity.reference}
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.opportunity == opportunity


def test_another_publishers_opportunity_is_not_offered_nor_accepted(commissioner):
    item = plan("Plan", publisher=commissioner.organisation)
    other = OpportunityFactory()

    assert other.reference not in commissioner.get(item.get_absolute_url()).content.decode()
    commissioner.post(f"{item.get_absolute_url()}link/", {"opportunity": other.reference})

    item.refresh_from_db()
    assert item.opportunity is None


@pytest.mark.parametrize("action", ["edit/", "withdraw/"])
@pytest.mark.parametrize("persona", ["member", "other_member", "commissioner"])
def test_outsiders_cannot_manage_a_plan(persona, action, request):
    client = request.getfixturevalue(persona)
    item = plan("Someone else's plan", publisher=PublisherFactory())

    assert client.get(f"{item.get_absolute_url()}{action}").status_code == 404
    assert client.post(f"{item.get_absolute_url()}{action}", form_data()).status_code == 404
    opportunity = OpportunityFactory(publisher=item.publisher)
    response = client.post(
        f"{item.get_absolute_url()}link/", {"opportunity": opportunity.reference}
    )
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.title == "Someone else's plan" and item.withdrawn_at is None
    assert item.opportunity is None


def test_start_an_opportunity_fills_in_the_create_page(commissioner):
    ward = WardFactory()
    item = plan(
        "Youth work in Aston",
        publisher=commissioner.organisation,
        citywide=False,
        wards=[ward],
        estimated_value=Decimal("180000"),
    )
    html = unescape(commissioner.get(item.get_absolute_url()).content.decode())
    start = html.split('href="/opportunities/manage/new/?', 1)[1].split('"', 1)[0]

    form = unescape(commissioner.get(f"/opportunities/manage/new/?{start}").content.decode())

    assert 'value="Youth work in Aston"' in form
    assert 'value="180000.00"' in form
    ticked = [tag for tag in re.findall(r"<input[^>]*>", form) if "checked" in tag]
    assert any(f'value="{ward.pk}"' in tag and 'name="wards"' in tag for tag in ticked)


# --- Following ----------------------------------------------------------------------------


def test_an_organisation_member_follows_and_unfollows(other_member):
    item = plan("Plan")
    url = f"{item.get_absolute_url()}follow/"

    assert "Follow this plan" in other_member.get(item.get_absolute_url()).content.decode()
    other_member.post(url, {"action": "follow"})
    assert PipelineFollow.objects.filter(item=item, organisation=other_member.organisation)
    assert "Stop following" in other_member.get(item.get_absolute_url()).content.decode()

    other_member.post(url, {"action": "unfollow"})
    assert not PipelineFollow.objects.exists()


def test_following_needs_an_organisation(member):
    item = plan("Plan")

    response = member.post(f"{item.get_absolute_url()}follow/", {"action": "follow"})

    assert "You need to belong to an organisation" in unescape(response.content.decode())
    assert not PipelineFollow.objects.exists()


def test_a_visitor_is_asked_to_sign_in_to_follow(visitor):
    item = plan("Plan")

    response = visitor.post(f"{item.get_absolute_url()}follow/", {"action": "follow"})

    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not PipelineFollow.objects.exists()


def test_a_withdrawn_plan_cannot_be_followed(other_member):
    item = plan("Plan", withdrawn_at=timezone.now(), withdrawal_reason="No")

    response = other_member.post(f"{item.get_absolute_url()}follow/", {"action": "follow"})

    assert response.status_code == 404
    assert not PipelineFollow.objects.exists()


def test_a_follow_by_a_user_who_left_the_publisher_is_not_possible(client):
    publisher = PublisherFactory()
    item = plan("Plan", publisher=publisher)
    client.force_login(MembershipFactory(organisation=publisher).user)

    html = client.get(item.get_absolute_url()).content.decode()

    assert "Follow this plan" not in html  # the publisher's own people manage it instead
    assert "Change this plan" in html
    client.force_login(UserFactory())
    assert "Change this plan" not in client.get(item.get_absolute_url()).content.decode()


def _publishers_offered(client):
    select = re.search(r'<select[^>]*name="publisher"[^>]*>(.*?)</select>', page(client), re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def test_the_publisher_filter_offers_a_publisher_from_its_first_plan_until_it_has_none(
    commissioner, visitor, django_capture_on_commit_callbacks
):
    plan("Another publisher's plan")
    name = commissioner.organisation.name
    # The publishers are kept with the public lists; adding or withdrawing a plan drops them.
    assert name not in _publishers_offered(visitor)
    with django_capture_on_commit_callbacks(execute=True):
        commissioner.post("/pipeline/add/", form_data())
    assert name in _publishers_offered(visitor)
    item = PipelineItem.objects.get(publisher=commissioner.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        commissioner.post(f"{item.get_absolute_url()}withdraw/", {"reason": "No budget"})
    assert name not in _publishers_offered(visitor)


def test_each_filter_takes_the_same_number_of_queries_for_3_or_23_plans(visitor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ward = WardFactory(slug="aston")
    publisher = PublisherFactory(slug="housing-trust")
    category = ServiceCategoryFactory(slug="youth")

    def make(count):
        for n in range(count):
            plan(
                f"Youth club {n}",
                wards=[ward, WardFactory()],
                publisher=publisher,
                category=category,
                citywide=False,
            )

    queries = [
        "",
        "?publisher=housing-trust",
        "?ward=aston",
        "?category=youth",
        "?q=youth&ward=aston",
        "?shows=any&page=2",
    ]

    def counts():
        found = {}
        for query in queries:
            with CaptureQueriesContext(connection) as captured:
                page(visitor, query)
            found[query] = len(captured.captured_queries)
        return found

    make(3)
    page(visitor)  # the publishers are kept with the public lists: count them kept
    few = counts()
    make(20)
    assert "23 planned procurements" in page(visitor, "?q=youth&ward=aston")
    assert counts() == few
