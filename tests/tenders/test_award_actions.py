"""Award decisions: the notice of intention and its refusals, the standstill, withdrawing,
confirming, and the assessment summaries emailed once (tenders.actions.award)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from opportunities import actions as opportunity_actions
from opportunities.models import Status
from tenders import actions
from tenders.awards import standstill_end_in_words
from tenders.models import AssessmentSummary, AwardDecision, Criterion, PanelMember, TenderEvent
from tests.factories import MembershipFactory
from tests.mail import mail_server
from tests.tenders.award import moderate
from tests.tenders.conftest import complete, submitted_bids

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A Tuesday: 8 working days beginning with it end with Thursday 14 January.
TUESDAY = datetime.datetime(2027, 1, 5, 10, 0, tzinfo=LONDON)


@pytest.fixture
def moderated(opened_bids, tender, publisher_member):
    moderate(tender, publisher_member)
    return opened_bids


@pytest.fixture
def lots(tender):
    return list(tender.opportunity.lots.all())


def intend(tender, lot, winners, by, **options):
    return actions.send_intention(
        tender=tender, lot=lot, winners=winners, reason="Highest score.", by=by, **options
    )


def refusal(error):
    return " ".join(error.value.messages)


def kinds(tender):
    return list(tender.events.values_list("kind", flat=True))


def test_the_notice_records_the_decision_its_results_and_the_standstill(
    moderated, tender, lots, publisher_member
):
    decision = intend(tender, lots[0], [moderated[0]], publisher_member, now=TUESDAY)
    assert list(decision.winners.all()) == [moderated[0]]
    assert decision.standstill_working_days == 8
    assert decision.standstill_ends_at == datetime.datetime(2027, 1, 15, tzinfo=LONDON)
    rows = decision.results["bids"]
    assert [row["reference"] for row in rows] == [bid.reference for bid in moderated]
    first = rows[0]
    # Every question 3 of 5 at weight 20: 12 each; price 40,000 is the lowest: 20.
    assert first["rank"] == 1 and first["total"] == "68.00" and first["price"] == "40000.00"
    assert first["scores"][str(tender.criteria.first().pk)] == {
        "score": 3,
        "weighted": "12.00",
        "reason": f"Reason for {moderated[0].reference} on question 1.",
    }
    assert rows[1]["price_score"] == "16.00" and rows[1]["rank"] == 2
    assert not first["failed"] and not first["abnormally_low"]
    summaries = AssessmentSummary.objects.filter(decision=decision)
    assert sorted(s.bid_id for s in summaries) == sorted(bid.pk for bid in moderated)
    event = tender.events.get(kind=TenderEvent.Kind.INTENTION_SENT)
    assert "midnight at the end of 14 January 2027" in event.summary
    assert event.detail["winners"] == [moderated[0].reference]


def test_a_longer_standstill_can_be_chosen(moderated, tender, lots, publisher_member):
    decision = intend(
        tender, lots[0], [moderated[0]], publisher_member, now=TUESDAY, standstill_working_days=10
    )
    assert decision.standstill_ends_at == datetime.datetime(2027, 1, 19, tzinfo=LONDON)


def test_a_standstill_under_8_working_days_is_refused(moderated, tender, lots, publisher_member):
    with pytest.raises(ValidationError) as error:
        intend(tender, lots[0], [moderated[0]], publisher_member, standstill_working_days=7)
    assert "at least 8 working days" in refusal(error)
    assert not AwardDecision.objects.exists()


def test_a_bid_that_failed_a_minimum_score_cannot_win(opened_bids, tender, lots, publisher_member):
    question = tender.criteria.get(number=3)
    Criterion.objects.filter(pk=question.pk).update(minimum_score=2)
    moderate(
        tender,
        publisher_member,
        lambda bid, slot: 1 if bid == opened_bids[0] and slot.criterion == question else 3,
    )
    with pytest.raises(ValidationError) as error:
        intend(tender, lots[0], [opened_bids[0]], publisher_member)
    assert "under the minimum of 2 on question 3" in refusal(error)
    assert opened_bids[0].organisation.name in refusal(error)


def test_more_winners_than_the_lot_allows_are_refused(moderated, tender, lots, publisher_member):
    with pytest.raises(ValidationError) as error:
        intend(tender, lots[0], moderated[:2], publisher_member)
    assert "1 organisations at most; you chose 2" in refusal(error)
    lots[0].max_awards = 2
    lots[0].save()
    decision = intend(tender, lots[0], moderated[:2], publisher_member)
    assert decision.winners.count() == 2


def test_a_bid_not_in_the_lot_is_refused(tender, lots, publisher_member, time_machine):
    bids = submitted_bids(tender, ["40000", "50000"])
    membership = MembershipFactory(role="admin")
    only_lot_2 = actions.start_bid(
        tender=tender, organisation=membership.organisation, by=membership.user
    )
    complete(only_lot_2, membership.user, lots=[lots[1]])
    actions.submit(bid=only_lot_2, by=membership.user)
    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=publisher_member)
    tender.refresh_from_db()
    moderate(tender, publisher_member)
    with pytest.raises(ValidationError) as error:
        intend(tender, lots[0], [bids[0], only_lot_2], publisher_member)
    assert f"Bid {only_lot_2.reference} is not a bid for Lot 1: Lot 1 area" in refusal(error)


def test_a_lot_with_a_current_decision_is_refused_until_it_is_withdrawn(
    moderated, tender, lots, publisher_member
):
    first = intend(tender, lots[0], [moderated[0]], publisher_member)
    with pytest.raises(ValidationError) as error:
        intend(tender, lots[0], [moderated[1]], publisher_member)
    assert "already has an award decision" in refusal(error)
    actions.withdraw_decision(decision=first, by=publisher_member, reason="Scoring error.")
    second = intend(tender, lots[0], [moderated[1]], publisher_member)
    assert list(AwardDecision.objects.current()) == [second]


def test_no_award_before_every_bid_is_moderated(opened_bids, tender, lots, publisher_member):
    with pytest.raises(ValidationError) as error:
        intend(tender, lots[0], [opened_bids[0]], publisher_member)
    assert "consensus score on every question" in refusal(error)


def test_no_winner_and_no_reason_are_refused(moderated, tender, lots, publisher_member):
    with pytest.raises(ValidationError) as error:
        intend(tender, lots[0], [], publisher_member)
    assert error.value.message_dict == {"winners": ["Choose at least one winning bid"]}
    with pytest.raises(ValidationError) as error:
        actions.send_intention(
            tender=tender, lot=lots[0], winners=[moderated[0]], reason=" ", by=publisher_member
        )
    assert error.value.message_dict == {"reason": ["Give the reason for the decision"]}


def test_only_the_publishers_commissioners_award(moderated, tender, lots):
    outsider = MembershipFactory(organisation__publishing_allowed_at=tender.opened_at).user
    with pytest.raises(PermissionError):
        intend(tender, lots[0], [moderated[0]], outsider)


def test_a_commissioner_with_a_declared_conflict_cannot_award(
    moderated, tender, lots, publisher_member
):
    seat = PanelMember.objects.create(
        tender=tender, user=publisher_member, declared_at=tender.opened_at
    )
    seat.conflicts.add(moderated[2])
    with pytest.raises(ValidationError) as error:
        intend(tender, lots[0], [moderated[0]], publisher_member)
    assert "another commissioner must make the award" in refusal(error)


def test_confirming_during_the_standstill_is_refused_with_its_end(
    moderated, tender, lots, publisher_member, time_machine
):
    decision = intend(tender, lots[0], [moderated[0]], publisher_member)
    end = standstill_end_in_words(decision.standstill_ends_at)
    time_machine.move_to(decision.standstill_ends_at - datetime.timedelta(seconds=1), tick=False)
    with pytest.raises(ValidationError) as error:
        actions.confirm_award(decision=decision, by=publisher_member)
    assert refusal(error) == f"The standstill ends at {end}. The award can be confirmed after that."
    time_machine.move_to(decision.standstill_ends_at, tick=False)
    actions.confirm_award(decision=decision, by=publisher_member)
    decision.refresh_from_db()
    assert decision.is_confirmed
    assert kinds(tender)[-2:] == [
        TenderEvent.Kind.STANDSTILL_ENDED,
        TenderEvent.Kind.AWARD_CONFIRMED,
    ]


def test_the_opportunity_is_awarded_when_every_lot_is_confirmed(
    moderated, tender, lots, publisher_member, time_machine
):
    first = intend(tender, lots[0], [moderated[0]], publisher_member)
    second = intend(tender, lots[1], [moderated[1]], publisher_member)
    time_machine.move_to(second.standstill_ends_at, tick=False)
    actions.confirm_award(decision=first, by=publisher_member)
    tender.opportunity.refresh_from_db()
    assert tender.opportunity.awarded_at is None
    actions.confirm_award(decision=second, by=publisher_member)
    tender.opportunity.refresh_from_db()
    assert tender.opportunity.status == Status.AWARDED
    with pytest.raises(ValidationError):
        actions.confirm_award(decision=second, by=publisher_member)


def test_a_confirmed_award_cannot_be_withdrawn_nor_a_withdrawn_one_confirmed(
    moderated, tender, lots, publisher_member, time_machine
):
    withdrawn = intend(tender, lots[0], [moderated[0]], publisher_member)
    with pytest.raises(ValidationError) as error:
        actions.withdraw_decision(decision=withdrawn, by=publisher_member, reason="")
    assert error.value.message_dict == {"reason": ["Give the reason for withdrawing the decision"]}
    actions.withdraw_decision(decision=withdrawn, by=publisher_member, reason="A scoring error.")
    confirmed = intend(tender, lots[1], [moderated[0]], publisher_member)
    time_machine.move_to(confirmed.standstill_ends_at, tick=False)
    with pytest.raises(ValidationError) as error:
        actions.confirm_award(decision=withdrawn, by=publisher_member)
    assert "withdrawn, so it cannot be confirmed" in refusal(error)
    actions.confirm_award(decision=confirmed, by=publisher_member)
    with pytest.raises(ValidationError) as error:
        actions.withdraw_decision(decision=confirmed, by=publisher_member, reason="Too late.")
    assert "can no longer be withdrawn" in refusal(error)
    assert tender.events.filter(kind=TenderEvent.Kind.DECISION_WITHDRAWN).count() == 1


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_every_assessed_bidder_is_emailed_its_summary_once(
    moderated, tender, lots, publisher_member, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = intend(tender, lots[0], [moderated[0]], publisher_member)
    bidders = sorted(bid.created_by.email for bid in moderated)
    assert _recipients() == bidders
    winner = next(m for m in mail.outbox if m.to == [moderated[0].created_by.email])
    assert "intends to award Lot 1: Lot 1 area" in winner.body and "to your bid" in winner.body
    loser = next(m for m in mail.outbox if m.to == [moderated[1].created_by.email])
    assert "to another bid" in loser.body
    assert f"/bids/{moderated[1].reference}/summary/" in loser.body
    assert "midnight at the end of" in loser.body
    assert loser.reply_to == [tender.opportunity.contact_email]
    assert all(s.sent_at for s in decision.summaries.all())
    assert tender.events.filter(kind=TenderEvent.Kind.SUMMARY_SENT).count() == 3
    mail.outbox.clear()
    assert actions.send_assessment_summaries() == 0  # a rerun sends nothing again
    assert mail.outbox == []


def test_a_summary_that_fails_is_recorded_and_retried_while_the_others_go(
    moderated, tender, lots, publisher_member, settings
):
    gone = moderated[2].created_by
    decision = intend(tender, lots[0], [moderated[0]], publisher_member)
    AssessmentSummary.objects.update(sent_at=None)  # as if the task had not yet run
    with mail_server(settings, refused={gone.email}) as server:
        assert actions.send_assessment_summaries(decision_id=decision.pk) == 2
        assert gone.email not in server.recipients()
        failed = AssessmentSummary.objects.get(bid=moderated[2])
        assert failed.sent_at is None and failed.failed_attempts == 1
        assert failed.last_failure.startswith("SMTPRecipientsRefused")
        server.refused.clear()
        assert actions.send_assessment_summaries() == 1
        assert server.recipients() == sorted(bid.created_by.email for bid in moderated)
    failed.refresh_from_db()
    assert failed.sent_at is not None and failed.failed_attempts == 0


def test_withdrawing_tells_the_bidders_and_stops_unsent_summaries(
    moderated, tender, lots, publisher_member, django_capture_on_commit_callbacks
):
    decision = intend(tender, lots[0], [moderated[0]], publisher_member)
    AssessmentSummary.objects.update(sent_at=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.withdraw_decision(decision=decision, by=publisher_member, reason="Scoring error.")
    assert _recipients() == sorted(bid.created_by.email for bid in moderated)
    assert "Scoring error." in mail.outbox[0].body
    mail.outbox.clear()
    assert actions.send_assessment_summaries() == 0
    assert mail.outbox == []


def test_the_snapshot_flags_an_abnormally_low_price(tender, lots, publisher_member, time_machine):
    bids = submitted_bids(tender, ["20000", "50000", "60000"])
    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=publisher_member)
    tender.refresh_from_db()
    moderate(tender, publisher_member)
    decision = intend(tender, lots[0], [bids[1]], publisher_member)
    low = next(row for row in decision.results["bids"] if row["bid"] == bids[0].pk)
    # The mean valid price is 43,333; 80% of it is 34,667, and 20,000 is under it.
    assert low["abnormally_low"] is True
    assert low["price_score"] == "20.00" and Decimal(low["total"]) == Decimal("68.00")


def test_an_award_of_a_cancelled_opportunity_is_not_confirmed(
    moderated, tender, lots, publisher_member, time_machine
):
    decision = intend(tender, lots[0], [moderated[0]], publisher_member)
    opportunity_actions.cancel(
        opportunity=tender.opportunity, by=publisher_member, reason="No longer needed."
    )
    time_machine.move_to(decision.standstill_ends_at, tick=False)
    with pytest.raises(ValidationError) as error:
        actions.confirm_award(decision=decision, by=publisher_member)
    assert "cancelled, so the award cannot be confirmed" in refusal(error)
    with pytest.raises(ValidationError) as error:
        intend(tender, lots[1], [moderated[0]], publisher_member)
    assert "cancelled, so nothing can be awarded" in refusal(error)
