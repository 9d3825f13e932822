"""The demo questions, follows and partner board keep the rules real users meet."""

import pytest
from django.utils import timezone

from home import demo
from opportunities.models import (
    CpvCode,
    Follow,
    PartnerContact,
    PartnerListing,
    PartnerRole,
    Question,
    Status,
)
from organisations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return demo.seed()


def is_member(user, organisation):
    return Membership.objects.filter(user=user, organisation=organisation).exists()


def test_demo_questions_are_asked_by_members_while_questions_are_open(users):
    now = timezone.now()
    questions = list(Question.objects.select_related("opportunity", "organisation"))
    assert len(questions) >= 10
    assert 6 <= len({q.opportunity_id for q in questions}) <= 10
    for question in questions:
        opportunity = question.opportunity
        assert opportunity.status in {Status.OPEN, Status.CLOSED}
        assert opportunity.published_at < question.asked_at < opportunity.clarification_deadline
        assert question.asked_at < now
        assert is_member(question.asked_by, question.organisation)


def test_demo_answers_come_from_the_commissioner_after_the_question(users):
    answered = list(Question.objects.filter(answered_at__isnull=False))
    assert len(answered) >= 8
    for question in answered:
        assert question.answer
        assert question.answered_by == users["commissioner@example.org"]
        assert question.asked_at < question.answered_at < timezone.now()


def test_demo_leaves_questions_on_open_opportunities_for_the_commissioner(users):
    unanswered = list(Question.objects.filter(answered_at__isnull=True))
    assert 1 <= len(unanswered) <= 2
    assert all(q.opportunity.status == Status.OPEN and not q.answer for q in unanswered)


def test_demo_questions_do_not_say_who_asked(users):
    # Answers are published for everyone, so the wording must not give the asker away.
    for question in Question.objects.select_related("organisation"):
        assert question.organisation.name not in question.text + question.answer


def test_demo_organisations_follow_open_opportunities(users):
    follows = list(Follow.objects.select_related("opportunity", "organisation"))
    assert len({f.organisation_id for f in follows}) >= 3
    member_organisation = users["member@example.org"].memberships.get().organisation
    assert any(f.organisation == member_organisation for f in follows)
    for follow in follows:
        assert follow.opportunity.status == Status.OPEN
        assert follow.opportunity.published_at <= follow.created_at <= timezone.now()
        for reminded_at in (follow.reminded_7_days_at, follow.reminded_1_day_at):
            assert reminded_at is None or follow.created_at <= reminded_at <= timezone.now()


def test_demo_partner_board_is_on_open_opportunities_in_every_role(users):
    listings = list(PartnerListing.objects.select_related("opportunity"))
    assert len({x.opportunity_id for x in listings}) >= 5
    assert {x.role for x in listings} == set(PartnerRole.values)
    for listing in listings:
        assert listing.opportunity.status == Status.OPEN
        assert listing.opportunity.published_at < listing.created_at < timezone.now()
        assert is_member(listing.created_by, listing.organisation)


def test_demo_contact_requests_go_between_listed_organisations(users):
    contacts = list(PartnerContact.objects.select_related("listing"))
    assert 1 <= len(contacts) <= 3
    for contact in contacts:
        assert contact.organisation != contact.listing.organisation
        assert contact.listing.created_at < contact.sent_at < timezone.now()
        assert is_member(contact.sent_by, contact.organisation)


def test_seeding_brings_back_cpv_codes_a_flushed_database_lost(users):
    # Browser tests flush the tables between tests, data migrations' rows too.
    shipped = CpvCode.objects.count()
    assert shipped > 40
    CpvCode.objects.all().delete()
    demo.seed()
    assert CpvCode.objects.count() == shipped
