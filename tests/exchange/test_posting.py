"""Posting needs and offers, extending and closing them, and tying offers to pledges."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from exchange.actions.posting import (
    close_need,
    extend_need,
    link_pledge,
    post_need,
    post_offer,
)
from exchange.models import Kind, Need, Offer, Status, Unit
from tests.commissioning.factories import ContractFactory, PledgeFactory
from tests.exchange.factories import NeedFactory, OfferFactory, member_of
from tests.factories import OrganisationFactory, UserFactory, WardFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _need(organisation, by, **overrides):
    fields = {
        "title": "Volunteers for our food bank",
        "description": "Sorting donations on Saturday mornings.",
        "why": "Demand has doubled since the spring.",
        "kind": Kind.VOLUNTEERS,
        "unit": Unit.HOURS,
        "quantity": Decimal(30),
        "ward": WardFactory(),
        "needed_by": timezone.localdate() + 30 * DAY,
    }
    return post_need(organisation=organisation, by=by, **(fields | overrides))


def _offer(organisation, by, **overrides):
    fields = {
        "title": "Staff volunteering days",
        "description": "Our staff give two days a year each.",
        "kind": Kind.VOLUNTEERS,
        "unit": Unit.HOURS,
        "capacity": Decimal(100),
        "citywide": True,
        "available_from": timezone.localdate(),
        "available_until": timezone.localdate() + 90 * DAY,
    }
    return post_offer(organisation=organisation, by=by, **(fields | overrides))


def test_a_member_of_a_charity_posts_a_need_that_is_open():
    organisation = OrganisationFactory()
    need = _need(organisation, member_of(organisation))
    assert need.status == Status.OPEN and need.posted_by is not None


def test_needs_come_from_the_third_sector_and_from_members_only():
    company = OrganisationFactory(legal_form="private_company")
    with pytest.raises(ValidationError, match="charities, community groups"):
        _need(company, member_of(company))
    with pytest.raises(PermissionError):
        _need(OrganisationFactory(), UserFactory())


@pytest.mark.parametrize("days, message", [(-1, "today or later"), (400, "within a year")])
def test_a_need_date_in_the_past_or_too_far_ahead_is_refused(days, message):
    organisation = OrganisationFactory()
    with pytest.raises(ValidationError, match=message):
        _need(
            organisation,
            member_of(organisation),
            needed_by=timezone.localdate() + days * DAY,
        )


def test_an_expired_need_is_extended_back_into_matching():
    need = NeedFactory()
    Need.objects.filter(pk=need.pk).update(needed_by=timezone.localdate() - DAY)
    need.refresh_from_db()
    assert need.status == Status.EXPIRED
    assert not Need.objects.open_for_matching().filter(pk=need.pk).exists()
    extend_need(need=need, by=member_of(need.organisation), needed_by=timezone.localdate() + DAY)
    assert Need.objects.open_for_matching().filter(pk=need.pk).exists()


def test_a_closed_need_cannot_be_extended_and_leaves_matching():
    need = NeedFactory()
    member = member_of(need.organisation)
    close_need(need=need, by=member)
    assert not Need.objects.open_for_matching().filter(pk=need.pk).exists()
    with pytest.raises(ValidationError, match="finished"):
        extend_need(need=need, by=member, needed_by=need.needed_by + DAY)


def test_an_offer_must_say_where_and_have_a_sensible_period():
    organisation = OrganisationFactory()
    member = member_of(organisation)
    with pytest.raises(ValidationError) as where:
        _offer(organisation, member, citywide=False)
    assert "wards" in where.value.message_dict
    with pytest.raises(ValidationError) as period:
        _offer(organisation, member, available_until=timezone.localdate() - DAY)
    assert "available_until" in period.value.message_dict
    offer = _offer(organisation, member, citywide=False, wards=[WardFactory()])
    assert offer.wards.count() == 1


def test_an_offer_counts_towards_a_pledge_of_a_contract_its_organisation_delivers():
    supplier = OrganisationFactory(legal_form="private_company")
    member = member_of(supplier)
    pledge = PledgeFactory(contract=ContractFactory(supplier=supplier), unit="hours")
    offer = _offer(supplier, member, pledge=pledge)
    assert offer.pledge == pledge
    someone_elses = PledgeFactory(unit="hours")
    with pytest.raises(ValidationError, match="contract your organisation delivers"):
        link_pledge(offer=offer, by=member, pledge=someone_elses)


def test_a_pledge_counted_in_another_unit_is_refused():
    supplier = OrganisationFactory(legal_form="private_company")
    member = member_of(supplier)
    jobs = PledgeFactory(contract=ContractFactory(supplier=supplier), unit="jobs")
    with pytest.raises(ValidationError, match="counted in jobs"):
        _offer(supplier, member, pledge=jobs)


def test_an_offer_past_its_period_leaves_matching():
    offer = OfferFactory()
    Offer.objects.filter(pk=offer.pk).update(
        available_from=timezone.localdate() - 10 * DAY,
        available_until=timezone.localdate() - DAY,
    )
    offer.refresh_from_db()
    assert offer.status == Status.EXPIRED
    assert not Offer.objects.open_for_matching().filter(pk=offer.pk).exists()
