"""A tender's OCDS releases: the box opened, an award intended, withdrawn and confirmed
(tenders.ocds, through the actions). tests/opendata/test_sealed_bids.py shows nothing
of a bid is published before the box is opened."""

import pytest

from opendata.models import Release
from opendata.ocds import ocid
from tenders import actions
from tests.tenders.award import moderate

pytestmark = pytest.mark.django_db


def releases(tender):
    rows = Release.objects.filter(ocid=ocid(tender.opportunity.reference)).order_by("number")
    return [row.release for row in rows]


@pytest.fixture
def moderated(opened_bids, tender, publisher_member):
    moderate(tender, publisher_member)
    return opened_bids


def intend(tender, lot, winners, by):
    return actions.send_intention(
        tender=tender, lot=lot, winners=winners, reason="Highest score.", by=by
    )


def test_opening_the_box_names_the_tenderers_and_counts_the_bids(opened_bids, tender):
    [opened] = releases(tender)

    assert opened["tag"] == ["tenderUpdate"]
    assert opened["tender"]["numberOfTenderers"] == 3
    names = {bid.organisation.name for bid in opened_bids}
    assert {t["name"] for t in opened["tender"]["tenderers"]} == names
    assert {p["name"] for p in opened["parties"] if p["roles"] == ["tenderer"]} == names
    statistics = {
        (s["measure"], s.get("relatedLot")): s["value"] for s in opened["bids"]["statistics"]
    }
    assert statistics[("bids", "1")] == statistics[("bids", "2")] == 3
    assert ("smeBids", "1") in statistics


def test_an_intended_award_is_pending_with_the_lots_valid_bids_and_prices(
    moderated, tender, publisher_member
):
    lot = tender.opportunity.lots.get(number=1)

    decision = intend(tender, lot, [moderated[0]], publisher_member)

    intended = releases(tender)[-1]
    assert intended["tag"] == ["award"]
    [award] = intended["awards"]
    assert award["status"] == "pending"
    assert award["relatedLots"] == ["1"]
    assert award["suppliers"] == [
        {
            "id": f"ocds-local0-org-{moderated[0].organisation_id}",
            "name": moderated[0].organisation.name,
        }
    ]
    assert award["value"] == {"amount": 40000, "currency": "GBP"}
    statistics = {s["measure"]: s for s in intended["bids"]["statistics"]}
    assert statistics["validBids"]["value"] == 3
    assert statistics["lowestValidBidValue"]["value"] == 40000
    assert statistics["highestValidBidValue"]["value"] == 60000
    assert {s["relatedLot"] for s in statistics.values()} == {"1"}
    assert award["id"] == f"{tender.opportunity.reference}-award-{decision.pk}"


def test_withdrawn_then_confirmed_awards_keep_their_ids_and_complete_the_tender(
    moderated, tender, publisher_member, time_machine
):
    first_lot, second_lot = tender.opportunity.lots.order_by("number")
    withdrawn = intend(tender, first_lot, [moderated[0]], publisher_member)
    actions.withdraw_decision(decision=withdrawn, by=publisher_member, reason="A scoring error.")
    first = intend(tender, first_lot, [moderated[1]], publisher_member)
    second = intend(tender, second_lot, [moderated[0]], publisher_member)
    time_machine.move_to(second.standstill_ends_at, tick=False)
    actions.confirm_award(decision=first, by=publisher_member)
    actions.confirm_award(decision=second, by=publisher_member)

    tags = [release["tag"] for release in releases(tender)]
    assert tags == [
        ["tenderUpdate"],
        ["award"],
        ["awardCancellation"],
        ["award"],
        ["award"],
        ["awardUpdate"],
        ["awardUpdate", "tenderUpdate"],
    ]
    cancelled, confirmed_first, confirmed_last = (releases(tender)[i] for i in (2, 5, 6))
    assert cancelled["awards"][0]["status"] == "cancelled"
    assert cancelled["awards"][0]["id"].endswith(f"-award-{withdrawn.pk}")
    assert confirmed_first["awards"][0]["status"] == "active"
    assert "tender" not in confirmed_first  # a lot is still to confirm
    assert confirmed_last["tender"] == {
        "id": tender.opportunity.reference,
        "status": "complete",
        "lots": [{"id": "1", "status": "complete"}, {"id": "2", "status": "complete"}],
    }
