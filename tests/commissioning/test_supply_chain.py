"""Subcontracting (R04 b): the lead supplier publishes a subcontracting opportunity, listed
with the council's own and marked; organisations apply; the supplier sees who applied
(commissioning.actions.supply_chain, commissioning.views.supply_chain)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from commissioning.actions import supply_chain as actions
from commissioning.models import Subcontract, SubcontractApplication
from opportunities.models import Opportunity, Procedure
from organisations.models import IncomeBand, LegalForm
from tests.commissioning.factories import ContractFactory, commissioner_of, supplier_member
from tests.factories import MembershipFactory, OpportunityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def in_days(days):
    return timezone.now() + datetime.timedelta(days=days)


@pytest.fixture
def contract():
    today = timezone.localdate()
    return ContractFactory(
        title="Community transport",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=700),
        supplier=OrganisationFactory(name="Moseley Deaf Club"),
    )


@pytest.fixture
def lead_member(contract):
    return supplier_member(contract)


def post(contract, by, **overrides):
    fields = {
        "title": "Wheelchair-accessible minibus drivers",
        "summary": "Drivers for Tuesday and Thursday runs in Sutton Coldfield.",
        "value_low": 5000,
        "value_high": 15000,
        "clarification_deadline": in_days(10),
        "submission_deadline": in_days(21),
        "contact_name": "Sam Patel",
        "contact_email": "sam@example.org",
    }
    fields.update(overrides)
    return actions.post_subcontract(contract=contract, by=by, **fields)


def test_the_lead_supplier_publishes_a_subcontracting_opportunity(contract, lead_member):
    subcontract = post(contract, lead_member)
    opportunity = subcontract.opportunity
    assert opportunity.subcontracting and opportunity.published_at is not None
    assert opportunity.publisher == subcontract.supplier == contract.suppliers.get().organisation
    assert opportunity.procedure == Procedure.QUOTATION and opportunity.suitable_for_small
    assert opportunity.category == contract.category and opportunity.citywide
    assert subcontract.contract == contract


def test_it_is_listed_with_the_councils_opportunities_and_marked(visitor, contract, lead_member):
    council = OpportunityFactory(title="Council lunch clubs")
    subcontract = post(contract, lead_member)
    page = visitor.get(reverse("opportunities:search")).content.decode()
    assert council.title in page and subcontract.opportunity.title in page
    assert page.count("Subcontracting opportunity") == 1
    assert "Prime contractor: Moseley Deaf Club" in page
    detail = visitor.get(
        reverse("opportunities:detail", args=[subcontract.opportunity.reference])
    ).content.decode()
    assert "Subcontracting opportunity" in detail and "Prime contractor:" in detail


@pytest.mark.parametrize("who", ["partner", "commissioner", "stranger"])
def test_only_the_lead_suppliers_members_post(contract, who):
    from commissioning.models import ContractSupplier, SupplierRole

    if who == "partner":
        partner = OrganisationFactory()
        ContractSupplier.objects.create(
            contract=contract,
            organisation=partner,
            role=SupplierRole.PARTNER,
            joined_on=contract.starts_on,
        )
        user = MembershipFactory(organisation=partner).user
    elif who == "commissioner":
        user = commissioner_of(contract)
    else:
        user = MembershipFactory().user
    with pytest.raises(PermissionError):
        post(contract, user)
    assert not Opportunity.objects.exists()


def test_bad_deadlines_and_missing_fields_are_refused(contract, lead_member):
    with pytest.raises(ValidationError) as error:
        post(
            contract,
            lead_member,
            title=" ",
            clarification_deadline=in_days(-1),
            submission_deadline=in_days(-2),
            value_high=1000,
        )
    assert set(error.value.message_dict) == {
        "title",
        "clarification_deadline",
        "submission_deadline",
        "value_high",
    }


def test_organisations_apply_once_and_the_supplier_sees_them(client, contract, lead_member):
    subcontract = post(contract, lead_member)
    micro = MembershipFactory(
        organisation=OrganisationFactory(
            name="Kings Heath Drivers", income_band=IncomeBand.UNDER_10K
        )
    )
    company = MembershipFactory(
        organisation=OrganisationFactory(
            name="Brum Minibus Ltd",
            legal_form=LegalForm.PRIVATE_COMPANY,
            income_band=IncomeBand.FROM_1M,
        )
    )
    apply_url = reverse(
        "commissioning:apply_to_subcontract", args=[subcontract.opportunity.reference]
    )
    client.force_login(micro.user)
    detail = client.get(
        reverse("opportunities:detail", args=[subcontract.opportunity.reference])
    ).content.decode()
    assert apply_url in detail
    response = client.post(apply_url, {"message": "Two volunteer drivers with MiDAS."})
    assert response.status_code == 302
    again = client.post(apply_url, {"message": "Again"}).content.decode()
    assert "Your organisation has already applied" in again
    client.force_login(company.user)
    assert client.post(apply_url, {"message": ""}).status_code == 200
    client.post(apply_url, {"message": "A fleet of six."})
    assert SubcontractApplication.objects.count() == 2

    list_url = reverse(
        "commissioning:subcontract_applications", args=[subcontract.opportunity.reference]
    )
    assert client.get(list_url).status_code == 404  # an applicant, not the contractor
    client.force_login(lead_member)
    page = client.get(list_url).content.decode()
    assert "Kings Heath Drivers" in page and "Brum Minibus Ltd" in page
    assert "Micro" in page and "Private sector" in page and "Third sector" in page
    assert "Two volunteer drivers with MiDAS." in page


def test_the_contractor_cannot_apply_to_its_own_opportunity(contract, lead_member):
    subcontract = post(contract, lead_member)
    with pytest.raises(ValidationError):
        actions.apply_to_subcontract(
            subcontract=subcontract,
            organisation=subcontract.supplier,
            by=lead_member,
            message="Us",
        )


def test_applications_close_at_the_deadline(contract, lead_member, time_machine):
    subcontract = post(contract, lead_member)
    applicant = MembershipFactory()
    time_machine.move_to(subcontract.opportunity.submission_deadline, tick=False)
    with pytest.raises(ValidationError) as error:
        actions.apply_to_subcontract(
            subcontract=subcontract,
            organisation=applicant.organisation,
            by=applicant.user,
            message="Late",
        )
    assert error.value.messages == ["Applications have closed"]


def test_the_posting_page_for_the_lead_supplier_and_404_for_others(
    client, contract, lead_member, other_member
):
    page_url = reverse("commissioning:post_subcontract", args=[contract.reference])
    assert other_member.get(page_url).status_code == 404
    client.force_login(lead_member)
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    response = client.post(
        page_url,
        {
            "title": "Escorts for day trips",
            "summary": "Volunteer escorts.",
            "value_low": "£2,000",
            "value_high": "£6,000",
            "clarification_date": (deadline - datetime.timedelta(days=7)).strftime("%d/%m/%Y"),
            "clarification_time": "12:00",
            "submission_date": deadline.strftime("%d/%m/%Y"),
            "submission_time": "12:00",
            "contact_name": "Sam Patel",
            "contact_email": "sam@example.org",
        },
    )
    subcontract = Subcontract.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("opportunities:detail", args=[subcontract.opportunity.reference])


def test_applications_and_apply_pages_are_404_for_an_ordinary_opportunity(member):
    opportunity = OpportunityFactory()
    for name in ("apply_to_subcontract", "subcontract_applications"):
        assert (
            member.get(reverse(f"commissioning:{name}", args=[opportunity.reference])).status_code
            == 404
        )
