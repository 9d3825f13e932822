"""A winning consortium bid, for the consortium change tests: a lead with a registered,
confirmed partner (20%) and an unregistered one (10%), chosen for award on both lots
against one other bid; the clock stays at the deadline, just after the box opened."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from organisations.identifiers import Scheme
from organisations.models import Identifier, MembershipRole
from tenders import actions
from tests.factories import MembershipFactory
from tests.tenders.award_rows import award_every_lot
from tests.tenders.conftest import complete, submitted_bids


@pytest.fixture(autouse=True)
def files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def evidence(name="agreement.pdf", content=b"%PDF-1.4 signed letters"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def admin_of_new_organisation():
    """An administrator of a new organisation (``user.organisation``)."""
    membership = MembershipFactory(role=MembershipRole.ADMIN)
    membership.user.organisation = membership.organisation
    return membership.user


@pytest.fixture
def winner(tender, publisher_member, time_machine):
    lead = admin_of_new_organisation()
    bid = actions.start_bid(tender=tender, organisation=lead.organisation, by=lead)
    complete(bid, lead)
    partner_admin = admin_of_new_organisation()
    registered = actions.add_partner(
        bid=bid, by=lead, organisation=partner_admin.organisation, share_percent=20
    )
    actions.answer_partnership(partner=registered, by=partner_admin, accept=True)
    actions.add_partner(bid=bid, by=lead, name="Ant Trust", identifier="1111111", share_percent=10)
    actions.submit(bid=bid, by=lead)
    submitted_bids(tender, ["50000"])
    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=publisher_member)
    award_every_lot(tender, [bid])
    bid.refresh_from_db()
    bid.lead = lead
    mail.outbox.clear()  # receipts and partnership emails: not what these tests are about
    return bid


@pytest.fixture
def joining():
    """An administrator of a registered organisation with a charity number, 2222222."""
    admin = admin_of_new_organisation()
    Identifier.objects.create(organisation=admin.organisation, scheme=Scheme.CHC, value="2222222")
    return admin


def partner_named(bid, name):
    return next(p for p in bid.partners.all() if p.display_name == name)
