# ruff: noqa: F811
"""The bidder's pages: starting a bid, the task list, each section, check and submit,
receipts, withdrawal, the deadline, and who may read a bid (nobody else: 404)."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tenders import actions
from tenders.models import Bid, Criterion
from tests.factories import MembershipFactory, WardFactory

# The fixture ``lead`` is imported for pytest to find; tests take it as an argument.
from tests.tenders.bidding import lead, partner_admin, section_urls, signed_in, url  # noqa: F401
from tests.tenders.conftest import complete, open_opportunity

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 a delivery plan"


# --- Starting a bid -----------------------------------------------------------------------


def test_a_member_starts_a_bid_and_lands_on_its_task_list(client, tender, bidder):
    signed_in(client, bidder)
    start = reverse("tenders:start_bid", args=[tender.opportunity.reference])
    page = client.get(start)
    assert b"Start a bid" in page.content
    response = client.post(start)
    bid = Bid.objects.get(tender=tender, organisation=bidder.organisation)
    assert response.url == url("bid", bid)
    assert client.get(start).url == url("bid", bid)  # the same bid, not another


def test_a_visitor_is_asked_to_sign_in(visitor, tender):
    response = visitor.get(reverse("tenders:start_bid", args=[tender.opportunity.reference]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_someone_without_an_organisation_is_told_they_need_one(member, tender):
    response = member.get(reverse("tenders:start_bid", args=[tender.opportunity.reference]))
    assert b"You need to belong to an organisation" in response.content


def test_bidding_has_not_started_while_the_method_is_incomplete(
    client, tender, bidder, publisher_member
):
    actions.update_tender(tender=tender, by=publisher_member, price_weight=Decimal(10))
    signed_in(client, bidder)
    response = client.post(reverse("tenders:start_bid", args=[tender.opportunity.reference]))
    assert b"Bidding has not started" in response.content
    assert not Bid.objects.exists()


def test_after_the_deadline_the_start_page_gives_the_deadline_in_words(client, tender, bidder):
    deadline = tender.opportunity.submission_deadline
    with time_machine.travel(deadline + timedelta(minutes=1)):
        signed_in(client, bidder)  # a session from 12 weeks before would have expired
        response = client.post(reverse("tenders:start_bid", args=[tender.opportunity.reference]))
    assert b"Bids closed at" in response.content and b"(UK time)" in response.content
    assert not Bid.objects.exists()


# --- Who reads a bid ----------------------------------------------------------------------


def test_the_lead_reads_every_page_of_the_bid(lead):
    for page in section_urls(lead.bid):
        assert lead.get(page).status_code == 200, page


@pytest.mark.parametrize("persona", ["other_member", "visitor", "site_admin", "commissioner"])
def test_outsiders_get_404_on_every_page(request, persona, bid):
    client = request.getfixturevalue(persona)
    for page in section_urls(bid):
        assert client.get(page).status_code == 404, page
    for page in section_urls(bid, forms_only=True):
        assert client.post(page, {"text": "x", "later": ""}).status_code == 404, page


def test_the_publishers_commissioner_gets_404_before_opening(client, bid, publisher_member):
    signed_in(client, publisher_member)
    for page in section_urls(bid):
        assert client.get(page).status_code == 404, page


def test_a_partner_not_yet_confirmed_gets_404(client, bid):
    signed_in(client, partner_admin(bid, confirm=False))
    assert client.get(url("bid", bid)).status_code == 404


def test_a_confirmed_partner_reads_but_cannot_change(client, bid):
    signed_in(client, partner_admin(bid, confirm=True))
    criterion = bid.tender.criteria.first()
    page = client.get(url("bid_answer", bid, criterion.pk))
    assert page.status_code == 200
    assert b"<textarea" not in page.content and b"only" in page.content
    response = client.post(url("bid_answer", bid, criterion.pk), {"text": "Ours now"})
    assert response.status_code == 404
    assert not bid.answers.exists()


# --- The task list ------------------------------------------------------------------------


def test_the_task_list_shows_each_section_and_what_is_missing(lead):
    response = lead.get(url("bid", lead.bid))
    html = response.content.decode()
    assert "govuk-task-list" in html
    assert "Lots you are bidding for" in html and "Choose at least one lot" in html
    assert "Not started" in html and "Draft" in html
    assert "Bids close at" in html
    assert url("bid_attachments", lead.bid) in html
    assert url("bid_submit", lead.bid) in html


def test_a_completed_section_says_so(lead, bidder):
    lot = lead.bid.tender.opportunity.lots.first()
    actions.save_lots(bid=lead.bid, lots=[lot], by=bidder)
    html = lead.get(url("bid", lead.bid)).content.decode()
    assert "Completed" in html


# --- Sections -----------------------------------------------------------------------------


def test_choosing_lots_saves_and_continues_to_the_next_section(lead):
    lots = list(lead.bid.tender.opportunity.lots.all())
    response = lead.post(url("bid_lots", lead.bid), {"lots": [lots[0].pk], "continue": ""})
    assert list(lead.bid.lots.all()) == [lots[0]]
    assert response.url == url("bid_partners", lead.bid)


def test_save_and_come_back_later_returns_to_the_task_list(lead):
    lot = lead.bid.tender.opportunity.lots.first()
    response = lead.post(url("bid_lots", lead.bid), {"lots": [lot.pk], "later": ""})
    assert response.url == url("bid", lead.bid)


def test_an_answer_is_saved_with_a_word_count(lead):
    criterion = lead.bid.tender.criteria.first()
    page = lead.get(url("bid_answer", lead.bid, criterion.pk))
    html = page.content.decode()
    assert f'data-maxwords="{criterion.word_limit}"' in html
    assert criterion.question in html and criterion.descriptors[5] in html
    lead.post(url("bid_answer", lead.bid, criterion.pk), {"text": "We know the area.", "later": ""})
    assert lead.bid.answers.get(criterion=criterion).text == "We know the area."


def test_an_answer_over_the_word_limit_is_refused_and_kept(lead):
    criterion = lead.bid.tender.criteria.first()
    text = "word " * (criterion.word_limit + 1)
    response = lead.post(url("bid_answer", lead.bid, criterion.pk), {"text": text, "later": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "words or fewer" in html
    assert text.strip()[:200] in html
    assert not lead.bid.answers.exists()


def test_a_per_lot_question_is_answered_for_each_lot(lead, publisher_member):
    tender = lead.bid.tender
    criterion = tender.criteria.first()
    Criterion.objects.filter(pk=criterion.pk).update(per_lot=True)
    lot = tender.opportunity.lots.first()
    assert lead.get(url("bid_answer", lead.bid, criterion.pk)).status_code == 404
    lead.post(url("bid_answer", lead.bid, criterion.pk, lot.pk), {"text": "For lot one"})
    assert lead.bid.answers.get(criterion=criterion).lot == lot


def _price_form(line, price, **breakdown):
    return {f"line_{line.pk}": price, **breakdown, "later": ""}


BREAKDOWN = {
    "direct_delivery": "£30,000",
    "staff": "5,000",
    "volunteer_expenses": "1,000",
    "overheads": "4,000",
}


def test_a_price_is_saved_with_its_breakdown(lead):
    lot = lead.bid.tender.opportunity.lots.first()
    line = lead.bid.tender.price_lines.get(lot=lot)
    response = lead.post(
        url("bid_price", lead.bid, lot.pk), _price_form(line, "£40,000", **BREAKDOWN)
    )
    assert response.status_code == 302
    assert lead.bid.prices.get().unit_price == Decimal(40000)
    page = lead.get(url("bid_price", lead.bid, lot.pk)).content.decode()
    assert "£40,000.00" in page and "Share of overheads" in page


def test_a_negative_price_is_refused(lead):
    lot = lead.bid.tender.opportunity.lots.first()
    line = lead.bid.tender.price_lines.get(lot=lot)
    response = lead.post(url("bid_price", lead.bid, lot.pk), _price_form(line, "-5", **BREAKDOWN))
    assert b"govuk-error-summary" in response.content and b"0 or more" in response.content
    assert not lead.bid.prices.exists()


def test_a_breakdown_that_does_not_add_up_is_refused(lead):
    lot = lead.bid.tender.opportunity.lots.first()
    line = lead.bid.tender.price_lines.get(lot=lot)
    response = lead.post(
        url("bid_price", lead.bid, lot.pk), _price_form(line, "50,000", **BREAKDOWN)
    )
    assert b"must be the same" in response.content
    assert not lead.bid.prices.exists()


def test_partners_are_added_from_the_directory_or_by_name_and_removed(lead):
    other = MembershipFactory().organisation
    page = lead.get(url("bid_partners", lead.bid), {"q": other.name})
    assert f"?add={other.pk}".encode() in page.content
    assert other.name.encode() in lead.get(url("bid_partners", lead.bid), {"add": other.pk}).content
    lead.post(
        url("bid_partners", lead.bid),
        {"organisation": other.pk, "kind": "partner", "share_percent": "30", "add": ""},
    )
    lead.post(
        url("bid_partners", lead.bid),
        {
            "other-name": "Friends of the Park",
            "other-identifier": "GB-CHC-123456",
            "other-kind": "subcontractor",
            "other-share_percent": "10",
            "add_other": "",
        },
    )
    html = lead.get(url("bid_partners", lead.bid)).content.decode()
    assert "Waiting for confirmation" in html and "Friends of the Park" in html
    partner = lead.bid.partners.get(organisation=other)
    lead.post(url("bid_partners", lead.bid), {"remove": partner.pk})
    assert list(lead.bid.partners.values_list("name", flat=True)) == ["Friends of the Park"]


def test_the_partner_board_is_offered_first(lead):
    from opportunities import actions as opportunity_actions

    listed = MembershipFactory()
    opportunity_actions.list_for_partners(
        opportunity=lead.bid.tender.opportunity,
        organisation=listed.organisation,
        by=listed.user,
        role="partner",
        message="We run lunch clubs.",
    )
    html = lead.get(url("bid_partners", lead.bid)).content.decode()
    assert f"?add={listed.organisation.pk}" in html


def test_a_share_leaving_nothing_for_the_lead_is_refused(lead):
    other = MembershipFactory().organisation
    response = lead.post(
        url("bid_partners", lead.bid),
        {"organisation": other.pk, "kind": "partner", "share_percent": "100", "add": ""},
    )
    assert b"govuk-error-summary" in response.content
    assert not lead.bid.partners.exists()


def test_social_value_commitments_are_added_and_removed(lead):
    ward = WardFactory()
    lead.post(
        url("bid_social_value", lead.bid),
        {
            "measure": "Local apprenticeships",
            "quantity": "3",
            "unit": "apprenticeships",
            "wards": [ward.pk],
            "add": "",
        },
    )
    commitment = lead.bid.commitments.get()
    assert list(commitment.wards.all()) == [ward]
    assert ward.name.encode() in lead.get(url("bid_social_value", lead.bid)).content
    lead.post(url("bid_social_value", lead.bid), {"remove": commitment.pk})
    assert not lead.bid.commitments.exists()


def test_a_commitment_needs_wards_or_the_whole_city(lead):
    response = lead.post(
        url("bid_social_value", lead.bid),
        {"measure": "Hours", "quantity": "3", "unit": "hours", "add": ""},
    )
    assert b"whole city" in response.content and b"govuk-error-summary" in response.content


def test_declarations_and_other_funding_are_saved(lead):
    lead.post(
        url("bid_declarations", lead.bid),
        {
            "funding-funder": "Lottery",
            "funding-activity": "Lunch clubs",
            "funding-amount": "£12,000",
            "funding-starts_on": "1/4/2026",
            "add_funding": "",
        },
    )
    funding = lead.bid.funding.get()
    assert funding.amount == Decimal(12000)
    response = lead.post(
        url("bid_declarations", lead.bid),
        {
            "has_other_funding": "yes",
            "has_conflicts": "no",
            "living_wage": "accredited",
            "continue": "",
        },
    )
    assert response.status_code == 302
    bid = Bid.objects.get(pk=lead.bid.pk)
    assert (bid.has_other_funding, bid.has_conflicts, bid.living_wage) == (
        True,
        False,
        "accredited",
    )
    lead.post(url("bid_declarations", lead.bid), {"remove_funding": funding.pk})
    assert not bid.funding.exists()


def test_conflicts_need_describing(lead):
    response = lead.post(
        url("bid_declarations", lead.bid),
        {"has_other_funding": "no", "has_conflicts": "yes", "living_wage": "pays", "later": ""},
    )
    assert b"Describe the conflicts of interest" in response.content


def test_the_details_page_shows_the_registry_and_flags_an_expired_document(lead):
    from organisations.models import Document, DocumentKind

    Document.objects.create(
        organisation=lead.bid.organisation,
        kind=DocumentKind.INSURANCE,
        title="Public liability insurance",
        file=SimpleUploadedFile("insurance.pdf", PDF),
        expires_on="2020-01-01",
    )
    html = lead.get(url("bid_details", lead.bid)).content.decode()
    assert lead.bid.organisation.name in html
    assert "Expired" in html and "Upload a current one" in html
    assert "<input" not in html.split("govuk-main-wrapper")[1]


def test_attachments_are_uploaded_downloaded_by_members_only_and_removed(lead):
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    lead.post(
        url("bid_attachments", lead.bid), {"title": "Delivery plan", "file": upload, "upload": ""}
    )
    attachment = lead.bid.attachments.get()
    download = lead.get(url("bid_attachment", lead.bid, attachment.pk))
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF
    lead.post(url("bid_attachments", lead.bid), {"remove": attachment.pk})
    assert not lead.bid.attachments.filter(removed_at=None).exists()
    outsider = signed_in(Client(), MembershipFactory().user)
    assert outsider.get(url("bid_attachment", lead.bid, attachment.pk)).status_code == 404


def test_a_program_is_not_attached(lead):
    upload = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00", content_type="application/pdf")
    response = lead.post(
        url("bid_attachments", lead.bid), {"title": "Plan", "file": upload, "upload": ""}
    )
    assert b"govuk-error-summary" in response.content
    assert not lead.bid.attachments.exists()


# --- Check and submit ---------------------------------------------------------------------


def test_an_incomplete_bid_lists_what_is_missing_and_is_not_submitted(lead):
    page = lead.get(url("bid_submit", lead.bid)).content.decode()
    assert "You cannot submit yet" in page and "Choose at least one lot" in page
    assert "Submit bid" not in page
    response = lead.post(url("bid_submit", lead.bid))
    assert b"Your bid was not submitted" in response.content
    assert Bid.objects.get(pk=lead.bid.pk).current_version is None


def test_submitting_shows_the_receipt_and_resubmitting_the_same_gives_the_same(lead, bidder):
    complete(lead.bid, bidder)
    page = lead.get(url("bid_submit", lead.bid)).content.decode()
    assert "govuk-summary-card" in page and "We will do it well." in page and "Submit bid" in page
    response = lead.post(url("bid_submit", lead.bid))
    version = Bid.objects.get(pk=lead.bid.pk).current_version
    assert response.url == url("bid_receipt", lead.bid, version.number)
    receipt = lead.get(response.url).content.decode()
    assert version.sha256 in receipt and lead.bid.reference in receipt
    assert "(UK time)" in receipt and "emailed" in receipt
    again = lead.post(url("bid_submit", lead.bid))
    assert again.url == response.url
    assert lead.bid.versions.count() == 1
    assert (
        "Submit again to replace your bid" in lead.get(url("bid_submit", lead.bid)).content.decode()
    )
    versions = lead.get(url("bid_versions", lead.bid)).content.decode()
    assert version.sha256 in versions


def test_a_submitted_bid_is_withdrawn_after_confirming(lead, bidder):
    complete(lead.bid, bidder)
    actions.submit(bid=lead.bid, by=bidder)
    assert b"Withdraw bid" in lead.get(url("bid_withdraw", lead.bid)).content
    response = lead.post(url("bid_withdraw", lead.bid))
    assert response.url == url("bid", lead.bid)
    assert Bid.objects.get(pk=lead.bid.pk).is_withdrawn
    assert b"Withdrawn" in lead.get(url("bid", lead.bid)).content


def test_after_the_deadline_edits_are_refused_with_the_deadline(lead):
    criterion = lead.bid.tender.criteria.first()
    deadline = lead.bid.tender.opportunity.submission_deadline
    with time_machine.travel(deadline + timedelta(seconds=1)):
        lead.force_login(lead.user)  # a session from 12 weeks before would have expired
        response = lead.post(url("bid_answer", lead.bid, criterion.pk), {"text": "Too late"})
        page = lead.get(url("bid_answer", lead.bid, criterion.pk)).content.decode()
        submit = lead.post(url("bid_submit", lead.bid))
    html = response.content.decode()
    assert "The deadline for bids was" in html and "reached the portal 1 second after it" in html
    assert not lead.bid.answers.exists()
    assert "nobody can change it" in page and "<textarea" not in page
    assert b"The deadline for bids was" in submit.content


@pytest.mark.parametrize("trusted", [True, False])
def test_a_bid_nginx_received_before_the_deadline_counts_though_django_got_it_after(
    lead, bidder, settings, trusted
):
    """In a rush a submission can wait in gunicorn's queue past the deadline: behind
    nginx (TRUST_REQUEST_START) it is judged by when nginx received it."""
    settings.TRUST_REQUEST_START = trusted
    complete(lead.bid, bidder)
    deadline = lead.bid.tender.opportunity.submission_deadline
    sent = (deadline - timedelta(seconds=2)).replace(microsecond=125000)  # nginx gives ms
    with time_machine.travel(deadline + timedelta(seconds=3), tick=False):
        lead.force_login(lead.user)
        response = lead.post(
            url("bid_submit", lead.bid), HTTP_X_REQUEST_START=f"t={sent.timestamp():.3f}"
        )
    bid = Bid.objects.get(pk=lead.bid.pk)
    if trusted:
        assert response.status_code == 302
        assert bid.current_version.submitted_at == sent
    else:
        assert "reached the portal 3 seconds after it" in response.content.decode()
        assert bid.current_version is None


# --- Query counts -------------------------------------------------------------------------


def _grow(bid, n):
    """Give ``bid``'s tender ``n`` questions and the bid ``n`` partners, answers included."""
    tender = bid.tender
    for number in range(100, 100 + n):
        criterion = Criterion.objects.create(
            tender=tender,
            group="quality",
            number=number,
            question=f"Question {number}",
            weight=Decimal(1),
            descriptors=["None", "Some", "All"],
        )
        actions.save_answer(bid=bid, criterion=criterion, by=bid.created_by, text="An answer")
        organisation = MembershipFactory().organisation
        actions.add_partner(
            bid=bid, by=bid.created_by, organisation=organisation, share_percent=Decimal(1)
        )


def _bid_with(n, publisher_member):
    """A complete bid on a tender of its own, grown by ``n`` questions and ``n`` partners."""
    opportunity = open_opportunity(publisher_member.memberships.get().organisation)
    tender = actions.create_tender(opportunity=opportunity, by=publisher_member)
    membership = MembershipFactory(role="admin")
    bid = actions.start_bid(tender=tender, organisation=membership.organisation, by=membership.user)
    complete(bid, membership.user)
    _grow(bid, n)
    return bid, membership.user


@pytest.mark.parametrize("name", ["bid", "bid_submit"])
def test_query_counts_do_not_grow_with_questions_or_partners(
    client, publisher_member, name, django_assert_max_num_queries
):
    small, small_user = _bid_with(2, publisher_member)
    large, large_user = _bid_with(10, publisher_member)
    signed_in(client, small_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(name, small)).status_code == 200
    signed_in(client, large_user)
    with django_assert_max_num_queries(len(queries)):
        response = client.get(url(name, large))
    assert response.status_code == 200 and b"Question 109" in response.content


# --- On the opportunity's page and the member's activity ----------------------------------


def test_the_opportunity_page_offers_to_start_then_to_continue_a_bid(client, tender, bidder):
    page = reverse("opportunities:detail", args=[tender.opportunity.reference])
    signed_in(client, bidder)
    assert reverse("tenders:start_bid", args=[tender.opportunity.reference]) in (
        client.get(page).content.decode()
    )
    bid = actions.start_bid(tender=tender, organisation=bidder.organisation, by=bidder)
    html = client.get(page).content.decode()
    assert "Continue your bid" in html and url("bid", bid) in html


def test_the_activity_page_lists_bids_and_requests_to_join_one(client, bid, bidder):
    admin = partner_admin(bid, confirm=False)
    html = signed_in(client, bidder).get(reverse("opportunities:activity")).content.decode()
    assert url("bid", bid) in html and "Draft" in html
    html = signed_in(client, admin).get(reverse("opportunities:activity")).content.decode()
    assert reverse("tenders:partnership", args=[admin.partner.pk]) in html
    assert url("bid", bid) not in html  # not until they confirm
