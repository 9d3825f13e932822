from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from opportunities import actions, tasks
from opportunities.models import Follow
from tests.factories import MembershipFactory, OpportunityFactory, UserFactory
from tests.mail import mail_server

pytestmark = pytest.mark.django_db

DEADLINE = datetime(2026, 3, 30, 11, 0, tzinfo=UTC)  # noon in the UK (summer time)


@pytest.fixture
def membership():
    return MembershipFactory()


def follow(opportunity, membership):
    return actions.follow(
        opportunity=opportunity, organisation=membership.organisation, by=membership.user
    )


# --- Follow and unfollow -----------------------------------------------------------


def test_following_twice_keeps_one_follow(membership):
    opportunity = OpportunityFactory()
    assert follow(opportunity, membership) == follow(opportunity, membership)
    assert Follow.objects.count() == 1


def test_unfollowing_is_idempotent(membership):
    opportunity = OpportunityFactory()
    follow(opportunity, membership)
    for _ in range(2):
        actions.unfollow(
            opportunity=opportunity, organisation=membership.organisation, by=membership.user
        )
    assert not Follow.objects.exists()


def test_only_members_follow_for_their_organisation(membership):
    with pytest.raises(PermissionError):
        actions.follow(
            opportunity=OpportunityFactory(), organisation=membership.organisation, by=UserFactory()
        )
    with pytest.raises(PermissionError):
        actions.unfollow(
            opportunity=OpportunityFactory(), organisation=membership.organisation, by=UserFactory()
        )
    assert not Follow.objects.exists()


def test_a_draft_cannot_be_followed(membership):
    with pytest.raises(ValueError):
        follow(OpportunityFactory(published_at=None), membership)


def test_a_member_follows_and_unfollows_from_the_page(organisation_admin):
    opportunity = OpportunityFactory()
    url = f"/opportunities/{opportunity.reference}/follow/"
    response = organisation_admin.post(url, {"action": "follow"}, follow=True)
    assert Follow.objects.get().organisation == organisation_admin.organisation
    assert "Stop following" in response.text
    response = organisation_admin.post(url, {"action": "unfollow"}, follow=True)
    assert not Follow.objects.exists()
    assert "Follow this opportunity" in response.text


def test_following_needs_a_post(organisation_admin):
    opportunity = OpportunityFactory()
    response = organisation_admin.get(f"/opportunities/{opportunity.reference}/follow/")
    assert response.status_code == 405


def test_visitors_are_sent_to_sign_in_to_follow(visitor):
    opportunity = OpportunityFactory()
    response = visitor.post(f"/opportunities/{opportunity.reference}/follow/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_someone_without_an_organisation_follows_nothing(member):
    opportunity = OpportunityFactory()
    response = member.post(f"/opportunities/{opportunity.reference}/follow/", {"action": "follow"})
    assert "You need to belong to an organisation" in response.text
    assert not Follow.objects.exists()


def test_a_draft_cannot_be_followed_from_the_page(other_member):
    opportunity = OpportunityFactory(published_at=None)
    response = other_member.post(f"/opportunities/{opportunity.reference}/follow/")
    assert response.status_code == 404


def test_the_organisation_acted_for_is_the_one_that_follows(organisation_admin):
    second = MembershipFactory(user=organisation_admin.user)
    session = organisation_admin.session
    session["acting_for_organisation"] = second.organisation.pk
    session.save()
    opportunity = OpportunityFactory()
    organisation_admin.post(f"/opportunities/{opportunity.reference}/follow/")
    assert Follow.objects.get().organisation == second.organisation


# --- Deadline reminders --------------------------------------------------------------


@pytest.fixture
def followed(membership):
    opportunity = OpportunityFactory(
        reference="BCC-2026-0077",
        published_at=datetime(2026, 1, 1, tzinfo=UTC),
        clarification_deadline=DEADLINE - timedelta(days=14),
        submission_deadline=DEADLINE,
    )
    colleague = MembershipFactory(organisation=membership.organisation)
    MembershipFactory()  # someone else, who must not be emailed
    follow(opportunity, membership)
    return opportunity, sorted([membership.user.email, colleague.user.email])


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_nothing_is_sent_more_than_7_days_before(followed):
    assert actions.send_deadline_reminders(now=DEADLINE - timedelta(days=7, minutes=1)) == 0
    assert mail.outbox == []


def test_the_7_day_reminder_goes_once_to_each_member(followed):
    opportunity, members = followed
    now = DEADLINE - timedelta(days=6, hours=23)
    assert actions.send_deadline_reminders(now=now) == 1
    assert recipients() == members
    message = mail.outbox[0]
    assert "BCC-2026-0077 closes in 7 days" in message.subject
    assert "midday on Monday 30 March 2026 (UK time)" in message.body
    assert "/opportunities/BCC-2026-0077/" in message.body
    assert actions.send_deadline_reminders(now=now + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 2


def test_the_1_day_reminder_follows_the_7_day_one_once(followed):
    opportunity, members = followed
    actions.send_deadline_reminders(now=DEADLINE - timedelta(days=6))
    mail.outbox.clear()
    now = DEADLINE - timedelta(hours=23)
    assert actions.send_deadline_reminders(now=now) == 1
    assert "closes tomorrow or sooner" in mail.outbox[0].subject
    assert actions.send_deadline_reminders(now=now + timedelta(hours=2)) == 0
    assert recipients() == members


def test_inside_the_last_day_only_the_1_day_reminder_goes(followed):
    opportunity, members = followed
    assert actions.send_deadline_reminders(now=DEADLINE - timedelta(hours=5)) == 1
    follow = Follow.objects.get()
    assert follow.reminded_1_day_at is not None
    assert follow.reminded_7_days_at is None
    assert len(mail.outbox) == len(members)


def test_no_reminders_after_bids_close_or_for_a_cancelled_opportunity(followed):
    opportunity, _members = followed
    assert actions.send_deadline_reminders(now=DEADLINE + timedelta(minutes=1)) == 0
    opportunity.cancelled_at = datetime(2026, 3, 1, tzinfo=UTC)
    opportunity.save()
    assert actions.send_deadline_reminders(now=DEADLINE - timedelta(days=3)) == 0
    assert mail.outbox == []


def test_a_reminder_that_fails_is_recorded_and_retried_while_the_others_are_sent(
    followed, settings
):
    opportunity, members = followed
    gone = MembershipFactory(user__email="gone@example.org")
    follow(opportunity, gone)
    now = DEADLINE - timedelta(days=3)
    with mail_server(settings, refused={"gone@example.org"}) as server:
        assert actions.send_deadline_reminders(now=now) == 1
        assert server.recipients() == members
        failed = Follow.objects.get(organisation=gone.organisation)
        assert failed.reminded_7_days_at is None  # so the next run tries again
        assert failed.failed_attempts == 1
        assert failed.last_failed_at is not None
        assert failed.last_failure.startswith("SMTPRecipientsRefused")

        server.refused.clear()
        assert actions.send_deadline_reminders(now=now + timedelta(hours=1)) == 1
        assert server.recipients() == sorted([*members, "gone@example.org"])
    failed.refresh_from_db()
    assert failed.reminded_7_days_at is not None
    assert failed.failed_attempts == 0


def test_the_beat_task_sends_the_reminders(followed):
    with time_machine.travel(DEADLINE - timedelta(days=2), tick=False):
        tasks.send_deadline_reminders.delay()
    assert Follow.objects.get().reminded_7_days_at is not None
    assert mail.outbox


def test_an_unfollowed_opportunity_sends_no_reminder(followed, membership):
    opportunity, _members = followed
    actions.unfollow(
        opportunity=opportunity, organisation=membership.organisation, by=membership.user
    )
    assert actions.send_deadline_reminders(now=DEADLINE - timedelta(hours=2)) == 0
