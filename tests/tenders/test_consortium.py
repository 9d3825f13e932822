"""Consortium changes after award (R01 h): asked by the lead with a justification and
evidence, decided by a commissioner with reasons, applied when approved, logged and
emailed at each step."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tenders import actions
from tenders.consortium import current_partners
from tenders.models import AwardDecision, BidPartner, ChangeKind, TenderEvent
from tests.factories import MembershipFactory
from tests.tenders import consortium_fixtures
from tests.tenders.consortium_fixtures import admin_of_new_organisation, evidence, partner_named

# The shared fixtures, by name, so pytest finds them here.
winner, joining = consortium_fixtures.winner, consortium_fixtures.joining
files_in_tmp = consortium_fixtures.files_in_tmp

pytestmark = pytest.mark.django_db


def ask(bid, **fields):
    values = {
        "bid": bid,
        "by": bid.lead,
        "kind": ChangeKind.REMOVE,
        "justification": "Ant Trust has closed.",
        "evidence": evidence(),
    }
    values.update(fields)
    return actions.ask_consortium_change(**values)


def errors_of(call, **fields):
    with pytest.raises(ValidationError) as refused:
        call(**fields)
    return refused.value


def test_a_registered_organisation_found_by_its_number_joins_when_approved(
    winner, joining, publisher_member
):
    change = ask(
        winner,
        kind=ChangeKind.ADD,
        name="",
        identifier="222 2222",
        share_percent=15,
        justification="We need a partner in the north of the city.",
    )
    assert change.organisation == joining.organisation
    assert change.evidence.name.endswith(".pdf")

    decided = actions.decide_consortium_change(
        change=change, by=publisher_member, approve=True, reason="The evidence is sound."
    )

    joined = decided.joined
    assert joined.organisation == joining.organisation
    assert joined.share_percent == 15
    assert joined.confirmed_at == decided.decided_at  # its agreement is in the evidence
    assert joined in current_partners(winner)
    assert decided.approved is True
    # Its members now read the bid, as a confirmed partner's do.
    assert winner in type(winner).objects.of_bidders(joining)


def test_removing_a_partner_sets_when_it_left_and_keeps_its_row(winner, publisher_member):
    leaving = partner_named(winner, "Ant Trust")
    change = ask(winner, partner=leaving)

    actions.decide_consortium_change(
        change=change, by=publisher_member, approve=True, reason="Agreed."
    )

    leaving.refresh_from_db()
    assert leaving.left_at is not None
    assert leaving not in current_partners(winner)
    assert BidPartner.objects.filter(pk=leaving.pk).exists()


def test_replacing_a_partner_takes_one_out_and_puts_the_other_in(winner, publisher_member):
    leaving = partner_named(winner, "Ant Trust")
    change = ask(
        winner,
        kind=ChangeKind.REPLACE,
        partner=leaving,
        name="Bee Co-op",
        identifier="07654321",
        partner_kind="subcontractor",
        share_percent="10",
    )

    actions.decide_consortium_change(
        change=change, by=publisher_member, approve=True, reason="Same work, same share."
    )

    names = {p.display_name: p for p in current_partners(winner)}
    assert "Ant Trust" not in names
    bee = names["Bee Co-op"]
    assert (bee.identifier, bee.kind, bee.confirmed_at) == ("07654321", "subcontractor", None)


def test_a_refused_change_changes_nothing_and_keeps_the_reasons(winner, publisher_member):
    leaving = partner_named(winner, "Ant Trust")
    change = ask(winner, partner=leaving)

    decided = actions.decide_consortium_change(
        change=change, by=publisher_member, approve=False, reason="Ant Trust's work is key."
    )

    assert decided.approved is False
    assert decided.decision_reason == "Ant Trust's work is key."
    assert decided.joined is None
    leaving.refresh_from_db()
    assert leaving.left_at is None


def test_both_steps_are_logged_and_emailed(
    winner, joining, publisher_member, django_capture_on_commit_callbacks
):
    opportunity = winner.tender.opportunity
    with django_capture_on_commit_callbacks(execute=True):
        change = ask(winner, kind=ChangeKind.ADD, identifier="2222222", share_percent=5)

    asked = winner.tender.events.get(kind=TenderEvent.Kind.CONSORTIUM_CHANGE_ASKED)
    assert asked.by == winner.lead
    assert asked.bid == winner
    assert joining.organisation.name in asked.summary
    (to_commissioner,) = mail.outbox
    assert to_commissioner.to == [opportunity.contact_email]
    assert f"/consortium-changes/{change.pk}/" in to_commissioner.body
    assert "Ant Trust has closed." in to_commissioner.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_consortium_change(
            change=change, by=publisher_member, approve=True, reason="Welcome."
        )

    decided = winner.tender.events.get(kind=TenderEvent.Kind.CONSORTIUM_CHANGE_DECIDED)
    assert (decided.by, decided.detail["approved"], decided.detail["reason"]) == (
        publisher_member,
        True,
        "Welcome.",
    )
    sent = {message.to[0]: message for message in mail.outbox}
    assert "approved" in sent[winner.lead.email].body
    assert "Welcome." in sent[winner.lead.email].body
    assert "members can now read the bid" in sent[joining.email].body


def test_a_bid_without_an_award_cannot_ask(winner):
    AwardDecision.objects.filter(winners=winner).update(
        withdrawn_at=timezone.now(), withdrawal_reason="A mistake in the scores."
    )
    error = errors_of(ask, bid=winner, partner=partner_named(winner, "Ant Trust"))
    assert "not been chosen for award" in error.messages[0]


def test_removing_a_partner_not_in_the_bid_is_refused(winner, tender):
    other = BidPartner.objects.create(
        bid=tender.bids.exclude(pk=winner.pk).get(), name="Elsewhere", share_percent=5
    )
    error = errors_of(ask, bid=winner, partner=other)
    assert error.message_dict["partner"] == [
        "Choose the partner leaving from your bid's current partners"
    ]
    error = errors_of(ask, bid=winner, partner=None)
    assert "partner" in error.message_dict


def test_a_partner_that_has_left_cannot_leave_again(winner, publisher_member):
    leaving = partner_named(winner, "Ant Trust")
    actions.decide_consortium_change(
        change=ask(winner, partner=leaving), by=publisher_member, approve=True, reason="Agreed."
    )
    error = errors_of(ask, bid=winner, partner=leaving)
    assert "partner" in error.message_dict


def test_a_justification_and_evidence_are_required(winner):
    leaving = partner_named(winner, "Ant Trust")
    error = errors_of(ask, bid=winner, partner=leaving, justification="  ", evidence=None)
    assert error.message_dict["justification"] == ["Explain why the consortium must change"]
    assert "evidence" in error.message_dict


def test_evidence_that_is_not_a_document_is_refused(winner):
    error = errors_of(
        ask,
        bid=winner,
        partner=partner_named(winner, "Ant Trust"),
        evidence=evidence("letter.pdf", b"MZ\x90\x00 a program"),
    )
    assert error.message_dict["evidence"] == [
        "The file must be a PDF, Word document, OpenDocument file, PNG or JPEG"
    ]


def test_the_organisation_joining_must_be_named_with_its_number(winner):
    error = errors_of(ask, bid=winner, kind=ChangeKind.ADD, name="", share_percent=5)
    assert set(error.message_dict) == {"name", "identifier"}


def test_an_organisation_already_in_the_bid_cannot_join_it_again(winner):
    registered = next(p for p in winner.partners.all() if p.organisation_id)
    error = errors_of(
        ask, bid=winner, kind=ChangeKind.ADD, organisation=registered.organisation, share_percent=5
    )
    assert "cannot join it again" in error.message_dict["name"][0]


def test_shares_must_leave_work_for_the_lead(winner):
    error = errors_of(
        ask, bid=winner, kind=ChangeKind.ADD, name="Big Co", identifier="1", share_percent=70
    )
    assert "100%" in error.message_dict["share_percent"][0]


def test_one_change_at_a_time(winner):
    ask(winner, partner=partner_named(winner, "Ant Trust"))
    error = errors_of(ask, bid=winner, partner=partner_named(winner, "Ant Trust"))
    assert "already waiting" in error.messages[0]


def test_only_the_leads_administrators_can_ask(winner):
    member = MembershipFactory(organisation=winner.organisation).user
    partner_admin = next(p for p in winner.partners.all() if p.organisation_id).answered_by
    for user in (member, partner_admin, admin_of_new_organisation()):
        with pytest.raises(PermissionError):
            ask(winner, by=user, partner=partner_named(winner, "Ant Trust"))


def test_only_the_publishers_commissioners_decide(winner):
    change = ask(winner, partner=partner_named(winner, "Ant Trust"))
    with pytest.raises(PermissionError):
        actions.decide_consortium_change(change=change, by=winner.lead, approve=True, reason="Me")


def test_a_decision_needs_reasons_and_is_made_once(winner, publisher_member):
    change = ask(winner, partner=partner_named(winner, "Ant Trust"))
    error = errors_of(
        actions.decide_consortium_change,
        change=change,
        by=publisher_member,
        approve=True,
        reason=" ",
    )
    assert error.message_dict["reason"] == ["Give the reasons for your decision"]

    actions.decide_consortium_change(change=change, by=publisher_member, approve=False, reason="No")
    with pytest.raises(ValueError):
        actions.decide_consortium_change(
            change=change, by=publisher_member, approve=True, reason="Yes after all"
        )


def test_approval_is_refused_once_the_award_is_withdrawn(winner, publisher_member):
    change = ask(winner, partner=partner_named(winner, "Ant Trust"))
    AwardDecision.objects.filter(winners=winner).update(
        withdrawn_at=timezone.now(), withdrawal_reason="A mistake in the scores."
    )
    error = errors_of(
        actions.decide_consortium_change,
        change=change,
        by=publisher_member,
        approve=True,
        reason="Agreed.",
    )
    assert "no longer has an award" in error.messages[0]
