"""A need's organisation is reminded a week before its date, once per date; needs and
offers past their dates leave matching, and an extended need comes back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from exchange import queries, tasks
from exchange.actions import reminders
from exchange.actions.matching import accept_match, propose_match
from exchange.actions.posting import close_need, extend_need
from exchange.models import Need
from tests.concurrency import run_together
from tests.exchange.factories import NeedFactory, OfferFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def need_due(today, days=7, **fields):
    """A need posted a month ago, needed ``days`` from ``today``, with one member."""
    need = NeedFactory(
        needed_by=today + timedelta(days=days),
        posted_at=timezone.now() - timedelta(days=30),
        **fields,
    )
    member_of(need.organisation)
    return need


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def addresses_of(need):
    return sorted(need.organisation.memberships.values_list("user__email", flat=True))


# --- Who is reminded, and when ------------------------------------------------------------


def test_every_member_is_reminded_a_week_before_with_links_to_extend_and_close(today):
    need = need_due(today, title="Mentoring for our treasurer", quantity=Decimal(20))
    member_of(need.organisation)

    assert reminders.send_need_reminders(today=today) == 1

    assert recipients() == addresses_of(need)
    message = mail.outbox[0]
    assert "Mentoring for our treasurer" in message.subject
    assert f"/exchange/needs/{need.pk}/extend/" in message.body
    assert f"/exchange/needs/{need.pk}/" in message.body
    assert "7 days from today" in message.body
    assert "Still needed: 20 hours" in message.body
    need.refresh_from_db()
    assert need.reminded_for == need.needed_by
    assert need.failed_attempts == 0


def test_each_date_is_reminded_once_however_often_the_job_runs(today):
    need_due(today)

    assert reminders.send_need_reminders(today=today) == 1
    assert reminders.send_need_reminders(today=today) == 0
    tasks.send_need_expiry_reminders.delay()
    assert reminders.send_need_reminders(today=today + timedelta(days=3)) == 0

    assert len(mail.outbox) == 1


def test_a_need_further_off_than_a_week_waits_until_it_is_a_week_away(today):
    need_due(today, days=8)

    assert reminders.send_need_reminders(today=today) == 0
    assert reminders.send_need_reminders(today=today + timedelta(days=1)) == 1


def test_a_need_due_sooner_that_was_missed_is_still_reminded_until_its_date(today):
    need_due(today, days=2)

    assert reminders.send_need_reminders(today=today) == 1
    assert "2 days from today" in mail.outbox[0].body


def test_closed_met_fully_promised_and_expired_needs_get_no_reminder(today):
    closed = need_due(today)
    close_need(need=closed, by=member_of(closed.organisation))
    need_due(today, met_at=timezone.now())
    need_due(today, quantity=Decimal(5), promised=Decimal(5))
    need_due(today, days=-1)

    assert reminders.send_need_reminders(today=today) == 0
    assert mail.outbox == []


def test_a_need_posted_less_than_a_week_before_its_date_gets_no_reminder(today):
    need = need_due(today, days=5)
    Need.objects.filter(pk=need.pk).update(posted_at=timezone.now() - timedelta(days=1))

    assert reminders.send_need_reminders(today=today) == 0


def test_extending_a_reminded_need_makes_a_reminder_for_the_new_date_possible(today):
    need = need_due(today, days=6)
    assert reminders.send_need_reminders(today=today) == 1

    member = need.organisation.memberships.get().user
    extend_need(need=need, by=member, needed_by=today + timedelta(days=20))
    assert reminders.send_need_reminders(today=today) == 0
    assert reminders.send_need_reminders(today=today + timedelta(days=13)) == 1

    need.refresh_from_db()
    assert need.reminded_for == today + timedelta(days=20)
    assert len(mail.outbox) == 2


# --- Failures ------------------------------------------------------------------------------


def test_one_failing_need_is_recorded_and_the_others_are_still_reminded(today, monkeypatch):
    needs = [need_due(today, days=days) for days in (5, 6, 7)]
    real = reminders.send_reminder

    def fails_for_the_second(need, **kwargs):
        if need.pk == needs[1].pk:
            raise OSError("mail server said no")
        real(need, **kwargs)

    monkeypatch.setattr(reminders, "send_reminder", fails_for_the_second)

    assert reminders.send_need_reminders(today=today) == 2

    for need in needs:
        need.refresh_from_db()
    assert [need.reminded_for is not None for need in needs] == [True, False, True]
    assert needs[1].failed_attempts == 1
    assert "mail server said no" in needs[1].last_failure
    assert recipients() == sorted(addresses_of(needs[0]) + addresses_of(needs[2]))

    monkeypatch.setattr(reminders, "send_reminder", real)
    mail.outbox.clear()
    assert reminders.send_need_reminders(today=today) == 1
    needs[1].refresh_from_db()
    assert needs[1].reminded_for == needs[1].needed_by and needs[1].failed_attempts == 0
    assert recipients() == addresses_of(needs[1])


def test_the_daily_task_sends_the_reminders(today):
    need = need_due(today)

    tasks.send_need_expiry_reminders.delay()

    assert recipients() == addresses_of(need)


def test_the_reminders_are_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-need-expiry-reminders"]
    assert entry["task"] == "exchange.tasks.send_need_expiry_reminders"
    assert entry["schedule"].hour == {8} and entry["schedule"].minute == {0}


# --- Past their dates, needs and offers leave matching ----------------------------------


def test_an_expired_need_leaves_suggestions_and_the_public_list_until_extended(client, today):
    need = NeedFactory(title="Volunteers for the summer fair", needed_by=today)
    offer = OfferFactory()
    assert list(queries.suggested_needs(offer.organisation, today=today)) == [need]

    tomorrow = today + timedelta(days=1)
    assert list(queries.suggested_needs(offer.organisation, today=tomorrow)) == []
    assert list(queries.suggested_offers(need.organisation, today=tomorrow)) == []
    Need.objects.filter(pk=need.pk).update(needed_by=today - timedelta(days=1))
    assert "Volunteers for the summer fair" not in client.get("/exchange/needs/").text
    assert list(queries.suggested_needs(offer.organisation)) == []

    extend_need(need=need, by=member_of(need.organisation), needed_by=today + timedelta(days=30))

    assert list(queries.suggested_needs(offer.organisation)) == [need]
    assert list(queries.suggested_offers(need.organisation)) == [offer]
    assert "Volunteers for the summer fair" in client.get("/exchange/needs/").text


def test_an_expired_offer_leaves_suggestions_and_the_public_list(client, today):
    need = NeedFactory()
    offer = OfferFactory(
        title="Payroll advice from our HR team",
        available_from=today - timedelta(days=30),
        available_until=today - timedelta(days=1),
    )

    assert list(queries.suggested_offers(need.organisation)) == []
    assert list(queries.suggested_needs(offer.organisation)) == []
    assert "Payroll advice from our HR team" not in client.get("/exchange/offers/").text


def test_a_match_proposed_before_the_date_cannot_be_accepted_after_it(today):
    need, offer = NeedFactory(needed_by=today), OfferFactory()
    match = propose_match(
        need=need, offer=offer, by=member_of(offer.organisation), quantity=Decimal(4)
    )
    with pytest.raises(ValidationError, match="This need is expired"):
        accept_match(match=match, by=member_of(need.organisation), today=today + timedelta(days=1))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_runs_at_the_same_moment_remind_each_need_once(today):
    needs = [need_due(today, days=days) for days in (3, 5, 7)]

    results, errors = run_together(lambda _i: reminders.send_need_reminders(today=today), count=4)

    assert errors == []
    assert sum(results) == 3
    assert recipients() == sorted(address for need in needs for address in addresses_of(need))
