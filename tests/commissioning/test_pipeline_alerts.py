"""Followers of a pipeline item are emailed once when it is published as an opportunity."""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from commissioning import emails, tasks
from commissioning.actions import pipeline as actions
from commissioning.models import PipelineFollow
from opportunities.actions import publish
from tests.commissioning.factories import PipelineItemFactory
from tests.factories import MembershipFactory, OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item():
    return PipelineItemFactory(title="Youth work in Aston")


def following(item, *, members=1):
    """A new organisation with ``members`` members, following ``item``."""
    first = MembershipFactory()
    for _ in range(members - 1):
        MembershipFactory(organisation=first.organisation)
    actions.follow(item=item, organisation=first.organisation, by=first.user)
    return first.organisation


def link_published(item, **opportunity):
    opportunity = OpportunityFactory(publisher=item.publisher, **opportunity)
    item.opportunity = opportunity
    item.save()
    return opportunity


def addresses():
    return sorted(address for message in mail.outbox for address in message.to)


def test_every_member_of_every_following_organisation_is_emailed_once(item):
    first, second = following(item, members=2), following(item)
    MembershipFactory()  # not following
    opportunity = link_published(item, title="Youth work in Aston and Lozells")

    assert actions.tell_followers() == 2

    expected = sorted(
        m.user.email for org in (first, second) for m in org.memberships.select_related("user")
    )
    assert addresses() == expected
    message = mail.outbox[0]
    assert "Now open for bids: Youth work in Aston and Lozells" in message.subject
    assert opportunity.reference in message.body
    assert f"/opportunities/{opportunity.reference}/" in message.body
    assert item.reference in message.body
    assert all(f.told_at is not None for f in PipelineFollow.objects.all())


def test_sent_once_even_if_the_task_runs_twice(item):
    following(item)
    link_published(item)

    tasks.tell_pipeline_followers.delay()
    tasks.tell_pipeline_followers.delay()
    assert actions.tell_followers() == 0

    assert len(mail.outbox) == 1


def test_not_sent_while_the_opportunity_is_a_draft_then_sent_once_published(item):
    following(item)
    draft = link_published(
        item, published_at=None, short_window_reason="The service must not stop."
    )

    assert actions.tell_followers() == 0
    assert mail.outbox == []

    publish(opportunity=draft, by=MembershipFactory(organisation=item.publisher).user)
    assert actions.tell_followers() == 1
    assert len(mail.outbox) == 1


def test_not_sent_for_a_cancelled_opportunity_or_an_unlinked_item(item):
    following(item)
    following(PipelineItemFactory())
    link_published(item, cancelled_at=timezone.now())

    assert actions.tell_followers() == 0
    assert mail.outbox == []


def test_one_bad_follow_does_not_stop_the_others(item, monkeypatch):
    bad, good = following(item), following(item)
    link_published(item)
    send = emails.send_pipeline_published

    def fails_for_bad(follow):
        if follow.organisation == bad:
            raise OSError("mailbox unavailable")
        send(follow)

    monkeypatch.setattr(emails, "send_pipeline_published", fails_for_bad)

    assert actions.tell_followers() == 1

    failed = PipelineFollow.objects.get(organisation=bad)
    assert failed.told_at is None
    assert failed.failed_attempts == 1
    assert "mailbox unavailable" in failed.last_failure
    assert PipelineFollow.objects.get(organisation=good).told_at is not None
    assert addresses() == [m.user.email for m in good.memberships.select_related("user")]

    monkeypatch.setattr(emails, "send_pipeline_published", send)
    assert actions.tell_followers() == 1  # the next run tries the bad one again
    failed.refresh_from_db()
    assert failed.told_at is not None and failed.failed_attempts == 0


def test_linking_a_published_opportunity_tells_followers_on_commit(
    item, django_capture_on_commit_callbacks
):
    following(item)
    officer = MembershipFactory(organisation=item.publisher).user
    opportunity = OpportunityFactory(publisher=item.publisher)

    with django_capture_on_commit_callbacks(execute=True):
        actions.link_opportunity(item=item, opportunity=opportunity, by=officer)

    assert len(mail.outbox) == 1
    assert PipelineFollow.objects.get().told_at is not None


def test_linking_a_draft_tells_nobody_yet(item, django_capture_on_commit_callbacks):
    following(item)
    officer = MembershipFactory(organisation=item.publisher).user
    draft = OpportunityFactory(publisher=item.publisher, published_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        actions.link_opportunity(item=item, opportunity=draft, by=officer)

    assert mail.outbox == []
    assert PipelineFollow.objects.get().told_at is None


def test_the_periodic_run_is_scheduled_every_15_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["tell-pipeline-followers"]

    assert entry["task"] == "commissioning.tasks.tell_pipeline_followers"
    assert entry["schedule"].minute == {0, 15, 30, 45}
