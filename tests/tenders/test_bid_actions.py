"""Bidding through the actions: drafts, the task list, submission and its receipt,
replacement, withdrawal, the deadline by the server's clock, and consortium partners."""

import datetime
import hashlib
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from organisations.models import MembershipRole
from tenders import actions, receipts
from tenders.models import Bid, BidVersion, Tender, TenderEvent
from tenders.queries import checklist, missing_from, submitted_counts
from tests.concurrency import run_together
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.tenders.conftest import complete, open_opportunity

pytestmark = pytest.mark.django_db


# --- Starting and drafting -------------------------------------------------------------------


def test_a_member_starts_one_bid_per_organisation(tender, bidder, bid):
    assert bid.is_draft
    assert bid.reference.startswith("B-") and len(bid.reference) == 10
    again = actions.start_bid(tender=tender, organisation=bidder.organisation, by=bidder)
    assert again == bid


def test_only_members_bid_and_never_the_publisher(tender, bidder, publisher_member):
    with pytest.raises(PermissionError):
        actions.start_bid(tender=tender, organisation=OrganisationFactory(), by=bidder)
    with pytest.raises(ValueError):
        actions.start_bid(
            tender=tender, organisation=tender.opportunity.publisher, by=publisher_member
        )


def test_bidding_waits_for_a_complete_method(tender, bidder, publisher_member):
    actions.update_tender(tender=tender, by=publisher_member, price_weight=Decimal(10))
    with pytest.raises(ValueError):
        actions.start_bid(tender=tender, organisation=bidder.organisation, by=bidder)


def test_a_new_bid_lists_everything_missing(bid):
    missing = missing_from(checklist(bid))
    assert missing[0] == "Choose at least one lot"
    assert "Add at least one social value commitment" in missing
    assert "Say whether you pay the Real Living Wage" in missing


def test_a_complete_bid_has_nothing_missing(bid, bidder):
    complete(bid, bidder)
    assert missing_from(checklist(bid)) == []


def test_an_answer_over_the_word_limit_is_refused_and_not_saved(tender, bid, bidder):
    criterion = tender.criteria.first()
    with pytest.raises(ValidationError) as error:
        actions.save_answer(bid=bid, criterion=criterion, by=bidder, text="word " * 501)
    assert error.value.message_dict == {
        "text": ["Your answer must be 500 words or fewer; it is 501 words"]
    }
    assert not bid.answers.exists()
    actions.save_answer(bid=bid, criterion=criterion, by=bidder, text="word " * 500)
    assert bid.answers.get().text.count("word") == 500


def test_an_empty_answer_removes_it(tender, bid, bidder):
    criterion = tender.criteria.first()
    actions.save_answer(bid=bid, criterion=criterion, by=bidder, text="Yes.")
    actions.save_answer(bid=bid, criterion=criterion, by=bidder, text="  ")
    assert not bid.answers.exists()


def test_a_negative_price_or_a_breakdown_that_does_not_add_up_is_refused(tender, bid, bidder):
    lot = tender.opportunity.lots.first()
    line = tender.price_lines.get(lot=lot)
    with pytest.raises(ValidationError) as error:
        actions.save_price(bid=bid, lot=lot, by=bidder, unit_prices={line: Decimal(-1)})
    assert error.value.message_dict == {
        f"line_{line.pk}": [
            "The price of “Total price for the whole contract period” cannot be negative"
        ]
    }
    costs = {"direct_delivery": 100, "staff": 100, "volunteer_expenses": 0, "overheads": 50}
    with pytest.raises(ValidationError) as error:
        actions.save_price(
            bid=bid, lot=lot, by=bidder, unit_prices={line: Decimal(300)}, breakdown=costs
        )
    assert error.value.message_dict == {
        "overheads": ["The costs add up to £250.00 but the price is £300.00: they must be the same"]
    }
    assert not bid.prices.exists()


def test_lots_are_limited_by_the_tenders_rule(tender, bid, bidder, publisher_member):
    actions.update_tender(tender=tender, by=publisher_member, max_lots_per_bidder=1)
    with pytest.raises(ValidationError) as error:
        actions.save_lots(bid=bid, lots=tender.opportunity.lots.all(), by=bidder)
    assert error.value.message_dict == {"lots": ["You can bid for at most 1 lots; you chose 2"]}


def test_a_file_of_the_wrong_type_is_refused(bid, bidder):
    program = SimpleUploadedFile(
        "plan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as error:
        actions.add_attachment(bid=bid, by=bidder, title="Plan", file=program)
    assert "file" in error.value.message_dict
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.7 plan", content_type="application/pdf")
    attachment = actions.add_attachment(bid=bid, by=bidder, title="Plan", file=pdf)
    assert attachment.sha256 == hashlib.sha256(b"%PDF-1.7 plan").hexdigest()


def test_only_the_lead_organisations_members_edit(tender, bid):
    outsider = MembershipFactory().user
    with pytest.raises(PermissionError):
        actions.save_answer(bid=bid, criterion=tender.criteria.first(), by=outsider, text="x")


# --- Submitting ------------------------------------------------------------------------------


def test_submitting_freezes_the_content_with_its_hash_and_emails_a_receipt(
    bid, bidder, django_capture_on_commit_callbacks
):
    complete(bid, bidder)
    colleague = MembershipFactory(organisation=bidder.organisation).user
    with django_capture_on_commit_callbacks(execute=True):
        version = actions.submit(bid=bid, by=bidder)
    bid.refresh_from_db()
    assert bid.is_submitted and bid.current_version == version
    assert version.number == 1
    assert version.sha256 == hashlib.sha256(receipts.canonical(version.content)).hexdigest()
    assert version.content["lead"]["name"] == bidder.organisation.name
    assert [a["text"] for a in version.content["answers"]][0] == "We will do it well."
    receipt = mail.outbox[-1]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([bidder.email, colleague.email])
    assert bid.reference in receipt.subject
    assert version.sha256 in receipt.body
    assert "(UK time)" in receipt.body
    event = bid.tender.events.get(kind=TenderEvent.Kind.BID_SUBMITTED)
    assert event.detail == {"sha256": version.sha256, "version": 1}


def test_an_incomplete_bid_is_not_submitted(bid, bidder):
    with pytest.raises(ValidationError) as error:
        actions.submit(bid=bid, by=bidder)
    assert "Choose at least one lot" in error.value.messages
    assert not BidVersion.objects.exists()


def test_submitting_unchanged_content_again_keeps_one_version_and_one_receipt(bid, bidder):
    complete(bid, bidder)
    first = actions.submit(bid=bid, by=bidder)
    assert actions.submit(bid=bid, by=bidder) == first
    assert bid.versions.count() == 1


def test_resubmitting_replaces_the_bid_and_keeps_every_version(tender, bid, bidder):
    complete(bid, bidder)
    first = actions.submit(bid=bid, by=bidder)
    actions.save_answer(bid=bid, criterion=tender.criteria.first(), by=bidder, text="Better.")
    bid.refresh_from_db()
    assert bid.changed_since_submitted
    second = actions.submit(bid=bid, by=bidder)
    assert second.number == 2 and second.sha256 != first.sha256
    bid.refresh_from_db()
    assert bid.current_version == second
    assert list(bid.versions.values_list("number", flat=True)) == [1, 2]
    assert tender.events.filter(kind=TenderEvent.Kind.BID_REPLACED).count() == 1


def test_a_withdrawn_bid_leaves_the_count_and_can_be_submitted_again(tender, bid, bidder):
    complete(bid, bidder)
    actions.submit(bid=bid, by=bidder)
    assert submitted_counts(tender)[0] == 1
    actions.withdraw(bid=bid, by=bidder)
    bid.refresh_from_db()
    assert bid.is_withdrawn and not bid.is_submitted
    assert submitted_counts(tender)[0] == 0
    version = actions.submit(bid=bid, by=bidder)
    assert version.number == 2  # the same content, but a new submission after withdrawal
    assert submitted_counts(tender)[0] == 1


def test_counts_per_lot_say_nothing_else(tender, bidder, publisher_member):
    lots = list(tender.opportunity.lots.all())
    for chosen in ([lots[0]], lots):
        member = MembershipFactory(role=MembershipRole.ADMIN).user
        organisation = member.memberships.get().organisation
        bid = actions.start_bid(tender=tender, organisation=organisation, by=member)
        complete(bid, member, lots=chosen)
        actions.submit(bid=bid, by=member)
    actions.start_bid(tender=tender, organisation=bidder.organisation, by=bidder)  # a draft
    assert submitted_counts(tender) == (2, {lots[0]: 2, lots[1]: 1})


# --- The deadline, by the server's clock -----------------------------------------------------


def test_a_submission_in_the_last_second_counts_and_one_after_is_refused(tender, bid, bidder):
    complete(bid, bidder)
    deadline = tender.opportunity.submission_deadline
    with pytest.raises(actions.DeadlinePassed) as error:
        actions.submit(bid=bid, by=bidder, now=deadline)
    assert "The deadline for bids was" in error.value.messages[0]
    assert "reached the portal at that moment, not before it" in error.value.messages[0]
    version = actions.submit(bid=bid, by=bidder, now=deadline - timedelta(seconds=1))
    assert version.submitted_at == deadline - timedelta(seconds=1)


def test_nothing_a_bidder_does_before_the_box_is_opened_touches_the_tenders_row(
    tender, bid, bidder
):
    """The method is locked and the log written, but the evaluation report's version (a
    counter on the tender) moves only once the box is opened: before then it would
    count bids."""
    before = Tender.objects.values_list("evaluation_version", flat=True).get(pk=tender.pk)
    complete(bid, bidder)
    actions.submit(bid=bid, by=bidder)
    actions.withdraw(bid=bid, by=bidder)
    actions.submit(bid=bid, by=bidder)
    assert tender.events.filter(kind=TenderEvent.Kind.BID_WITHDRAWN).exists()
    assert Tender.objects.values_list("evaluation_version", flat=True).get(pk=tender.pk) == before


@pytest.mark.parametrize(
    ("late", "words"),
    [
        (timedelta(seconds=1), "reached the portal 1 second after it,"),
        (timedelta(seconds=37, milliseconds=900), "reached the portal 37 seconds after it,"),
        # A minute or more late: the two moments differ to the minute, so both are given.
        (timedelta(minutes=1), "reached the portal at 12:01pm on "),
    ],
)
def test_a_late_request_says_how_late_when_both_moments_read_the_same(late, words):
    """Within a minute, "the deadline was 1:42pm… your request reached the portal at
    1:42pm" would read as on time: the message gives the seconds instead."""
    deadline = datetime.datetime(2026, 12, 4, 12, 0, tzinfo=UTC)  # midday GMT
    message = actions.DeadlinePassed(deadline=deadline, now=deadline + late).messages[0]
    assert message.startswith("The deadline for bids was midday on Friday 4 December 2026")
    assert words in message


@pytest.mark.parametrize(
    "deadline",
    [
        # Midday after the clocks go back (25 October 2026) and forward (28 March 2027).
        datetime.datetime(2026, 10, 26, 12, 0, tzinfo=UTC),  # midday GMT
        datetime.datetime(2027, 3, 29, 11, 0, tzinfo=UTC),  # midday BST
        # Exactly at the change itself: 1am GMT is 2am BST, 1am BST is 1am GMT.
        datetime.datetime(2027, 3, 28, 1, 0, tzinfo=UTC),
        datetime.datetime(2026, 10, 25, 1, 0, tzinfo=UTC),
    ],
)
def test_the_deadline_holds_across_the_clock_changes(
    publisher_member, bidder, deadline, time_machine
):
    time_machine.move_to(deadline - timedelta(weeks=13), tick=False)
    opportunity = open_opportunity(
        publisher_member.memberships.get().organisation,
        lots=0,
        clarification_deadline=deadline - timedelta(weeks=1),
        submission_deadline=deadline,
    )
    tender = actions.create_tender(opportunity=opportunity, by=publisher_member)
    bid = actions.start_bid(tender=tender, organisation=bidder.organisation, by=bidder)
    complete(bid, bidder)
    time_machine.move_to(deadline, tick=False)
    with pytest.raises(actions.DeadlinePassed):
        actions.submit(bid=bid, by=bidder)
    time_machine.move_to(deadline - timedelta(seconds=1), tick=False)
    assert actions.submit(bid=bid, by=bidder).submitted_at == deadline - timedelta(seconds=1)
    time_machine.move_to(deadline + timedelta(seconds=1), tick=False)
    with pytest.raises(actions.DeadlinePassed):
        actions.withdraw(bid=bid, by=bidder)


def test_nothing_changes_after_the_deadline(tender, bid, bidder, time_machine):
    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    with pytest.raises(actions.DeadlinePassed):
        actions.save_answer(bid=bid, criterion=tender.criteria.first(), by=bidder, text="Late")
    assert not bid.answers.exists()


# --- Consortium partners ---------------------------------------------------------------------


def test_a_registered_partner_is_asked_and_reads_the_bid_only_once_it_confirms(
    bid, bidder, django_capture_on_commit_callbacks
):
    partner_admin = MembershipFactory(role=MembershipRole.ADMIN)
    partner_member = MembershipFactory(organisation=partner_admin.organisation).user
    with django_capture_on_commit_callbacks(execute=True):
        partner = actions.add_partner(
            bid=bid, by=bidder, organisation=partner_admin.organisation, share_percent=30
        )
    assert [m.to for m in mail.outbox] == [[partner_admin.user.email]]
    assert partner.is_waiting
    assert not Bid.objects.visible_to(partner_member).exists()
    with pytest.raises(PermissionError):
        actions.answer_partnership(partner=partner, by=partner_member, accept=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_partnership(partner=partner, by=partner_admin.user, accept=True)
    assert list(Bid.objects.visible_to(partner_member)) == [bid]
    assert [m.to for m in mail.outbox] == [[bidder.email]]
    assert "confirmed" in mail.outbox[0].subject
    with pytest.raises(PermissionError):  # partners read; the lead's members edit
        actions.save_declarations(
            bid=bid,
            by=partner_member,
            has_other_funding=False,
            has_conflicts=False,
            living_wage="no",
        )


def test_a_declined_partner_must_be_removed_before_submitting(bid, bidder):
    partner_admin = MembershipFactory(role=MembershipRole.ADMIN)
    partner = actions.add_partner(
        bid=bid, by=bidder, organisation=partner_admin.organisation, share_percent=30
    )
    actions.answer_partnership(partner=partner, by=partner_admin.user, accept=False)
    complete(bid, bidder)
    with pytest.raises(ValidationError) as error:
        actions.submit(bid=bid, by=bidder)
    assert error.value.messages == [f"{partner_admin.organisation.name} has declined: remove them"]
    actions.remove_partner(partner=partner, by=bidder)
    assert actions.submit(bid=bid, by=bidder).number == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "identifier": "GB-CHC-1"}, "name"),
        ({"name": "Friends of the Park", "identifier": ""}, "identifier"),
        ({"name": "Friends", "identifier": "1", "share_percent": 0}, "share_percent"),
        ({"name": "Friends", "identifier": "1", "share_percent": 100}, "share_percent"),
    ],
)
def test_an_unregistered_partner_needs_a_name_number_and_share(bid, bidder, fields, field):
    fields = {"share_percent": 10} | fields
    with pytest.raises(ValidationError) as error:
        actions.add_partner(bid=bid, by=bidder, **fields)
    assert field in error.value.message_dict


def test_the_lead_itself_or_a_partner_twice_is_refused(bid, bidder):
    with pytest.raises(ValidationError) as error:
        actions.add_partner(bid=bid, by=bidder, organisation=bidder.organisation, share_percent=10)
    assert error.value.message_dict == {
        "organisation": ["Your own organisation leads the bid; choose a partner"]
    }
    other = OrganisationFactory()
    actions.add_partner(bid=bid, by=bidder, organisation=other, share_percent=10)
    with pytest.raises(ValidationError) as error:
        actions.add_partner(bid=bid, by=bidder, organisation=other, share_percent=10)
    assert error.value.message_dict == {
        "organisation": [f"{other.name} is already a partner in this bid"]
    }


def test_partners_shares_must_leave_work_for_the_lead(bid, bidder):
    actions.add_partner(bid=bid, by=bidder, name="A", identifier="1", share_percent=60)
    with pytest.raises(ValidationError) as error:
        actions.add_partner(bid=bid, by=bidder, name="B", identifier="2", share_percent=40)
    assert "share_percent" in error.value.message_dict


# --- Who sees a bid --------------------------------------------------------------------------


def test_before_opening_only_the_bidding_organisations_see_a_bid(
    tender, bid, bidder, publisher_member, time_machine
):
    complete(bid, bidder)
    actions.submit(bid=bid, by=bidder)
    site_admin = UserFactory(is_superuser=True, is_staff=True)
    for outsider in (publisher_member, site_admin, MembershipFactory().user):
        assert not Bid.objects.visible_to(outsider).exists()
    assert list(Bid.objects.visible_to(bidder)) == [bid]
    with pytest.raises(actions.TooEarly):
        actions.open_box(tender=tender, by=publisher_member)

    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    with pytest.raises(PermissionError):
        actions.open_box(tender=tender, by=bidder)
    actions.open_box(tender=tender, by=publisher_member)
    tender.refresh_from_db()
    assert tender.opened_by == publisher_member and tender.is_opened
    assert list(Bid.objects.visible_to(publisher_member)) == [bid]
    assert not Bid.objects.visible_to(site_admin).exists()
    opened = tender.events.get(kind=TenderEvent.Kind.BOX_OPENED)
    assert opened.detail == {"submitted": 1}


def test_drafts_and_withdrawn_bids_never_reach_the_council(
    tender, bidder, publisher_member, time_machine
):
    drafting = actions.start_bid(tender=tender, organisation=bidder.organisation, by=bidder)
    withdrawer = MembershipFactory(role=MembershipRole.ADMIN).user
    withdrawn = actions.start_bid(
        tender=tender, organisation=withdrawer.memberships.get().organisation, by=withdrawer
    )
    complete(withdrawn, withdrawer)
    actions.submit(bid=withdrawn, by=withdrawer)
    actions.withdraw(bid=withdrawn, by=withdrawer)
    time_machine.move_to(tender.opportunity.submission_deadline, tick=False)
    actions.open_box(tender=tender, by=publisher_member)
    assert drafting.pk and not Bid.objects.visible_to(publisher_member).exists()


# --- At the same moment ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_bids_in_the_last_seconds_all_get_receipts_and_later_ones_are_refused(
    tender, publisher_member
):
    deadline = tender.opportunity.submission_deadline
    bidders = []
    for _ in range(60):
        member = MembershipFactory(role=MembershipRole.ADMIN).user
        bid = actions.start_bid(
            tender=tender, organisation=member.memberships.get().organisation, by=member
        )
        bidders.append((complete(bid, member), member))

    def submit(i):
        bid, member = bidders[i]
        # 50 arrive in the last three seconds, 10 in the first seconds after.
        arrived = (
            deadline - timedelta(seconds=1 + i % 3)
            if i < 50
            else deadline + timedelta(seconds=i % 3)
        )
        return actions.submit(bid=bid, by=member, now=arrived).sha256

    mail.outbox.clear()
    results, errors = run_together(submit, count=60)
    assert len(errors) == 10 and all(isinstance(e, actions.DeadlinePassed) for e in errors)
    assert all(results[:50]) and results[50:] == [None] * 10
    assert BidVersion.objects.count() == 50
    assert Bid.objects.submitted().count() == 50
    assert len(mail.outbox) == 50  # one receipt each (one member each)
    assert tender.events.filter(kind=TenderEvent.Kind.METHOD_LOCKED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_bid_submitted_twice_at_once_leaves_one_version(tender, bidder):
    bid = actions.start_bid(tender=tender, organisation=bidder.organisation, by=bidder)
    complete(bid, bidder)
    mail.outbox.clear()
    results, errors = run_together(lambda i: actions.submit(bid=bid, by=bidder).pk, count=2)
    assert errors == []
    assert len(set(results)) == 1
    assert BidVersion.objects.count() == 1
    assert len(mail.outbox) == 1
