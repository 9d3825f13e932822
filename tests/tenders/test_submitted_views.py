"""The submitted bids, for the publisher's commissioners once the box is open."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tenders import actions
from tests.factories import MembershipFactory, PublisherFactory
from tests.tenders.conftest import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(bid, bidder):
    complete(bid, bidder)
    kept = actions.add_attachment(
        bid=bid, by=bidder, title="Plan", file=SimpleUploadedFile("plan.pdf", b"%PDF-1.7 plan")
    )
    actions.submit(bid=bid, by=bidder)
    later = actions.add_attachment(
        bid=bid, by=bidder, title="Later", file=SimpleUploadedFile("later.pdf", b"%PDF-1.7 x")
    )
    bid.refresh_from_db()
    return bid, kept, later


def _url(bid, name="tenders:submitted_bid", *extra):
    return reverse(name, args=[bid.tender.opportunity.reference, bid.reference, *extra])


def test_the_commissioner_reads_the_bid_as_submitted_once_the_box_is_open(
    client, submitted, publisher_member, time_machine
):
    bid, kept, later = submitted
    client.force_login(publisher_member)
    assert client.get(_url(bid)).status_code == 404  # sealed
    time_machine.move_to(bid.tender.opportunity.submission_deadline, tick=False)
    client.force_login(publisher_member)  # the session would have expired in 12 weeks
    assert client.get(_url(bid)).status_code == 404  # closed, not yet opened
    actions.open_box(tender=bid.tender, by=publisher_member)
    page = client.get(_url(bid)).text
    assert bid.current_version.sha256 in page
    assert "We will do it well." in page
    listed = client.get(reverse("tenders:tender", args=[bid.tender.opportunity.reference])).text
    assert bid.reference in listed and bid.organisation.name in listed
    # The file submitted with the version, never one added after it.
    download = client.get(_url(bid, "tenders:submitted_attachment", kept.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.7 plan"
    assert client.get(_url(bid, "tenders:submitted_attachment", later.pk)).status_code == 404


def test_nobody_else_reads_an_opened_box(client, submitted, bidder, publisher_member, time_machine):
    bid, kept, _later = submitted
    time_machine.move_to(bid.tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=bid.tender, by=publisher_member)
    for outsider in (MembershipFactory(organisation=PublisherFactory()).user, bidder):
        client.force_login(outsider)
        assert client.get(_url(bid)).status_code == 404
        assert client.get(_url(bid, "tenders:submitted_attachment", kept.pk)).status_code == 404
