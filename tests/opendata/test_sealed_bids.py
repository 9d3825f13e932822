"""Open data and the sealed bid box: no release or record names a bidder, counts a bid
or says anything else about one until the box is opened; then the tenderers and the
counts appear, and never a draft or a withdrawn bid.

(tests/tenders/test_sealed_box.py also requests every URL, the open data, CSV files
and feeds among them, as every persona, and compares them with and without bids.)
"""

import json

import pytest

from opendata.ocds import ocid
from opportunities.actions import publishing
from organisations.models import MembershipRole
from tenders import actions
from tests.factories import MembershipFactory, PublisherFactory
from tests.tenders.conftest import complete, open_opportunity, submitted_bids

pytestmark = pytest.mark.django_db


def published_data(client, reference):
    """Everything the open data says about the procurement, as text."""
    releases = client.get("/api/ocds/releases/").content.decode()
    record = client.get(f"/api/ocds/records/{ocid(reference)}/").content.decode()
    return releases + record


def test_bidders_appear_in_the_open_data_only_once_the_box_is_opened(client, time_machine):
    publisher_member = MembershipFactory(
        organisation=PublisherFactory(), role=MembershipRole.MEMBER
    ).user
    publisher = publisher_member.memberships.get().organisation
    opportunity = open_opportunity(
        publisher, published_at=None, short_window_reason="A test of open data."
    )
    tender = actions.create_tender(opportunity=opportunity, by=publisher_member)
    publishing.publish(opportunity=opportunity, by=publisher_member)
    submitted = submitted_bids(tender, ["40000", "50000"])
    withdrawn = submitted_bids(tender, ["45000"])[0]
    actions.withdraw(bid=withdrawn, by=withdrawn.created_by)
    drafter = MembershipFactory()
    draft = actions.start_bid(tender=tender, organisation=drafter.organisation, by=drafter.user)
    complete(draft, drafter.user)
    bids = submitted + [withdrawn, draft]
    secrets = [bid.organisation.name for bid in bids] + [bid.reference for bid in bids]

    for moment in ("before the deadline", "after the deadline, the box still sealed"):
        if moment.startswith("after"):
            time_machine.move_to(opportunity.submission_deadline, tick=False)
        text = published_data(client, opportunity.reference)
        assert [secret for secret in secrets if secret in text] == [], moment
        for word in ('"tenderer"', '"tenderers"', '"numberOfTenderers"', '"bids"'):
            assert word not in text, moment

    actions.open_box(tender=tender, by=publisher_member)

    text = published_data(client, opportunity.reference)
    record = client.get(f"/api/ocds/records/{ocid(opportunity.reference)}/").json()
    compiled = record["records"][0]["compiledRelease"]
    assert {t["name"] for t in compiled["tender"]["tenderers"]} == {
        bid.organisation.name for bid in submitted
    }
    assert compiled["tender"]["numberOfTenderers"] == 2
    counts = {
        (s["measure"], s.get("relatedLot")): s["value"] for s in compiled["bids"]["statistics"]
    }
    assert counts[("bids", "1")] == counts[("bids", "2")] == 2
    for bid in (withdrawn, draft):
        assert bid.organisation.name not in text
    # Never a bid's own reference, content or price: only names and counts.
    for bid in bids:
        assert bid.reference not in text
    assert "40000" not in json.dumps(compiled)
