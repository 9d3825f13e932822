"""Decommissioning: the Compact's notice rule, who is told, and each notice sent once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from commissioning import notices
from commissioning.actions.decommissioning import (
    change_plan,
    give_notice,
    plan_decommissioning,
    send_notices,
)
from commissioning.decommissioning import earliest_with_full_notice
from commissioning.models import ContractSupplier, DecommissioningKind, DecommissioningNotice
from organisations.models import MembershipRole
from tests.commissioning.factories import ContractFactory, DecommissioningFactory
from tests.factories import (
    CouncillorFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Notice given on 30 November 2026: three calendar months run to 28 February 2027.
NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=LONDON)


@pytest.fixture
def supplier():
    return OrganisationFactory()


@pytest.fixture
def contract(supplier):
    return ContractFactory(supplier=supplier)


@pytest.fixture
def commissioner(contract):
    return MembershipFactory(organisation=contract.publisher).user


def plan(contract, by, **values):
    fields = {
        "kind": DecommissioningKind.END,
        "reasons": "Demand has fallen by half since the contract began.",
        "impact_assessment": "Forty people a week; most can use the neighbouring centre.",
        "support": "BVSC can advise the supplier on other funding.",
        "takes_effect_on": dt.date(2027, 3, 31),
        "now": NOW,
    }
    fields.update(values)
    return plan_decommissioning(contract=contract, by=by, **fields)


def errors_of(excinfo):
    return excinfo.value.message_dict


@pytest.mark.parametrize(
    ("given", "earliest"),
    [
        (dt.date(2026, 11, 30), dt.date(2027, 2, 28)),
        (dt.date(2027, 11, 30), dt.date(2028, 2, 29)),  # a leap year
        (dt.date(2027, 1, 31), dt.date(2027, 4, 30)),
        (dt.date(2026, 12, 3), dt.date(2027, 3, 3)),
        (dt.date(2026, 10, 31), dt.date(2027, 1, 31)),
    ],
)
def test_three_months_notice_are_calendar_months(given, earliest):
    assert earliest_with_full_notice(given) == earliest


def test_a_plan_with_full_notice_is_recorded(contract, commissioner):
    decommissioning = plan(contract, commissioner, takes_effect_on=dt.date(2027, 2, 28))
    assert decommissioning.takes_effect_on == dt.date(2027, 2, 28)
    assert decommissioning.created_by == commissioner
    assert decommissioning.notice_given_at is None


def test_a_day_short_of_three_months_without_a_reason_is_refused_naming_the_earliest_date(
    contract, commissioner
):
    with pytest.raises(ValidationError) as excinfo:
        plan(contract, commissioner, takes_effect_on=dt.date(2027, 2, 27))
    message = errors_of(excinfo)["short_notice_reason"][0]
    assert "28 February 2027" in message
    assert "three months" in message


def test_short_notice_with_a_recorded_reason_is_accepted(contract, commissioner):
    decommissioning = plan(
        contract,
        commissioner,
        takes_effect_on=dt.date(2027, 1, 4),
        short_notice_reason="  The supplier has asked to end the contract early.  ",
    )
    assert (
        decommissioning.short_notice_reason == "The supplier has asked to end the contract early."
    )


def test_a_reason_of_only_spaces_is_no_reason(contract, commissioner):
    with pytest.raises(ValidationError) as excinfo:
        plan(contract, commissioner, takes_effect_on=dt.date(2027, 1, 4), short_notice_reason="  ")
    assert "short_notice_reason" in errors_of(excinfo)


def test_a_date_before_today_is_refused(contract, commissioner):
    with pytest.raises(ValidationError) as excinfo:
        plan(
            contract,
            commissioner,
            takes_effect_on=dt.date(2026, 11, 29),
            short_notice_reason="Urgent safeguarding concerns.",
        )
    assert "today or later" in errors_of(excinfo)["takes_effect_on"][0]


def test_not_renewing_takes_effect_at_the_contracts_end_by_default(contract, commissioner):
    decommissioning = plan(
        contract, commissioner, kind=DecommissioningKind.NOT_RENEW, takes_effect_on=None
    )
    assert decommissioning.takes_effect_on == contract.ends_on == dt.date(2028, 3, 31)


def test_not_renewing_on_another_date_is_refused(contract, commissioner):
    with pytest.raises(ValidationError) as excinfo:
        plan(
            contract,
            commissioner,
            kind=DecommissioningKind.NOT_RENEW,
            takes_effect_on=dt.date(2027, 6, 30),
        )
    assert "31 March 2028" in errors_of(excinfo)["takes_effect_on"][0]


def test_ending_early_on_or_after_the_end_is_refused(contract, commissioner):
    with pytest.raises(ValidationError) as excinfo:
        plan(contract, commissioner, takes_effect_on=contract.ends_on)
    assert "before the contract ends" in errors_of(excinfo)["takes_effect_on"][0]


def test_a_change_after_the_end_is_refused(contract, commissioner):
    with pytest.raises(ValidationError):
        plan(
            contract,
            commissioner,
            kind=DecommissioningKind.CHANGE,
            takes_effect_on=dt.date(2028, 4, 1),
        )


def test_a_contract_already_ended_cannot_be_decommissioned(contract, commissioner):
    contract.ended_on = dt.date(2026, 11, 1)
    contract.save()
    with pytest.raises(ValidationError) as excinfo:
        plan(contract, commissioner)
    assert "already ended" in errors_of(excinfo)["kind"][0]


def test_nothing_more_is_planned_once_notice_to_end_is_given(contract, commissioner):
    give_notice(decommissioning=plan(contract, commissioner), by=commissioner, now=NOW)
    contract.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        plan(contract, commissioner, kind=DecommissioningKind.CHANGE)
    assert "31 March 2027" in errors_of(excinfo)["kind"][0]


def test_not_renewing_is_announced_once(contract, commissioner):
    first = plan(contract, commissioner, kind=DecommissioningKind.NOT_RENEW, takes_effect_on=None)
    second = plan(contract, commissioner, kind=DecommissioningKind.NOT_RENEW, takes_effect_on=None)
    give_notice(decommissioning=first, by=commissioner, now=NOW)
    with pytest.raises(ValidationError):
        give_notice(decommissioning=second, by=commissioner, now=NOW)
    assert plan(contract, commissioner, kind=DecommissioningKind.CHANGE).pk


def test_reasons_impact_and_support_are_required(contract, commissioner):
    with pytest.raises(ValidationError) as excinfo:
        plan(contract, commissioner, reasons=" ", impact_assessment="", support="")
    assert set(errors_of(excinfo)) >= {"reasons", "impact_assessment", "support"}


def test_only_the_publishers_commissioners_may_plan(contract):
    with pytest.raises(PermissionError):
        plan(contract, UserFactory())
    supplier_member = MembershipFactory(
        organisation=contract.suppliers.get().organisation, role=MembershipRole.ADMIN
    ).user
    with pytest.raises(PermissionError):
        plan(contract, supplier_member)


def test_the_suppliers_are_not_kept_among_the_other_affected(contract, commissioner, supplier):
    other = OrganisationFactory()
    decommissioning = plan(contract, commissioner, affected_organisations=[supplier, other])
    assert list(decommissioning.affected_organisations.all()) == [other]


def test_a_plan_changes_before_notice_but_not_after(contract, commissioner):
    decommissioning = plan(contract, commissioner)
    change_plan(
        decommissioning=decommissioning,
        by=commissioner,
        kind=DecommissioningKind.END,
        reasons="New reasons.",
        impact_assessment="New assessment.",
        support="BVSC.",
        takes_effect_on=dt.date(2027, 5, 31),
        short_notice_reason="",
        now=NOW,
    )
    decommissioning.refresh_from_db()
    assert decommissioning.reasons == "New reasons."
    give_notice(decommissioning=decommissioning, by=commissioner, now=NOW)
    with pytest.raises(ValidationError):
        change_plan(
            decommissioning=decommissioning,
            by=commissioner,
            kind=DecommissioningKind.END,
            reasons="Later reasons.",
            impact_assessment="x",
            support="x",
            takes_effect_on=dt.date(2027, 5, 31),
            now=NOW,
        )


def test_notice_is_checked_again_on_the_day_it_is_given(contract, commissioner):
    planned = dt.datetime(2026, 11, 1, 10, tzinfo=LONDON)
    decommissioning = plan(contract, commissioner, takes_effect_on=dt.date(2027, 2, 1), now=planned)
    with pytest.raises(ValidationError) as excinfo:
        give_notice(decommissioning=decommissioning, by=commissioner, now=NOW)
    assert "28 February 2027" in excinfo.value.messages[0]
    decommissioning.refresh_from_db()
    assert decommissioning.notice_given_at is None
    assert not DecommissioningNotice.objects.exists()


def test_giving_notice_records_who_and_when_and_ends_the_contract_early(
    contract, commissioner, django_capture_on_commit_callbacks
):
    decommissioning = plan(contract, commissioner, takes_effect_on=dt.date(2027, 3, 31))
    with django_capture_on_commit_callbacks(execute=True):
        give_notice(decommissioning=decommissioning, by=commissioner, now=NOW)
    decommissioning.refresh_from_db()
    contract.refresh_from_db()
    assert decommissioning.notice_given_at == NOW
    assert decommissioning.notice_given_by == commissioner
    assert contract.ended_on == dt.date(2027, 3, 31)
    assert contract.last_day == dt.date(2027, 3, 31)


def test_not_renewing_leaves_the_contract_to_run_to_its_end(contract, commissioner):
    decommissioning = DecommissioningFactory(contract=contract)
    give_notice(decommissioning=decommissioning, by=commissioner, now=NOW)
    contract.refresh_from_db()
    assert contract.ended_on is None


def test_notice_is_given_once(contract, commissioner):
    decommissioning = DecommissioningFactory(contract=contract)
    give_notice(decommissioning=decommissioning, by=commissioner, now=NOW)
    with pytest.raises(ValidationError):
        give_notice(decommissioning=decommissioning, by=commissioner, now=NOW)


def test_who_is_told(
    contract, commissioner, supplier, django_capture_on_commit_callbacks, mailoutbox
):
    home, named, elsewhere, other_base = WardFactory(), WardFactory(), WardFactory(), WardFactory()
    contract.citywide = False
    contract.save()
    contract.wards.set([named])
    supplier.ward = home
    supplier.save()
    admin = MembershipFactory(organisation=supplier, role=MembershipRole.ADMIN).user
    member = MembershipFactory(organisation=supplier).user
    MembershipFactory(organisation=supplier, user__is_active=False)
    left = OrganisationFactory()
    ContractSupplier.objects.create(
        contract=contract,
        organisation=left,
        role="partner",
        joined_on=contract.starts_on,
        left_on=dt.date(2026, 9, 1),
    )
    MembershipFactory(organisation=left)
    partner = OrganisationFactory(ward=other_base)
    partner_member = MembershipFactory(organisation=partner).user
    home_councillor = CouncillorFactory(wards=[home])
    named_councillor = CouncillorFactory(wards=[named])
    other_base_councillor = CouncillorFactory(wards=[other_base])
    CouncillorFactory(wards=[elsewhere])
    CouncillorFactory(wards=[home], email="")
    decommissioning = DecommissioningFactory(contract=contract)
    decommissioning.affected_organisations.set([partner])

    with django_capture_on_commit_callbacks(execute=True):
        give_notice(decommissioning=decommissioning, by=commissioner, now=NOW)

    told = DecommissioningNotice.objects.filter(decommissioning=decommissioning)
    assert {n.organisation for n in told if n.organisation} == {supplier, partner}
    assert {n.councillor for n in told if n.councillor} == {
        home_councillor,
        named_councillor,
        other_base_councillor,
    }
    assert all(n.sent_at for n in told)
    addresses = sorted(address for message in mailoutbox for address in message.to)
    assert addresses == sorted(
        [
            admin.email,
            member.email,
            partner_member.email,
            home_councillor.email,
            named_councillor.email,
            other_base_councillor.email,
        ]
    )
    body = mailoutbox[0].body
    assert "31 March 2028" in body
    assert decommissioning.reasons in body
    assert "BVSC" in body
    assert mailoutbox[0].reply_to == [commissioner.email]


def test_a_citywide_contract_tells_councillors_where_the_affected_are_based(
    contract, commissioner, supplier
):
    home = WardFactory()
    supplier.ward = home
    supplier.save()
    contract.wards.set([WardFactory()])  # named, but the contract is citywide
    home_councillor = CouncillorFactory(wards=[home])
    CouncillorFactory()
    decommissioning = DecommissioningFactory(contract=contract)
    give_notice(decommissioning=decommissioning, by=commissioner, now=NOW)
    councillors = DecommissioningNotice.objects.filter(councillor__isnull=False)
    assert [notice.councillor for notice in councillors] == [home_councillor]


def test_each_notice_is_sent_once(
    contract, commissioner, supplier, django_capture_on_commit_callbacks, mailoutbox
):
    MembershipFactory(organisation=supplier)
    decommissioning = DecommissioningFactory(contract=contract)
    with django_capture_on_commit_callbacks(execute=True):
        give_notice(decommissioning=decommissioning, by=commissioner, now=NOW)
    assert len(mailoutbox) == 1
    assert send_notices() == 0
    assert send_notices(decommissioning_id=decommissioning.pk) == 0
    assert len(mailoutbox) == 1


def test_plans_without_notice_are_not_sent(contract, mailoutbox):
    decommissioning = DecommissioningFactory(contract=contract)
    DecommissioningNotice.objects.create(
        decommissioning=decommissioning, organisation=contract.suppliers.get().organisation
    )
    assert send_notices() == 0


def test_a_failing_recipient_does_not_stop_the_others(
    contract, commissioner, supplier, monkeypatch, mailoutbox
):
    MembershipFactory(organisation=supplier)
    broken = OrganisationFactory()
    MembershipFactory(organisation=broken)
    decommissioning = DecommissioningFactory(contract=contract)
    decommissioning.affected_organisations.set([broken])
    real_send = notices.send_each

    def send_each(subject, template, context, recipients, **kwargs):
        if context["notice"].organisation == broken:
            raise ConnectionRefusedError("mail server refused")
        real_send(subject, template, context, recipients, **kwargs)

    monkeypatch.setattr(notices, "send_each", send_each)
    give_notice(decommissioning=decommissioning, by=commissioner, now=NOW)
    assert send_notices() == 1
    failed = DecommissioningNotice.objects.get(organisation=broken)
    assert failed.sent_at is None
    assert failed.failed_attempts == 1
    assert "mail server refused" in failed.last_failure
    assert DecommissioningNotice.objects.get(organisation=supplier).sent_at is not None
    assert len(mailoutbox) == 1

    monkeypatch.setattr(notices, "send_each", real_send)
    assert send_notices() == 1  # the periodic retry
    failed.refresh_from_db()
    assert failed.sent_at is not None
    assert failed.failed_attempts == 0
    assert len(mailoutbox) == 2
