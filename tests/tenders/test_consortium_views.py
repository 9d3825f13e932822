"""The pages of consortium changes after award: the lead asks, the commissioner decides,
the history is read by commissioners, the panel's chair and site administrators."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tenders import actions
from tenders.models import ChangeKind, ConsortiumChange, PanelMember
from tests.factories import MembershipFactory, UserFactory
from tests.tenders import consortium_fixtures
from tests.tenders.award_rows import award_every_lot
from tests.tenders.bidding import signed_in
from tests.tenders.consortium_fixtures import admin_of_new_organisation, evidence, partner_named

pytestmark = pytest.mark.django_db

# The shared fixtures, by name, so pytest finds them here.
winner, files_in_tmp = consortium_fixtures.winner, consortium_fixtures.files_in_tmp


def ask_url(bid):
    return reverse("tenders:bid_consortium_change", args=[bid.reference])


def history_url(bid):
    return reverse("tenders:consortium_changes", args=[bid.tender.opportunity.reference])


def decide_url(change):
    return reverse(
        "tenders:consortium_change", args=[change.bid.tender.opportunity.reference, change.pk]
    )


def evidence_url(change):
    return reverse(
        "tenders:consortium_evidence", args=[change.bid.tender.opportunity.reference, change.pk]
    )


@pytest.fixture
def change(winner):
    return actions.ask_consortium_change(
        bid=winner,
        by=winner.lead,
        kind=ChangeKind.REMOVE,
        partner=partner_named(winner, "Ant Trust"),
        justification="Ant Trust has closed.",
        evidence=evidence(),
    )


def chair_of(tender, *, conflicts=()):
    chair = UserFactory(is_evaluator=True)
    seat = PanelMember.objects.create(
        tender=tender, user=chair, is_chair=True, declared_at=timezone.now()
    )
    seat.conflicts.set(conflicts)
    return chair


def test_the_lead_asks_from_its_bid_page(client, winner):
    signed_in(client, winner.lead)
    bid_page = client.get(reverse("tenders:bid", args=[winner.reference])).content.decode()
    assert ask_url(winner) in bid_page

    page = client.get(ask_url(winner))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()

    leaving = partner_named(winner, "Ant Trust")
    response = client.post(
        ask_url(winner),
        {
            "kind": "remove",
            "partner": leaving.pk,
            "justification": "Ant Trust has closed.",
            "evidence": evidence(),
        },
    )

    assert response.status_code == 302
    change = ConsortiumChange.objects.get(bid=winner)
    assert (change.kind, change.partner, change.requested_by) == ("remove", leaving, winner.lead)


def test_what_is_missing_is_named_in_the_error_summary(client, winner):
    signed_in(client, winner.lead)
    response = client.post(ask_url(winner), {"kind": "remove"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Explain why the consortium must change" in page
    assert "Choose the partner leaving from your bid" in page
    assert not ConsortiumChange.objects.exists()


def test_before_an_award_the_page_says_there_is_nothing_to_change_yet(client, winner):
    winner.awards.update(withdrawn_at=timezone.now(), withdrawal_reason="Scores rechecked.")
    signed_in(client, winner.lead)

    page = client.get(ask_url(winner)).content.decode()

    assert "once the council has chosen your bid for award" in page
    assert "Ask the council" not in page
    bid_page = client.get(reverse("tenders:bid", args=[winner.reference])).content.decode()
    assert ask_url(winner) not in bid_page


def test_only_the_leads_administrators_reach_the_request_page(client, winner):
    member = MembershipFactory(organisation=winner.organisation).user
    partner_admin = next(p for p in winner.partners.all() if p.organisation_id).answered_by
    for user in (member, partner_admin, admin_of_new_organisation(), UserFactory()):
        assert signed_in(client, user).get(ask_url(winner)).status_code == 404
    client.logout()
    assert client.get(ask_url(winner)).status_code == 404


def test_the_commissioner_sees_the_waiting_change_and_approves_it(client, change, publisher_member):
    signed_in(client, publisher_member)
    tender_page = client.get(
        reverse("tenders:tender", args=[change.bid.tender.opportunity.reference])
    ).content.decode()
    assert decide_url(change) in tender_page

    page = client.get(decide_url(change)).content.decode()
    assert "Ant Trust has closed." in page
    assert evidence_url(change) in page
    download = client.get(evidence_url(change))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed letters"

    response = client.post(decide_url(change), {"approve": "yes", "reason": "Agreed."})

    assert response.status_code == 302
    change.refresh_from_db()
    assert change.approved is True
    assert partner_named(change.bid, "Ant Trust").left_at is not None
    history = client.get(history_url(change.bid)).content.decode()
    assert "Approved" in history
    assert "Agreed." in history


def test_a_decision_without_reasons_is_refused_on_the_page(client, change, publisher_member):
    signed_in(client, publisher_member)
    response = client.post(decide_url(change), {"approve": "no", "reason": ""})
    assert "Give the reasons for your decision" in response.content.decode()
    change.refresh_from_db()
    assert change.is_pending


def test_only_commissioners_decide(client, change):
    chair = chair_of(change.bid.tender)
    for user in (change.bid.lead, chair, UserFactory(is_superuser=True, is_staff=True)):
        assert signed_in(client, user).get(decide_url(change)).status_code == 404
        signed_in(client, user).post(decide_url(change), {"approve": "yes", "reason": "Me"})
    change.refresh_from_db()
    assert change.is_pending


def test_the_history_is_for_commissioners_the_chair_and_site_admins(
    client, change, publisher_member
):
    tender = change.bid.tender
    readers = [publisher_member, chair_of(tender), UserFactory(is_superuser=True, is_staff=True)]
    for user in readers:
        page = signed_in(client, user).get(history_url(change.bid))
        assert page.status_code == 200
        assert "Ant Trust has closed." in page.content.decode()
        assert signed_in(client, user).get(evidence_url(change)).status_code == 200

    member = UserFactory(is_evaluator=True)
    PanelMember.objects.create(tender=tender, user=member, declared_at=timezone.now())
    for user in (member, change.bid.lead, UserFactory()):
        assert signed_in(client, user).get(history_url(change.bid)).status_code == 404
        assert signed_in(client, user).get(evidence_url(change)).status_code == 404
    client.logout()
    assert client.get(history_url(change.bid)).status_code == 404


def test_a_chair_with_a_conflict_never_sees_that_bids_changes(client, change):
    chair = chair_of(change.bid.tender, conflicts=[change.bid])
    signed_in(client, chair)

    page = client.get(history_url(change.bid)).content.decode()

    assert "Ant Trust has closed." not in page
    assert change.bid.reference not in page
    assert client.get(evidence_url(change)).status_code == 404


def test_a_lead_without_partners_can_only_add_one(client, opened_bids, tender):
    alone = opened_bids[0]
    award_every_lot(tender, [alone])
    signed_in(client, alone.created_by)

    page = client.get(ask_url(alone)).content.decode()
    assert "Which partner is leaving?" not in page
    assert "delivers the contract alone" in page

    response = client.post(
        ask_url(alone),
        {
            "kind": "add",
            "name": "Bee Co-op",
            "identifier": "07654321",
            "partner_kind": "partner",
            "share_percent": "30",
            "justification": "We need more staff in the east of the city.",
            "evidence": evidence(),
        },
    )
    assert response.status_code == 302
    change = ConsortiumChange.objects.get(bid=alone)
    assert (change.kind, change.name, change.share_percent) == ("add", "Bee Co-op", 30)
