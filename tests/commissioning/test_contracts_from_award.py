"""Contracts made from a confirmed award (commissioning.actions.contracts): the consortium
as procured, the pledges, the lots and their prices, idempotence, a lot won later, and
the two ways it is triggered: the task enqueued on commit and the hourly sweep."""

import datetime
from decimal import Decimal

import pytest

from commissioning.actions.contracts import (
    contract_from_award,
    decisions_without_contracts,
    make_missing_contracts,
)
from commissioning.models import Contract, ContractKind, Pledge, SupplierRole
from commissioning.tasks import make_missing_contracts as sweep_task
from organisations.models import MembershipRole
from tenders import actions
from tenders.models import BidPartner
from tests.commissioning.awarded import FIXTURES, award
from tests.commissioning.factories import PipelineItemFactory, ProjectFactory
from tests.factories import MembershipFactory, WardFactory
from tests.tenders.award import moderate

pytestmark = pytest.mark.django_db

publisher_member, opportunity, tender, opened_bids = FIXTURES


@pytest.fixture
def lots(tender):
    """Both lots, each of which may go to two organisations."""
    tender.opportunity.lots.update(max_awards=2)
    return list(tender.opportunity.lots.all())


@pytest.fixture
def moderated(opened_bids, tender, publisher_member):
    moderate(tender, publisher_member)
    return opened_bids


def test_a_confirmed_award_makes_a_contract_for_the_winning_bid(
    moderated, tender, lots, publisher_member, time_machine
):
    opportunity = tender.opportunity
    opportunity.contract_start = datetime.date(2027, 4, 1)
    opportunity.duration_months = 24
    opportunity.extension_options = "Up to 12 months more"
    opportunity.save()
    ward = WardFactory()
    opportunity.wards.set([ward])
    decision = award(tender, lots[0], [moderated[0]], publisher_member, time_machine)
    [contract] = contract_from_award(decision=decision, by=publisher_member)
    assert contract.reference.startswith("CON-") and len(contract.reference) == 13
    assert contract.kind == ContractKind.CONTRACT
    assert contract.publisher == opportunity.publisher
    assert contract.opportunity == opportunity and contract.bid == moderated[0]
    assert contract.title == opportunity.title and contract.category == opportunity.category
    assert list(contract.lots.all()) == [lots[0]]
    assert list(contract.wards.all()) == [ward]
    assert contract.value == Decimal("40000")
    assert contract.starts_on == datetime.date(2027, 4, 1)
    assert contract.ends_on == datetime.date(2029, 3, 31)
    assert contract.extension_options == "Up to 12 months more"
    lead = contract.suppliers.get()
    assert lead.organisation == moderated[0].organisation and lead.role == SupplierRole.LEAD


def test_the_contract_belongs_to_the_project_the_opportunity_was_planned_in(
    moderated, tender, lots, publisher_member, time_machine
):
    project = ProjectFactory(publisher=tender.opportunity.publisher)
    PipelineItemFactory(
        publisher=project.publisher, project=project, opportunity=tender.opportunity
    )
    decision = award(tender, lots[0], [moderated[0]], publisher_member, time_machine)
    [contract] = contract_from_award(decision=decision)
    assert contract.project == project


def test_without_a_contract_start_it_starts_on_the_day_of_confirmation(
    moderated, tender, lots, publisher_member, time_machine
):
    tender.opportunity.contract_start = None
    tender.opportunity.duration_months = None
    tender.opportunity.save()
    decision = award(tender, lots[0], [moderated[1]], publisher_member, time_machine)
    [contract] = contract_from_award(decision=decision)
    confirmed_on = decision.confirmed_at.astimezone(datetime.UTC).date()
    assert contract.starts_on in {confirmed_on, confirmed_on + datetime.timedelta(days=1)}
    assert contract.value == Decimal("50000")
    # No length given: a year.
    assert (contract.ends_on - contract.starts_on).days in {364, 365}


def test_the_consortium_as_procured_and_the_pledges(
    tender, lots, publisher_member, time_machine, opened_bids
):
    winner = opened_bids[0]
    lead_admin = winner.created_by
    # Partners joined before the deadline: reopen the clock to add them is not possible,
    # so they are recorded as the bid's partners directly, as the bidding flow leaves them.
    stays = MembershipFactory(role=MembershipRole.ADMIN).organisation
    left = MembershipFactory(role=MembershipRole.ADMIN).organisation
    declined = MembershipFactory(role=MembershipRole.ADMIN).organisation
    now = datetime.datetime.now(datetime.UTC)
    BidPartner.objects.create(
        bid=winner, organisation=stays, share_percent=30, added_by=lead_admin, confirmed_at=now
    )
    BidPartner.objects.create(
        bid=winner,
        organisation=left,
        share_percent=10,
        added_by=lead_admin,
        confirmed_at=now,
        left_at=now,
    )
    BidPartner.objects.create(
        bid=winner, organisation=declined, share_percent=10, added_by=lead_admin, declined_at=now
    )
    BidPartner.objects.create(bid=winner, name="Unregistered friends", share_percent=5)
    decision = award(tender, lots[0], [winner], publisher_member, time_machine, moderated=False)
    [contract] = contract_from_award(decision=decision)
    roles = {s.organisation: s.role for s in contract.suppliers.all()}
    assert roles == {winner.organisation: SupplierRole.LEAD, stays: SupplierRole.PARTNER}
    commitment = winner.commitments.get()
    pledge = contract.pledges.get()
    assert pledge.commitment == commitment
    assert (pledge.measure, pledge.quantity, pledge.unit) == ("Volunteering hours", 100, "hours")
    assert list(pledge.wards.all()) == list(commitment.wards.all())


def test_calling_it_twice_makes_nothing_new(
    moderated, tender, lots, publisher_member, time_machine
):
    decision = award(tender, lots[0], [moderated[0], moderated[1]], publisher_member, time_machine)
    first = contract_from_award(decision=decision)
    assert len(first) == 2
    assert contract_from_award(decision=decision) == []
    assert Contract.objects.count() == 2 and Pledge.objects.count() == 2
    assert {c.value for c in Contract.objects.all()} == {Decimal("40000"), Decimal("50000")}


def test_a_lot_won_later_extends_the_bids_contract(
    moderated, tender, lots, publisher_member, time_machine
):
    first = award(tender, lots[0], [moderated[0]], publisher_member, time_machine)
    [contract] = contract_from_award(decision=first)
    second = award(tender, lots[1], [moderated[0]], publisher_member, time_machine)
    assert contract_from_award(decision=second) == [contract]
    contract.refresh_from_db()
    assert set(contract.lots.all()) == set(lots)
    assert contract.value == Decimal("80000")
    assert contract.suppliers.count() == 1 and contract.pledges.count() == 1
    assert contract_from_award(decision=second) == []
    contract.refresh_from_db()
    assert contract.value == Decimal("80000")


def test_an_unconfirmed_decision_makes_no_contract(moderated, tender, lots, publisher_member):
    decision = actions.send_intention(
        tender=tender, lot=lots[0], winners=[moderated[0]], reason="Best.", by=publisher_member
    )
    with pytest.raises(ValueError):
        contract_from_award(decision=decision)
    assert not decisions_without_contracts().exists()


def test_confirming_an_award_enqueues_the_task_after_commit(
    moderated, tender, lots, publisher_member, time_machine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        award(tender, lots[0], [moderated[2]], publisher_member, time_machine)
    contract = Contract.objects.get()
    assert contract.bid == moderated[2] and contract.value == Decimal("60000")


def test_the_hourly_sweep_makes_the_contracts_the_task_missed(
    moderated, tender, lots, publisher_member, time_machine
):
    # Callbacks are not run here: as if the broker lost the task.
    first = award(tender, lots[0], [moderated[0]], publisher_member, time_machine)
    second = award(tender, lots[1], [moderated[0], moderated[1]], publisher_member, time_machine)
    assert not Contract.objects.exists()
    assert set(decisions_without_contracts()) == {first, second}
    sweep_task.delay()
    assert not decisions_without_contracts().exists()
    by_bid = {c.bid: c for c in Contract.objects.all()}
    assert by_bid[moderated[0]].value == Decimal("80000")
    assert by_bid[moderated[1]].value == Decimal("50000")
    assert make_missing_contracts() == 0
