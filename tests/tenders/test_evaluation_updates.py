"""The fortnightly evaluation update: one per bidder per 14-day period since the box was
opened, until every lot's award is confirmed, whatever reruns or failures."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal import batch
from tenders import actions, emails
from tenders.actions.progress import send_evaluation_updates
from tenders.awards import standstill_end_in_words
from tenders.models import Consensus, EvaluationUpdate, TenderEvent
from tests.mail import mail_server
from tests.tenders.award_rows import award, award_every_lot
from tests.tenders.conftest import submitted_bids

pytestmark = pytest.mark.django_db


def received():
    """How many emails each address has received."""
    return Counter(address for message in mail.outbox for address in message.to)


def leads(bids):
    return [bid.created_by.email for bid in bids]


def days_after_opening(time_machine, tender, days):
    time_machine.move_to(tender.opened_at + timedelta(days=days), tick=False)


def test_each_bidder_gets_one_update_per_fortnight_however_often_the_job_runs(
    opened_bids, tender, time_machine
):
    for days, expected in [(0, 1), (0, 1), (13, 1), (14, 2), (20, 2), (27, 2), (28, 3)]:
        days_after_opening(time_machine, tender, days)
        send_evaluation_updates()
        send_evaluation_updates()
        assert received() == dict.fromkeys(leads(opened_bids), expected), days

    periods = EvaluationUpdate.objects.filter(bid__in=opened_bids).values_list("bid", "period")
    assert sorted(periods) == sorted((bid.pk, p) for bid in opened_bids for p in (0, 1, 2))
    assert not EvaluationUpdate.objects.filter(sent_at__isnull=True).exists()


def test_the_job_says_how_many_it_sent(opened_bids, tender):
    assert send_evaluation_updates() == 3
    assert send_evaluation_updates() == 0


def test_nothing_is_sent_before_the_box_is_opened(tender, time_machine):
    bids = submitted_bids(tender, ["40000", "50000"])
    time_machine.move_to(tender.opportunity.submission_deadline + timedelta(days=20))

    assert send_evaluation_updates() == 0
    assert mail.outbox == []
    assert not EvaluationUpdate.objects.filter(bid__in=bids).exists()


def test_nothing_is_sent_once_every_lot_has_a_confirmed_award(opened_bids, tender, time_machine):
    send_evaluation_updates()
    award_every_lot(tender, opened_bids[:1], confirmed=True)
    days_after_opening(time_machine, tender, 14)

    assert send_evaluation_updates() == 0
    assert received() == dict.fromkeys(leads(opened_bids), 1)


def test_updates_go_on_while_a_lot_waits_for_its_award(opened_bids, tender, time_machine):
    first, second = tender.opportunity.lots.all()
    award(tender, opened_bids[:1], lot=first, confirmed=True)
    decision = award(tender, opened_bids[:1], lot=second)

    send_evaluation_updates()

    assert received() == dict.fromkeys(leads(opened_bids), 1)
    ends = standstill_end_in_words(decision.standstill_ends_at)
    assert f"Stage: Award decision made: the standstill ends at {ends}" in mail.outbox[0].body


def test_nothing_is_sent_for_a_cancelled_opportunity(opened_bids, tender):
    type(tender.opportunity).objects.filter(pk=tender.opportunity.pk).update(
        cancelled_at=timezone.now()
    )
    assert send_evaluation_updates() == 0


def test_a_bid_withdrawn_gets_nothing(opened_bids, tender):
    withdrawn = opened_bids[0]
    type(withdrawn).objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())

    send_evaluation_updates()

    assert set(received()) == set(leads(opened_bids[1:]))


def test_a_run_that_listed_updates_before_another_run_sent_them_sends_none_again(
    opened_bids, monkeypatch
):
    handle_each = batch.each_in_its_own_transaction
    overtaken = []

    def overtaken_by_another_run(model, ids, handle, **kwargs):
        ids = list(ids)
        if not overtaken:
            overtaken.append(ids)
            send_evaluation_updates()  # the other run sends everything first
        return handle_each(model, ids, handle, **kwargs)

    monkeypatch.setattr(batch, "each_in_its_own_transaction", overtaken_by_another_run)
    assert send_evaluation_updates() == 0
    assert len(overtaken[0]) == 3
    assert received() == dict.fromkeys(leads(opened_bids), 1)


def test_a_failed_send_stops_no_other_bid_and_is_sent_on_the_next_run(
    opened_bids, tender, monkeypatch
):
    failing = opened_bids[1]
    send = emails.send_evaluation_update

    def refuse_one(update, progress):
        if update.bid_id == failing.pk:
            raise ConnectionRefusedError("the mail server is down")
        send(update, progress)

    monkeypatch.setattr(emails, "send_evaluation_update", refuse_one)
    assert send_evaluation_updates() == 2
    row = EvaluationUpdate.objects.get(bid=failing)
    assert row.sent_at is None
    assert row.failed_attempts == 1
    assert "the mail server is down" in row.last_failure
    assert failing.created_by.email not in received()

    monkeypatch.setattr(emails, "send_evaluation_update", send)
    assert send_evaluation_updates() == 1
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.failed_attempts == 0
    assert received() == dict.fromkeys(leads(opened_bids), 1)


def test_an_address_the_mail_server_refuses_is_tried_again_and_nobody_else_waits(
    opened_bids, settings
):
    refused = opened_bids[2].created_by.email
    with mail_server(settings, refused={refused}) as server:
        assert send_evaluation_updates() == 2
        assert server.recipients() == sorted(leads(opened_bids[:2]))
        row = EvaluationUpdate.objects.get(bid=opened_bids[2])
        assert "SMTPRecipientsRefused" in row.last_failure

        server.refused.clear()
        assert send_evaluation_updates() == 1
        assert server.recipients() == sorted(leads(opened_bids))


def test_the_update_says_the_stage_the_date_the_note_and_who_to_ask(
    opened_bids, tender, publisher_member
):
    actions.set_progress(
        tender=tender,
        by=publisher_member,
        decision_expected_on=timezone.localdate() + timedelta(days=40),
        evaluation_note="The panel meets again next week.",
    )
    send_evaluation_updates()

    message = next(m for m in mail.outbox if m.to == [opened_bids[0].created_by.email])
    opportunity = tender.opportunity
    assert opportunity.reference in message.subject
    assert "Stage: Bids are being scored" in message.body
    expected = timezone.localdate() + timedelta(days=40)
    assert f"Decision expected by: {expected.day} {expected:%B %Y}" in message.body
    assert "The panel meets again next week." in message.body
    assert opportunity.contact_email in message.body
    assert message.reply_to == [opportunity.contact_email]
    assert f"/bids/{opened_bids[0].reference}/" in message.body


def test_the_update_says_when_scores_are_being_moderated(opened_bids, tender, publisher_member):
    Consensus.objects.create(
        bid=opened_bids[0],
        criterion=tender.criteria.first(),
        lot=tender.opportunity.lots.first(),
        score=3,
        reason="Agreed.",
        recorded_by=publisher_member,
    )
    send_evaluation_updates()

    assert all("Stage: Scores are being moderated" in m.body for m in mail.outbox)
    assert set(EvaluationUpdate.objects.values_list("stage", flat=True)) == {
        "Scores are being moderated"
    }


def test_each_update_sent_is_in_the_tenders_log(opened_bids, tender):
    send_evaluation_updates()
    send_evaluation_updates()

    logged = tender.events.filter(kind=TenderEvent.Kind.UPDATE_SENT)
    assert sorted(event.bid_id for event in logged) == sorted(bid.pk for bid in opened_bids)
    assert {event.detail["period"] for event in logged} == {0}


def test_the_job_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-evaluation-updates"]
    assert entry["task"] == "tenders.tasks.send_evaluation_updates"
    assert entry["schedule"].hour == {9}
