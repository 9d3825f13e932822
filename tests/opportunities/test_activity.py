"""An organisation member's page of what their organisations do on opportunities."""

from datetime import timedelta

import pytest
from django.utils import timezone

from opportunities import actions
from opportunities.models import Follow, PartnerContact, PartnerListing, Question
from tests.factories import MembershipFactory, OpportunityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ACTIVITY = "/opportunities/activity/"


def test_a_member_sees_what_their_organisation_follows_asked_and_listed(organisation_admin):
    ours = organisation_admin.organisation
    followed = OpportunityFactory(title="Carers’ breaks")
    asked = OpportunityFactory(title="Lunch clubs")
    listed = OpportunityFactory(title="Youth work")
    Follow.objects.create(opportunity=followed, organisation=ours)
    Question.objects.create(opportunity=asked, organisation=ours, text="Can we bid jointly?")
    Question.objects.create(
        opportunity=asked,
        organisation=ours,
        text="Is TUPE likely?",
        answer="No.",
        answered_at=timezone.now(),
    )
    listing = PartnerListing.objects.create(
        opportunity=listed, organisation=ours, role="lead", message="Looking for partners."
    )
    PartnerContact.objects.create(listing=listing, organisation=OrganisationFactory(), message="Hi")
    actions.save_search(
        user=organisation_admin.user, name="Youth", query_string="q=youth", frequency="daily"
    )
    # Another organisation's activity is not ours.
    Follow.objects.create(
        opportunity=OpportunityFactory(title="Not ours"), organisation=OrganisationFactory()
    )

    text = organisation_admin.get(ACTIVITY).text
    assert "Carers’ breaks" in text and "Bids close at" in text
    assert "“Can we bid jointly?”" in text and "Waiting for an answer" in text
    assert "“Is TUPE likely?”" in text and "Answered" in text
    assert f'href="/opportunities/{asked.reference}/questions/"' in text
    assert f'href="/opportunities/{listed.reference}/partners/"' in text
    assert "1 organisation has written to you through it." in text
    assert "You get alerts for 1 saved search." in text
    assert "Not ours" not in text


def test_a_member_of_two_organisations_sees_which_each_entry_is_for(organisation_admin):
    second = MembershipFactory(user=organisation_admin.user).organisation
    Follow.objects.create(opportunity=OpportunityFactory(), organisation=second)
    text = organisation_admin.get(ACTIVITY).text
    assert f"Followed by {second.name}" in text


def test_nothing_yet_says_how_to_start(organisation_admin):
    text = organisation_admin.get(ACTIVITY).text
    assert "You follow no opportunities." in text
    assert "You have asked no questions." in text
    assert "You are not on any partner board." in text


def test_someone_with_no_organisation_is_told_to_register_one(member):
    assert "Register your organisation" in member.get(ACTIVITY).text


def test_visitors_sign_in_first(visitor):
    assert visitor.get(ACTIVITY)["Location"].startswith("/accounts/login/")


def test_the_home_page_links_members_to_their_activity(organisation_admin):
    assert 'href="/opportunities/activity/"' in organisation_admin.get("/").text


def test_a_closed_followed_opportunity_shows_its_status(organisation_admin):
    now = timezone.now()
    closed = OpportunityFactory(
        title="Closed one",
        published_at=now - timedelta(days=100),
        clarification_deadline=now - timedelta(days=10),
        submission_deadline=now - timedelta(days=3),
    )
    Follow.objects.create(opportunity=closed, organisation=organisation_admin.organisation)
    assert ">Closed</strong>" in organisation_admin.get(ACTIVITY).text


@pytest.mark.parametrize("follows", [1, 12])
def test_the_page_runs_a_fixed_number_of_queries(
    organisation_admin, django_assert_max_num_queries, follows
):
    for _ in range(follows):
        opportunity = OpportunityFactory()
        Follow.objects.create(opportunity=opportunity, organisation=organisation_admin.organisation)
        Question.objects.create(
            opportunity=opportunity, organisation=organisation_admin.organisation, text="Why?"
        )
    with django_assert_max_num_queries(12):
        assert organisation_admin.get(ACTIVITY).status_code == 200
