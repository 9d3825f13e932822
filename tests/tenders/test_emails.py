"""The emails a bid sends: the receipt to the lead's members, the request to a partner's
administrators, the answer back to the lead; nothing to anyone else."""

import pytest
from django.core import mail

from organisations.models import MembershipRole
from portal.formats import moment_in_words
from tenders import actions
from tests.factories import MembershipFactory
from tests.tenders.conftest import complete

pytestmark = pytest.mark.django_db


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_the_receipt_goes_to_the_leads_members_only(
    bid, bidder, publisher_member, django_capture_on_commit_callbacks
):
    colleague = MembershipFactory(organisation=bidder.organisation).user
    partner = MembershipFactory(role=MembershipRole.ADMIN)
    actions.add_partner(bid=bid, by=bidder, organisation=partner.organisation, share_percent=10)
    actions.answer_partnership(partner=bid.partners.get(), by=partner.user, accept=True)
    MembershipFactory()  # someone else entirely
    complete(bid, bidder)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        version = actions.submit(bid=bid, by=bidder)
    assert _recipients() == sorted([bidder.email, colleague.email])
    message = mail.outbox[0]
    assert bid.reference in message.subject
    body = message.body
    assert bid.reference in body and f"Version: {version.number}" in body
    assert version.sha256 in body
    assert moment_in_words(version.submitted_at) in body
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees another's address


def test_resubmitting_the_same_bid_sends_no_second_receipt(
    bid, bidder, django_capture_on_commit_callbacks
):
    complete(bid, bidder)
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit(bid=bid, by=bidder)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit(bid=bid, by=bidder)
    assert mail.outbox == []


def test_the_partner_request_goes_to_the_partners_administrators_only(
    bid, bidder, django_capture_on_commit_callbacks
):
    admin = MembershipFactory(role=MembershipRole.ADMIN)
    MembershipFactory(organisation=admin.organisation, role=MembershipRole.MEMBER)
    MembershipFactory(organisation=bidder.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        partner = actions.add_partner(
            bid=bid, by=bidder, organisation=admin.organisation, share_percent=25
        )
    assert _recipients() == [admin.user.email]
    body = mail.outbox[0].body
    assert bidder.organisation.name in body and "25%" in body
    assert f"/bids/partnerships/{partner.pk}/" in body


def test_an_unregistered_partner_is_sent_nothing(bid, bidder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_partner(
            bid=bid, by=bidder, name="Friends of the Park", identifier="GB-CHC-1", share_percent=5
        )
    assert mail.outbox == []


def test_the_partners_answer_goes_to_the_leads_members(
    bid, bidder, django_capture_on_commit_callbacks
):
    admin = MembershipFactory(role=MembershipRole.ADMIN)
    partner = actions.add_partner(
        bid=bid, by=bidder, organisation=admin.organisation, share_percent=25
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_partnership(partner=partner, by=admin.user, accept=False)
    assert _recipients() == [bidder.email]
    assert "declined" in mail.outbox[0].subject
