"""What bidders are told during evaluation: the stage derived from the panel's work and
the award decisions, and the expected decision date commissioners keep current."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from organisations.models import MembershipRole
from tenders import actions
from tenders.models import AwardDecision, Consensus, TenderEvent
from tenders.progress import period_of, progress_of, stage_of
from tests.factories import MembershipFactory, UserFactory
from tests.tenders.award_rows import award, award_every_lot
from tests.tenders.bidding import signed_in
from tests.tenders.conftest import complete, submitted_bids

pytestmark = pytest.mark.django_db


def in_days(days):
    return timezone.localdate() + timedelta(days=days)


def set_progress(tender, by, days=30, note="The panel meets on Friday."):
    return actions.set_progress(
        tender=tender, by=by, decision_expected_on=in_days(days), evaluation_note=note
    )


# The stage ----------------------------------------------------------------------------


def test_nothing_is_told_while_the_box_is_sealed(tender):
    submitted_bids(tender, ["40000"])
    assert progress_of(tender) is None


def test_the_stage_follows_scoring_moderation_and_the_award(
    opened_bids, tender, publisher_member, time_machine
):
    assert stage_of(tender) == ("Bids are being scored", False)

    Consensus.objects.create(
        bid=opened_bids[0],
        criterion=tender.criteria.first(),
        lot=tender.opportunity.lots.first(),
        score=4,
        reason="Strong evidence.",
        recorded_by=publisher_member,
    )
    assert stage_of(tender) == ("Scores are being moderated", False)

    first, second = tender.opportunity.lots.all()
    award(tender, opened_bids[:1], lot=first, confirmed=True)
    decision = award(tender, opened_bids[:2], lot=second)
    stage, awarded = stage_of(tender)
    assert stage.startswith("Award decision made: the standstill ends at midnight at the end of ")
    assert not awarded

    time_machine.move_to(decision.standstill_ends_at + timedelta(hours=1))
    assert stage_of(tender)[0].startswith(
        "Award decision made: the standstill ended at midnight at the end of "
    )

    decision.confirmed_at = timezone.now()
    decision.save()
    assert stage_of(tender) == ("Awarded", True)


def test_a_lot_nobody_bid_for_waits_for_no_award(tender, publisher_member, time_machine):
    first = tender.opportunity.lots.first()
    lead = MembershipFactory(role=MembershipRole.ADMIN)
    bid = actions.start_bid(tender=tender, organisation=lead.organisation, by=lead.user)
    complete(bid, lead.user, lots=[first])
    actions.submit(bid=bid, by=lead.user)
    bid.lots.add(*tender.opportunity.lots.all())  # changed after submitting: not evaluated
    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=publisher_member)
    tender.refresh_from_db()

    award(tender, [bid], lot=first, confirmed=True)

    assert stage_of(tender) == ("Awarded", True)


def test_periods_are_fortnights_from_the_day_the_box_opened(opened_bids, tender):
    opened = timezone.localdate(tender.opened_at)
    assert [period_of(tender, opened + timedelta(days=d)) for d in (0, 13, 14, 27, 28)] == [
        0,
        0,
        1,
        1,
        2,
    ]


# Setting the expected decision ---------------------------------------------------------


def test_a_commissioner_sets_the_expected_decision_and_it_is_logged(
    opened_bids, tender, publisher_member
):
    set_progress(tender, publisher_member, days=20)
    tender.refresh_from_db()
    assert tender.decision_expected_on == in_days(20)
    assert tender.evaluation_note == "The panel meets on Friday."
    set_progress(tender, publisher_member, days=30, note="")

    first, second = tender.events.filter(kind=TenderEvent.Kind.PROGRESS_CHANGED)
    assert first.by == publisher_member
    assert second.detail["before"] == {
        "decision_expected_on": in_days(20).isoformat(),
        "evaluation_note": "The panel meets on Friday.",
    }
    assert second.detail["decision_expected_on"] == in_days(30).isoformat()


def test_saving_the_same_again_logs_nothing(opened_bids, tender, publisher_member):
    set_progress(tender, publisher_member)
    set_progress(tender, publisher_member)
    assert tender.events.filter(kind=TenderEvent.Kind.PROGRESS_CHANGED).count() == 1


def test_a_date_in_the_past_is_refused(opened_bids, tender, publisher_member):
    with pytest.raises(ValidationError) as refused:
        set_progress(tender, publisher_member, days=-1)
    assert "today or later" in refused.value.message_dict["decision_expected_on"][0]
    set_progress(tender, publisher_member, days=0)  # today is fine


def test_only_the_publishers_commissioners_set_it(opened_bids, tender):
    with pytest.raises(PermissionError):
        set_progress(tender, opened_bids[0].created_by)


# Pages ---------------------------------------------------------------------------------


def progress_url(tender):
    return reverse("tenders:progress", args=[tender.opportunity.reference])


def test_the_commissioner_saves_what_bidders_are_told(
    client, opened_bids, tender, publisher_member
):
    signed_in(client, publisher_member)
    page = client.get(progress_url(tender))
    assert page.status_code == 200
    assert "Bids are being scored" in page.content.decode()

    response = client.post(
        progress_url(tender),
        {"decision_expected_on": in_days(21).strftime("%d/%m/%Y"), "evaluation_note": "Soon."},
    )

    assert response.status_code == 302
    tender.refresh_from_db()
    assert (tender.decision_expected_on, tender.evaluation_note) == (in_days(21), "Soon.")
    page = client.get(reverse("tenders:tender", args=[tender.opportunity.reference]))
    assert "What bidders are told" in page.content.decode()
    assert "Soon." in page.content.decode()


def test_a_past_date_is_shown_in_the_error_summary(client, opened_bids, tender, publisher_member):
    signed_in(client, publisher_member)
    response = client.post(
        progress_url(tender), {"decision_expected_on": in_days(-3).strftime("%d/%m/%Y")}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert "today or later" in response.content.decode()


def test_the_progress_page_is_404_for_anyone_else_and_before_opening(
    client, tender, publisher_member
):
    (bid,) = submitted_bids(tender, ["40000"])
    url = progress_url(tender)
    assert signed_in(client, publisher_member).get(url).status_code == 404  # sealed
    for user in (bid.created_by, UserFactory(is_evaluator=True), UserFactory(is_superuser=True)):
        assert signed_in(client, user).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_the_bidder_sees_the_stage_and_expected_decision_once_the_box_is_opened(
    client, tender, publisher_member, time_machine
):
    (bid,) = submitted_bids(tender, ["40000"])
    url = reverse("tenders:bid", args=[bid.reference])
    signed_in(client, bid.created_by)
    assert "How the evaluation is going" not in client.get(url).content.decode()

    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=publisher_member)
    set_progress(tender, publisher_member, days=10, note="References are being checked.")
    signed_in(client, bid.created_by)

    page = client.get(url).content.decode()
    assert "How the evaluation is going" in page
    assert "Bids are being scored" in page
    expected = in_days(10)
    assert f"{expected.day} {expected:%B %Y}" in page
    assert "References are being checked." in page

    decisions = award_every_lot(tender, [bid])
    page = client.get(url).content.decode()
    assert "Award decision made" in page
    assert "Decision expected by" not in page  # the standstill is what matters now

    AwardDecision.objects.filter(pk__in=[d.pk for d in decisions]).update(
        confirmed_at=tender.opportunity.submission_deadline
    )
    page = client.get(url).content.decode()
    assert "Awarded" in page
    assert "Decision expected by" not in page
