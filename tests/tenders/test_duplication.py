# ruff: noqa: F811  (the panel fixtures are imported from tests.tenders.moderating)
"""The duplication check (R01 i): each organisation's other awards in the portal beside the
funding the bid declared, and the finding recorded at opening or at moderation."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tenders import actions
from tenders.models import AwardDecision, Bid, BidPartner, DuplicationFinding, TenderEvent
from tests.factories import OrganisationFactory, UserFactory
from tests.tenders.conftest import open_opportunity
from tests.tenders.moderating import agree, panel, scored, seat  # noqa: F401

pytestmark = pytest.mark.django_db


def url(bid):
    return reverse("tenders:duplication", args=[bid.tender.opportunity.reference, bid.reference])


def award_elsewhere(publisher_member, lead, *, partner=None, title="Lunch clubs", withdrawn=False):
    """A current award decision on another tender, won by ``lead`` (with ``partner``)."""
    opportunity = open_opportunity(
        publisher_member.memberships.get().organisation, lots=0, title=title
    )
    other = actions.create_tender(opportunity=opportunity, by=publisher_member)
    won = Bid.objects.create(tender=other, organisation=lead, reference=f"B-{title[:4].upper()}1")
    if partner is not None:
        BidPartner.objects.create(bid=won, organisation=partner, share_percent=30)
    now = timezone.now()
    decision = AwardDecision.objects.create(
        tender=other,
        reason="Highest score.",
        intention_sent_at=now - timedelta(days=30),
        standstill_ends_at=now - timedelta(days=18),
        confirmed_at=None if withdrawn else now - timedelta(days=17),
        withdrawn_at=now if withdrawn else None,
        withdrawal_reason="Mistake." if withdrawn else "",
    )
    decision.winners.add(won)
    return decision


@pytest.fixture
def consortium(opened_bids):
    """The first bid, with a confirmed registered partner and an unregistered one."""
    bid = opened_bids[0]
    bid.registered_partner = OrganisationFactory(name="Ward Food Bank")
    BidPartner.objects.create(
        bid=bid,
        organisation=bid.registered_partner,
        share_percent=20,
        confirmed_at=timezone.now(),
    )
    BidPartner.objects.create(bid=bid, name="Small Friends Group", share_percent=10)
    return bid


def test_each_organisation_s_other_awards_are_beside_the_declared_funding(
    client, scored, consortium, publisher_member
):
    bid = consortium
    award_elsewhere(publisher_member, bid.organisation, title="Lunch clubs")
    other_lead = OrganisationFactory(name="Big Charity")
    award_elsewhere(publisher_member, other_lead, partner=bid.registered_partner, title="Advice")
    award_elsewhere(publisher_member, bid.organisation, title="Withdrawn work", withdrawn=True)
    version = bid.current_version
    version.content["funding"] = [
        {
            "funder": "Lottery Community Fund",
            "activity": "Lunch clubs in Aston",
            "amount": "15000.00",
            "starts_on": "2026-04-01",
            "ends_on": None,
        }
    ]
    version.save()
    client.force_login(scored.chair.user)
    page = client.get(url(bid)).content.decode()
    assert "Lunch clubs" in page and "won as the lead" in page
    assert "Advice" in page and "a partner in the bid from Big Charity" in page
    assert "Withdrawn work" not in page
    assert "Ward Food Bank" in page and "Small Friends Group" in page
    assert "Not registered on the portal" in page
    assert "Lottery Community Fund: Lunch clubs in Aston, £15,000.00, from 1 April 2026" in page


def test_no_other_awards_is_an_ordinary_empty_state(client, scored, opened_bids):
    client.force_login(scored.chair.user)
    page = client.get(url(opened_bids[0])).content.decode()
    assert "No other awards recorded in the portal." in page
    assert "None declared" in page
    assert "No finding recorded yet." in page


def test_an_award_on_this_same_tender_is_not_another_award(
    client, scored, opened_bids, tender, publisher_member
):
    bid = opened_bids[0]
    now = timezone.now()
    here = AwardDecision.objects.create(
        tender=tender,
        lot=tender.opportunity.lots.first(),
        reason="Best.",
        intention_sent_at=now,
        standstill_ends_at=now + timedelta(days=12),
    )
    here.winners.add(bid)
    client.force_login(publisher_member)
    assert "No other awards recorded in the portal." in client.get(url(bid)).content.decode()


def test_the_chair_records_no_concern_at_opening_and_it_is_logged(client, scored, opened_bids):
    bid = opened_bids[0]
    client.force_login(scored.chair.user)
    response = client.post(url(bid), {"concern": "no", "note": ""})
    assert response.status_code == 302
    finding = DuplicationFinding.objects.get()
    assert (finding.stage, finding.concern, finding.recorded_by) == (
        "opening",
        False,
        scored.chair.user,
    )
    event = bid.tender.events.get(kind=TenderEvent.Kind.DUPLICATION_CHECKED)
    assert event.bid == bid and event.detail["stage"] == "opening"
    moderation = reverse(
        "tenders:moderate_bid", args=[bid.tender.opportunity.reference, bid.reference]
    )
    page = client.get(moderation).content.decode()
    assert "At opening: " in page and "No concern" in page and url(bid) in page


def test_a_concern_without_a_note_is_refused(client, scored, opened_bids):
    client.force_login(scored.chair.user)
    page = client.post(url(opened_bids[0]), {"concern": "yes", "note": " "}).content.decode()
    assert "govuk-error-summary" in page and "Say what the concern is" in page
    assert not DuplicationFinding.objects.exists()


def test_once_moderation_starts_the_finding_is_for_moderation_and_both_show(
    client, scored, opened_bids, publisher_member
):
    bid = opened_bids[0]
    actions.record_duplication_check(bid=bid, concern=False, note="", by=publisher_member)
    agree(bid, scored.chair.user)
    client.force_login(publisher_member)
    response = client.post(url(bid), {"concern": "yes", "note": "Same lunch clubs, funded twice?"})
    assert response.status_code == 302
    stages = dict(DuplicationFinding.objects.values_list("stage", "concern"))
    assert stages == {"opening": False, "moderation": True}
    page = client.get(url(bid)).content.decode()
    assert "At opening: no concern" in page
    assert "At moderation: a concern" in page and "Same lunch clubs, funded twice?" in page


def test_recording_again_for_a_stage_replaces_it_and_the_log_keeps_both(
    scored, opened_bids, publisher_member
):
    bid = opened_bids[0]
    actions.record_duplication_check(bid=bid, concern=False, note="", by=publisher_member)
    actions.record_duplication_check(
        bid=bid, concern=True, note="A grant for the same work.", by=scored.chair.user
    )
    finding = DuplicationFinding.objects.get()
    assert finding.concern and finding.recorded_by == scored.chair.user
    assert bid.tender.events.filter(kind=TenderEvent.Kind.DUPLICATION_CHECKED).count() == 2


def test_the_action_refuses_a_concern_without_a_note(scored, opened_bids):
    with pytest.raises(ValidationError):
        actions.record_duplication_check(
            bid=opened_bids[0], concern=True, note="", by=scored.chair.user
        )


@pytest.mark.parametrize("who", ["evaluator", "outsider", "conflicted chair"])
def test_others_get_404_and_cannot_record(client, scored, opened_bids, tender, who):
    bid = opened_bids[0]
    user = {
        "evaluator": scored.first.user,
        "outsider": UserFactory(is_evaluator=True),
        "conflicted chair": scored.chair.user,
    }[who]
    if who == "conflicted chair":
        scored.chair.conflicts.add(bid)
    client.force_login(user)
    assert client.get(url(bid)).status_code == 404
    assert client.post(url(bid), {"concern": "no"}).status_code == 404
    with pytest.raises(PermissionError):
        actions.record_duplication_check(bid=bid, concern=False, note="", by=user)
    assert not DuplicationFinding.objects.exists()


def test_a_visitor_gets_404(client, opened_bids):
    assert client.get(url(opened_bids[0])).status_code == 404


def test_a_seat_on_another_tender_gives_nothing(client, opened_bids, publisher_member):
    elsewhere = actions.create_tender(
        opportunity=open_opportunity(publisher_member.memberships.get().organisation),
        by=publisher_member,
    )
    chair_elsewhere = seat(elsewhere, chair=True)
    client.force_login(chair_elsewhere.user)
    assert client.get(url(opened_bids[0])).status_code == 404


def test_a_partner_that_left_a_winning_consortium_is_not_listed_with_its_award(
    client, scored, consortium, publisher_member
):
    decision = award_elsewhere(
        publisher_member, OrganisationFactory(), partner=consortium.registered_partner
    )
    BidPartner.objects.filter(bid__in=decision.winners.all()).update(left_at=timezone.now())
    client.force_login(scored.chair.user)
    page = client.get(url(consortium)).content.decode()
    assert "Lunch clubs" not in page
