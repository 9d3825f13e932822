from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from opportunities import actions
from opportunities.models import PartnerContact, PartnerListing, PartnerRole
from organisations.models import MembershipRole
from tests.concurrency import RACERS, run_together
from tests.factories import MembershipFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lister():
    return MembershipFactory(organisation__name="Lead Charity", organisation__slug="lead-charity")


@pytest.fixture
def sender():
    return MembershipFactory(
        organisation__name="Small Group",
        organisation__slug="small-group",
        user__full_name="Priya Sender",
        user__email="priya@small.example",
    )


def list_(opportunity, membership, role=PartnerRole.LEAD, message="We will lead."):
    return actions.list_for_partners(
        opportunity=opportunity,
        organisation=membership.organisation,
        by=membership.user,
        role=role,
        message=message,
    )


def contact(listing, membership, message="We run youth clubs in Aston."):
    return actions.contact_partner(
        listing=listing, organisation=membership.organisation, by=membership.user, message=message
    )


# --- Listing ---------------------------------------------------------------------------


def test_listing_twice_updates_the_one_live_listing(lister):
    opportunity = OpportunityFactory()
    first = list_(opportunity, lister)
    second = list_(opportunity, lister, role=PartnerRole.PARTNER, message="Now a partner.")
    assert first.pk == second.pk
    listing = PartnerListing.objects.get()
    assert listing.role == PartnerRole.PARTNER
    assert listing.message == "Now a partner."


def test_after_withdrawing_an_organisation_can_list_again(lister):
    opportunity = OpportunityFactory()
    listing = list_(opportunity, lister)
    actions.withdraw_listing(listing=listing, by=lister.user)
    actions.withdraw_listing(listing=listing, by=lister.user)
    list_(opportunity, lister)
    assert PartnerListing.objects.count() == 2
    assert PartnerListing.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_only_members_list_or_withdraw(lister):
    opportunity = OpportunityFactory()
    with pytest.raises(PermissionError):
        actions.list_for_partners(
            opportunity=opportunity,
            organisation=lister.organisation,
            by=UserFactory(),
            role=PartnerRole.LEAD,
            message="x",
        )
    listing = list_(opportunity, lister)
    with pytest.raises(PermissionError):
        actions.withdraw_listing(listing=listing, by=UserFactory())


def test_no_listing_once_the_opportunity_has_closed(lister):
    opportunity = OpportunityFactory(cancelled_at=timezone.now())
    with pytest.raises(ValueError):
        list_(opportunity, lister)


def test_an_empty_message_or_unknown_role_is_refused(lister):
    with pytest.raises(ValidationError):
        list_(OpportunityFactory(), lister, message="  ")
    with pytest.raises(ValidationError):
        list_(OpportunityFactory(), lister, role="boss")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_listing_submitted_many_times_at_once_makes_one_live_listing(lister):
    opportunity = OpportunityFactory()
    results, errors = run_together(lambda i: list_(opportunity, lister, message=f"Take {i}.").pk)
    assert errors == []
    listing = PartnerListing.objects.get()
    assert set(results) == {listing.pk}


# --- Contacting ------------------------------------------------------------------------


def test_a_contact_is_relayed_without_anyones_email_address(
    lister, sender, django_capture_on_commit_callbacks
):
    colleague = MembershipFactory(organisation=lister.organisation)
    listing = list_(OpportunityFactory(), lister)
    with django_capture_on_commit_callbacks(execute=True):
        contact(listing, sender)
    recorded = PartnerContact.objects.get()
    assert recorded.organisation == sender.organisation
    assert recorded.sent_by == sender.user
    assert sorted(a for m in mail.outbox for a in m.to) == sorted(
        [lister.user.email, colleague.user.email]
    )
    message = mail.outbox[0]
    assert "Small Group" in message.subject
    assert "Priya Sender of Small Group" in message.body
    assert "We run youth clubs in Aston." in message.body
    assert "/organisations/small-group/" in message.body
    assert "priya@small.example" not in message.body
    assert message.reply_to == []
    assert "priya@small.example" not in str(message.message())


def test_an_organisation_cannot_contact_itself(lister):
    listing = list_(OpportunityFactory(), lister)
    with pytest.raises(ValueError):
        contact(listing, lister)


def test_a_withdrawn_listing_cannot_be_contacted(lister, sender):
    listing = list_(OpportunityFactory(), lister)
    actions.withdraw_listing(listing=listing, by=lister.user)
    with pytest.raises(ValueError):
        contact(listing, sender)


def test_one_contact_a_day_per_organisation_and_listing(lister, sender):
    listing = list_(OpportunityFactory(), lister)
    contact(listing, sender)
    with pytest.raises(ValidationError):
        contact(listing, sender, "Again!")
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        contact(listing, sender, "A day later.")
    assert PartnerContact.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_contact_submitted_many_times_at_once_is_sent_once(lister, sender):
    listing = list_(OpportunityFactory(), lister)
    results, errors = run_together(lambda i: contact(listing, sender).pk)
    assert len(PartnerContact.objects.all()) == 1
    assert len(mail.outbox) == 1
    assert len(errors) == RACERS - 1
    assert all(isinstance(error, ValidationError) for error in errors)


def test_only_members_contact_for_their_organisation(lister, sender):
    listing = list_(OpportunityFactory(), lister)
    with pytest.raises(PermissionError):
        actions.contact_partner(
            listing=listing, organisation=sender.organisation, by=UserFactory(), message="Hi"
        )


# --- Pages -----------------------------------------------------------------------------


def test_the_board_lists_other_organisations_with_profile_and_contact_links(
    organisation_admin, lister
):
    opportunity = OpportunityFactory()
    listing = list_(opportunity, lister, message="Looking for a partner in Ladywood.")
    text = organisation_admin.get(f"/opportunities/{opportunity.reference}/partners/").text
    assert 'href="/organisations/lead-charity/"' in text
    assert "Looking for a partner in Ladywood." in text
    assert f"/opportunities/{opportunity.reference}/partners/{listing.pk}/contact/" in text


def test_a_member_lists_their_organisation_then_withdraws(organisation_admin):
    opportunity = OpportunityFactory()
    url = f"/opportunities/{opportunity.reference}/partners/"
    response = organisation_admin.post(
        url, {"role": PartnerRole.SUBCONTRACTOR, "message": "We do transport."}, follow=True
    )
    listing = PartnerListing.objects.get()
    assert listing.organisation == organisation_admin.organisation
    assert "Take us off the list" in response.text
    organisation_admin.post(f"{url}withdraw/")
    listing.refresh_from_db()
    assert listing.withdrawn_at is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_listing_form_submitted_from_many_tabs_at_once_gets_a_page_every_time():
    membership = MembershipFactory(role=MembershipRole.ADMIN)
    opportunity = OpportunityFactory()
    url = f"/opportunities/{opportunity.reference}/partners/"

    def post(i):
        client = Client(raise_request_exception=False)
        client.force_login(membership.user)
        return client.post(url, {"role": PartnerRole.LEAD, "message": "We will lead."})

    responses, errors = run_together(post)
    assert errors == []
    assert {(r.status_code, r["Location"]) for r in responses} == {(302, url)}
    assert PartnerListing.objects.get().organisation == membership.organisation


def test_a_missing_message_is_explained(organisation_admin):
    opportunity = OpportunityFactory()
    response = organisation_admin.post(
        f"/opportunities/{opportunity.reference}/partners/", {"role": PartnerRole.LEAD}
    )
    assert "There is a problem" in response.text
    assert "Say what your organisation offers and looks for" in response.text
    assert not PartnerListing.objects.exists()


def test_a_member_contacts_a_listed_organisation(
    organisation_admin, lister, django_capture_on_commit_callbacks
):
    opportunity = OpportunityFactory()
    listing = list_(opportunity, lister)
    url = f"/opportunities/{opportunity.reference}/partners/{listing.pk}/contact/"
    assert "Contact Lead Charity" in organisation_admin.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        response = organisation_admin.post(url, {"message": "Shall we talk?"})
    assert response.status_code == 302
    assert PartnerContact.objects.get().organisation == organisation_admin.organisation
    assert mail.outbox[0].to == [lister.user.email]


def test_a_contact_that_shares_an_address_can_be_answered_by_replying_to_the_email(
    lister, sender, django_capture_on_commit_callbacks
):
    listing = list_(OpportunityFactory(), lister)
    with django_capture_on_commit_callbacks(execute=True):
        actions.contact_partner(
            listing=listing,
            organisation=sender.organisation,
            by=sender.user,
            message="Shall we bid together?",
            share_address=True,
        )
    [message] = mail.outbox
    assert message.reply_to == ["priya@small.example"]
    assert "your reply goes to priya@small.example" in message.body


def test_the_listing_organisation_replies_through_the_portal_and_the_writer_is_emailed(
    client, lister, sender, django_capture_on_commit_callbacks
):
    opportunity = OpportunityFactory()
    listing = list_(opportunity, lister)
    with django_capture_on_commit_callbacks(execute=True):
        request = contact(listing, sender)
    [relayed] = mail.outbox
    reply_url = f"/opportunities/{opportunity.reference}/partners/replies/{request.pk}/"
    assert f"http://testserver{reply_url}" in relayed.body or reply_url in relayed.body
    assert "Replying to this email reaches nobody" in relayed.body

    client.force_login(lister.user)
    page = client.get(reply_url).text
    assert "We run youth clubs in Aston." in page
    assert "What Small Group will see" in page
    assert f"Let them reply to me by email at {lister.user.email}" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reply_url, {"message": "Yes: call us on Monday."})
    assert response.status_code == 302
    [answer] = mail.outbox
    assert answer.to == ["priya@small.example"]
    assert "Lead Charity replied" in answer.subject
    assert "Yes: call us on Monday." in answer.body
    assert "We run youth clubs in Aston." in answer.body  # what they wrote, under it
    assert answer.reply_to == []
    assert lister.user.email not in answer.body
    reply = PartnerContact.objects.get(in_reply_to=request)
    assert (reply.organisation, reply.sent_by) == (lister.organisation, lister.user)


def test_only_the_listing_organisations_members_see_a_request_to_reply_to(
    client, lister, sender, django_capture_on_commit_callbacks
):
    opportunity = OpportunityFactory()
    request = contact(list_(opportunity, lister), sender)
    reply_url = f"/opportunities/{opportunity.reference}/partners/replies/{request.pk}/"
    for outsider in (sender.user, MembershipFactory().user, UserFactory()):
        client.force_login(outsider)
        assert client.get(reply_url).status_code == 404
    client.force_login(lister.user)
    reply = actions.reply_to_partner(contact=request, by=lister.user, message="Hello")
    # A reply is answered by writing to the listing again, not by replying to it.
    assert (
        client.get(
            f"/opportunities/{opportunity.reference}/partners/replies/{reply.pk}/"
        ).status_code
        == 404
    )


def test_one_reply_a_day_to_a_request(lister, sender):
    request = contact(list_(OpportunityFactory(), lister), sender)
    actions.reply_to_partner(contact=request, by=lister.user, message="Hello")
    with pytest.raises(ValidationError, match="replied to Small Group in the last day"):
        actions.reply_to_partner(contact=request, by=lister.user, message="Hello again")
    with pytest.raises(PermissionError):
        actions.reply_to_partner(contact=request, by=sender.user, message="Not theirs")


def test_the_contact_form_says_exactly_what_the_recipient_will_see(organisation_admin, lister):
    opportunity = OpportunityFactory()
    listing = list_(opportunity, lister)
    url = f"/opportunities/{opportunity.reference}/partners/{listing.pk}/contact/"
    page = organisation_admin.get(url).text
    assert "What Lead Charity will see" in page
    assert escape(organisation_admin.user.full_name) in page  # O'Donnell is escaped
    assert f"Let them reply to me by email at {organisation_admin.user.email}" in page


def test_an_organisation_cannot_open_a_contact_form_to_itself(client, lister):
    client.force_login(lister.user)
    opportunity = OpportunityFactory()
    listing = list_(opportunity, lister)
    url = f"/opportunities/{opportunity.reference}/partners/{listing.pk}/contact/"
    assert client.get(url).status_code == 404


def test_a_listing_on_another_opportunity_is_not_found(organisation_admin, lister):
    listing = list_(OpportunityFactory(), lister)
    other = OpportunityFactory()
    url = f"/opportunities/{other.reference}/partners/{listing.pk}/contact/"
    assert organisation_admin.get(url).status_code == 404


def test_visitors_are_sent_to_sign_in(visitor):
    opportunity = OpportunityFactory()
    response = visitor.get(f"/opportunities/{opportunity.reference}/partners/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_someone_without_an_organisation_is_told_to_register_one(member):
    opportunity = OpportunityFactory()
    response = member.post(
        f"/opportunities/{opportunity.reference}/partners/",
        {"role": PartnerRole.LEAD, "message": "Hi"},
    )
    assert "You need to belong to an organisation" in response.text
    assert not PartnerListing.objects.exists()


def test_no_partner_board_for_a_draft(other_member):
    opportunity = OpportunityFactory(published_at=None)
    assert other_member.get(f"/opportunities/{opportunity.reference}/partners/").status_code == 404


def test_a_closed_opportunitys_board_takes_no_new_listings(other_member):
    opportunity = OpportunityFactory(cancelled_at=timezone.now())
    url = f"/opportunities/{opportunity.reference}/partners/"
    assert "no new organisations can be listed" in other_member.get(url).text
    other_member.post(url, {"role": PartnerRole.LEAD, "message": "Late"})
    assert not PartnerListing.objects.exists()


# --- Rate limits -----------------------------------------------------------------------


@pytest.mark.usefixtures("rate_limits")
def test_an_account_contacts_at_most_ten_partners_a_day(organisation_admin, client):
    opportunity = OpportunityFactory()
    listings = [list_(opportunity, MembershipFactory()) for _ in range(12)]
    board = f"/opportunities/{opportunity.reference}/partners/"

    def contact_page(client, listing):
        client.force_login(client.user)  # sessions last 12 hours
        return client.post(f"{board}{listing.pk}/contact/", {"message": "Shall we talk?"})

    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=UTC), tick=False):
        for listing in listings[:10]:
            assert contact_page(organisation_admin, listing)["Location"] == board
        response = contact_page(organisation_admin, listings[10])
        assert response.status_code == 429
        assert "You have tried this too many times" in response.text
        assert PartnerContact.objects.count() == 10
        client.user = MembershipFactory().user
        assert contact_page(client, listings[10])["Location"] == board
        client.user = organisation_admin.user
    with time_machine.travel(datetime(2026, 12, 8, 9, 0, tzinfo=UTC), tick=False):
        assert contact_page(client, listings[11])["Location"] == board
