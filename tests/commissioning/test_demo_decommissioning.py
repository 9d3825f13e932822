"""The decommissioning demo: a notice given (no email sent) and a plan not yet announced."""

import datetime as dt

import pytest
from django.utils import timezone

from commissioning import demo_decommissioning
from commissioning.models import Decommissioning, DecommissioningKind, DecommissioningNotice
from tests.commissioning.factories import ContractFactory
from tests.factories import CouncillorFactory, MembershipFactory, OrganisationFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    ward = WardFactory()
    supplier = OrganisationFactory(ward=ward)
    MembershipFactory(organisation=supplier)
    CouncillorFactory(wards=[ward])
    today = timezone.localdate()
    return ContractFactory(
        supplier=supplier,
        kind="grant",
        starts_on=today - dt.timedelta(days=300),
        ends_on=today + dt.timedelta(days=200),
    )


@pytest.fixture
def commissioner(contract):
    return MembershipFactory(organisation=contract.publisher).user


def snapshot():
    return sorted(
        Decommissioning.objects.values_list(
            "pk", "kind", "takes_effect_on", "notice_given_at", "reasons", "created_at"
        )
    ), sorted(DecommissioningNotice.objects.values_list("pk", "sent_at"))


def test_the_demo_gives_one_notice_and_plans_one_change_without_email(
    contract, commissioner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demo_decommissioning.seed(contract=contract, commissioner=commissioner)
    given = Decommissioning.objects.get(kind=DecommissioningKind.NOT_RENEW)
    assert given.notice_given_at is not None
    assert given.takes_effect_on == contract.ends_on
    assert given.notices.count() == 2  # the supplier and its ward's councillor
    assert not given.notices.filter(sent_at__isnull=True).exists()
    planned = Decommissioning.objects.get(kind=DecommissioningKind.CHANGE)
    assert planned.notice_given_at is None
    assert planned.takes_effect_on <= contract.ends_on
    assert mailoutbox == []
    contract.refresh_from_db()
    assert contract.ended_on is None


def test_the_demo_is_idempotent(contract, commissioner):
    demo_decommissioning.seed(contract=contract, commissioner=commissioner)
    before = snapshot()
    demo_decommissioning.seed(contract=contract, commissioner=commissioner)
    assert snapshot() == before


def test_a_contract_ending_soon_gets_a_recorded_short_notice_reason(commissioner, contract):
    contract.ends_on = timezone.localdate() + dt.timedelta(days=40)
    contract.save()
    demo_decommissioning.seed(contract=contract, commissioner=commissioner)
    given = Decommissioning.objects.get(kind=DecommissioningKind.NOT_RENEW)
    assert given.short_notice_reason
