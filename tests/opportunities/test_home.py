import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    MembershipFactory,
    OpportunityFactory,
    OrganisationFactory,
    PublisherFactory,
    ServiceCategoryFactory,
)

pytestmark = pytest.mark.django_db


def opportunity(title, *, closes_in, published_days_ago=0, **fields):
    now = timezone.now()
    return OpportunityFactory(
        title=title,
        published_at=now - timedelta(days=published_days_ago),
        clarification_deadline=now + timedelta(days=closes_in - 1),
        submission_deadline=now + timedelta(days=closes_in),
        **fields,
    )


def listed_under(response, heading):
    """The opportunity titles linked in the list under ``heading`` on the home page."""
    assert response.status_code == 200
    section = response.text.split(f'<h2 class="govuk-heading-m">{heading}</h2>')[1]
    section = section.split("</ul>")[0]
    return re.findall(r'href="/opportunities/[^"/]+/">([^<]+)</a>', section)


def test_everyone_gets_a_search_box_for_opportunities(visitor):
    text = visitor.get("/").text
    assert '<form method="get" action="/opportunities/" role="search"' in text
    assert 'name="q" type="search"' in text


def test_the_home_page_counts_open_opportunities_and_registered_organisations(visitor):
    opportunity("Open", closes_in=10)
    opportunity("Also open", closes_in=20)
    OpportunityFactory(title="Draft", published_at=None)
    OpportunityFactory(title="Cancelled", cancelled_at=timezone.now())
    OrganisationFactory()
    text = visitor.get("/").text
    # Each opportunity's publisher is an organisation in the registry too.
    assert "<strong>2</strong> open opportunities" in text
    assert "<strong>5</strong> organisations in the registry" in text


def test_one_open_opportunity_is_counted_in_the_singular(visitor):
    opportunity("Open", closes_in=10)
    assert "<strong>1</strong> open opportunity<" in visitor.get("/").text


def test_closing_soon_lists_the_five_open_opportunities_closing_first(visitor):
    for days in [9, 3, 30, 5, 12, 7, 40]:
        opportunity(f"Closes in {days} days", closes_in=days)
    OpportunityFactory(
        title="Already closed",
        clarification_deadline=timezone.now() - timedelta(days=2),
        submission_deadline=timezone.now() - timedelta(days=1),
    )
    assert listed_under(visitor.get("/"), "Closing soon") == [
        f"Closes in {days} days" for days in [3, 5, 7, 9, 12]
    ]


def test_newest_lists_the_five_most_recently_published_open_opportunities(visitor):
    for days in [4, 1, 8, 2, 6, 3]:
        opportunity(f"Published {days} days ago", closes_in=60, published_days_ago=days)
    OpportunityFactory(title="Cancelled today", cancelled_at=timezone.now())
    response = visitor.get("/")
    assert listed_under(response, "Newest") == [
        f"Published {days} days ago" for days in [1, 2, 3, 4, 6]
    ]
    assert 'href="/opportunities/?sort=newest"' in response.text


def test_a_listed_opportunity_shows_its_publisher_and_deadline(visitor):
    listed = opportunity("Carers", closes_in=10, publisher=PublisherFactory(name="The NHS"))
    text = visitor.get("/").text
    assert f'href="/opportunities/{listed.reference}/">Carers</a>' in text
    assert "The NHS. Closes " in text
    assert "(UK time)" in text


def test_with_nothing_open_the_lists_say_so(visitor):
    text = visitor.get("/").text
    assert "No opportunities are open at the moment." in text
    assert "<strong>0</strong> open opportunities" in text


def test_signed_in_users_still_see_their_roles_below(organisation_admin):
    opportunity("Open", closes_in=10)
    text = organisation_admin.get("/").text
    assert text.index("Closing soon") < text.index("Welcome, ")
    assert organisation_admin.organisation.name in text


def _home_data(count):
    publisher, category = PublisherFactory(), ServiceCategoryFactory()
    for n in range(count):
        opportunity(
            f"Opportunity {n}",
            closes_in=n + 1,
            published_days_ago=n % 9,
            publisher=publisher,
            category=category,
        )


# A visitor: the two counts and the two lists. A member of an organisation adds
# the session, the user, their roles (councillor, memberships), memberships,
# whether they answer for scrutiny recommendations (the navigation) and their
# to-do counts (followed opportunities closing, assessments owed, bids to submit).
@pytest.mark.parametrize("count", [5, 40])
@pytest.mark.parametrize(("persona", "queries"), [("visitor", 4), ("member_of_group", 13)])
def test_the_home_page_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, count, persona, queries
):
    _home_data(count)
    if persona == "member_of_group":
        client.force_login(MembershipFactory().user)
    with django_assert_max_num_queries(queries):
        response = client.get("/")
    assert len(listed_under(response, "Closing soon")) == 5


# --- What to do first -------------------------------------------------------------------


def test_a_commissioner_sees_questions_to_answer_and_deadlines_first(commissioner):
    from opportunities import actions
    from opportunities.models import Question

    ours = opportunity("Carers breaks", closes_in=3, publisher=commissioner.organisation)
    opportunity("Later one", closes_in=30, publisher=commissioner.organisation)
    asker = MembershipFactory()
    for text in ("One?", "Two?"):
        Question.objects.create(opportunity=ours, organisation=asker.organisation, text=text)
    text = commissioner.get("/").text
    banner = text.split('id="to-do-title"')[1].split("</ul>")[0]
    assert "2 questions to answer" in banner
    assert "1 of your opportunities closes for bids within a week" in banner
    assert 'href="/opportunities/manage/?show=questions"' in banner
    assert 'href="/opportunities/manage/?show=open"' in banner
    # It comes before everything else on the page.
    assert text.index('id="to-do-title"') < text.index("Search opportunities")
    actions.answer_question(question=Question.objects.first(), by=commissioner.user, answer="Yes.")
    assert "1 question to answer" in commissioner.get("/").text


def test_a_member_sees_followed_opportunities_closing_within_a_week(organisation_admin):
    from opportunities.models import Follow

    soon = opportunity("Closing soon one", closes_in=2)
    later = opportunity("Closing later", closes_in=20)
    for followed in (soon, later):
        Follow.objects.create(opportunity=followed, organisation=organisation_admin.organisation)
    banner = organisation_admin.get("/").text.split('id="to-do-title"')[1].split("</ul>")[0]
    assert "1 opportunity you follow closes for bids within a week" in banner
    assert 'href="/opportunities/activity/"' in banner


def test_nothing_to_do_shows_no_banner(organisation_admin, visitor):
    assert 'id="to-do-title"' not in organisation_admin.get("/").text
    assert 'id="to-do-title"' not in visitor.get("/").text
