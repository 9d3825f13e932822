"""The contracts register, a contract's page and recording an agreement directly
(commissioning.views.contracts)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from commissioning.models import Contract, ContractKind, ContractSupplier, SupplierRole
from tests.commissioning.factories import (
    ContractFactory,
    KpiFactory,
    PledgeFactory,
    ProjectFactory,
    supplier_member,
)
from tests.factories import OrganisationFactory, ServiceCategoryFactory, WardFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("commissioning:contracts")
RECORD = reverse("commissioning:record_contract")


def contracts(n, **fields):
    made = [ContractFactory(**fields) for _ in range(n)]
    return made


def test_the_register_lists_contracts_with_supplier_value_and_dates(visitor):
    lead = OrganisationFactory(name="Moseley Deaf Club")
    contract = ContractFactory(title="Community transport", supplier=lead, value=Decimal(210000))
    page = visitor.get(REGISTER).content.decode()
    assert "Community transport" in page and "Moseley Deaf Club" in page
    assert "£210,000" in page and "1 April 2026 to 31 March 2028" in page
    assert contract.publisher.name in page and "Contract" in page


def test_the_register_filters_by_kind_ward_category_publisher_and_supplier_words(visitor):
    ward, category = WardFactory(), ServiceCategoryFactory()
    grant = ContractFactory(kind=ContractKind.GRANT, title="Grant for lunches", citywide=False)
    grant.wards.set([ward])
    sla = ContractFactory(
        kind=ContractKind.SERVICE_LEVEL_AGREEMENT, title="Advice SLA", category=category
    )
    other = ContractFactory(
        title="Transport", supplier=OrganisationFactory(name="Alum Rock Sports"), citywide=False
    )

    def titles(**params):
        page = visitor.get(REGISTER, params).content.decode()
        return {c.title for c in (grant, sla, other) if c.title in page}

    assert titles(kind="grant") == {"Grant for lunches"}
    assert titles(ward=ward.slug) == {"Grant for lunches", "Advice SLA"}  # the SLA is citywide
    assert titles(category=category.slug) == {"Advice SLA"}
    assert titles(q="alum rock") == {"Transport"}
    assert titles(publisher=other.publisher.slug) == {"Transport"}


def test_an_invalid_filter_is_reported_not_fatal(visitor):
    ContractFactory(title="Befriending")
    response = visitor.get(REGISTER, {"kind": "lease"})
    assert response.status_code == 200
    assert "Select a type from the list" in response.content.decode()


@pytest.mark.parametrize("size", [2, 12])
def test_the_register_takes_the_same_queries_at_any_size(visitor, size, django_assert_num_queries):
    contracts(size)
    # The three lists of the filters, the count, the page and its lead suppliers.
    with django_assert_num_queries(6):
        response = visitor.get(REGISTER)
    assert response.status_code == 200


def test_a_contract_page_shows_suppliers_lots_pledges_kpis_and_the_award(visitor, tender_contract):
    page = visitor.get(tender_contract.get_absolute_url()).content.decode()
    assert tender_contract.title in page
    for supplier in tender_contract.suppliers.all():
        assert supplier.organisation.name in page
    assert "Consortium member" in page and "Lead supplier" in page
    assert "Hours of volunteering for local groups" in page
    assert "People supported to stay in their own homes" in page
    assert "Up to 12 months more" in page
    # Performance is not public.
    assert reverse("commissioning:contract_performance", args=[tender_contract.reference]) not in (
        page
    )


@pytest.fixture
def tender_contract():
    contract = ContractFactory(extension_options="Up to 12 months more")
    from commissioning.models import ContractSupplier

    ContractSupplier.objects.create(
        contract=contract,
        organisation=OrganisationFactory(),
        role=SupplierRole.PARTNER,
        joined_on=contract.starts_on,
    )
    PledgeFactory(contract=contract)
    KpiFactory(contract=contract)
    return contract


def test_an_unknown_contract_is_404(visitor):
    assert visitor.get(reverse("commissioning:contract", args=["CON-2026-9999"])).status_code == 404


def test_a_supplier_member_sees_the_performance_link(client, tender_contract):
    client.force_login(supplier_member(tender_contract, role="admin"))
    page = client.get(tender_contract.get_absolute_url()).content.decode()
    assert reverse("commissioning:contract_performance", args=[tender_contract.reference]) in page
    assert reverse("commissioning:post_subcontract", args=[tender_contract.reference]) in page


def _record_form(**overrides):
    lead = OrganisationFactory(name="Ladywood Lunch Club")
    data = {
        "kind": "grant",
        "title": "Lunch club grant",
        "description": "Hot meals twice a week.",
        "lead": lead.pk,
        "partners": [OrganisationFactory().pk],
        "value": "£24,000",
        "starts_on": "1/4/2027",
        "ends_on": "31/3/2028",
        "extension_options": "",
        "category": ServiceCategoryFactory().pk,
        "citywide": "on",
    }
    data.update(overrides)
    return data


def test_a_commissioner_records_a_grant(commissioner):
    project = ProjectFactory(publisher=commissioner.organisation)
    response = commissioner.post(RECORD, _record_form(project=project.pk))
    contract = Contract.objects.get()
    assert response.status_code == 302 and response.url == contract.get_absolute_url()
    assert contract.kind == ContractKind.GRANT and contract.publisher == commissioner.organisation
    assert contract.value == Decimal(24000) and contract.project == project
    assert contract.starts_on == datetime.date(2027, 4, 1)
    assert contract.created_by == commissioner.user
    roles = sorted(contract.suppliers.values_list("role", flat=True))
    assert roles == ["lead", "partner"]


def test_an_end_before_the_start_is_refused_with_its_message_and_nothing_typed_lost(
    commissioner,
):
    response = commissioner.post(RECORD, _record_form(ends_on="1/3/2027"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The end date must be after the start date" in page
    assert "Lunch club grant" in page and "£24,000" in page
    assert not Contract.objects.exists()


def test_another_publishers_project_is_not_offered(commissioner):
    response = commissioner.post(RECORD, _record_form(project=ProjectFactory().pk))
    assert "Select a valid choice" in response.content.decode()
    assert not Contract.objects.exists()


def test_wards_or_citywide_are_needed(commissioner):
    response = commissioner.post(RECORD, _record_form(citywide=""))
    assert "Choose the wards it covers, or the whole city" in response.content.decode()


@pytest.mark.parametrize("persona", ["visitor", "member", "other_member"])
def test_only_commissioners_record_agreements(request, persona):
    client = request.getfixturevalue(persona)
    response = client.get(RECORD)
    assert response.status_code in {302, 404}
    if response.status_code == 302:
        assert "/accounts/login/" in response.url


# --- everything about a contract is linked from its page -----------------------------------


def _subcontract(contract):
    from commissioning.models import Subcontract
    from tests.factories import OpportunityFactory

    return Subcontract.objects.create(
        contract=contract,
        opportunity=OpportunityFactory(),
        supplier=contract.suppliers.get(role=SupplierRole.LEAD).organisation,
    )


def test_a_commissioner_sees_every_link_about_the_contract(client):
    from django.utils import timezone

    from tests.commissioning.factories import DecommissioningFactory, commissioner_of

    project = ProjectFactory(title="Lunch clubs for older people")
    today = timezone.localdate()
    contract = ContractFactory(
        publisher=project.publisher,
        project=project,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=300),
    )
    subcontract = _subcontract(contract)
    plan = DecommissioningFactory(contract=contract)
    client.force_login(commissioner_of(contract))
    page = client.get(contract.get_absolute_url()).content.decode()
    ref = contract.reference
    for name in ("contract_performance", "contract_social_value", "add_pledge", "add_kpi"):
        assert reverse(f"commissioning:{name}", args=[ref]) in page, name
    assert reverse("commissioning:decommissioning_new", args=[ref]) in page
    assert plan.get_absolute_url() in page
    assert project.get_absolute_url() in page and "Lunch clubs for older people" in page
    assert reverse("opportunities:detail", args=[subcontract.opportunity.reference]) in page


def test_the_lead_supplier_sees_its_subcontracting_applications_and_social_value(client):
    contract = ContractFactory()
    subcontract = _subcontract(contract)
    client.force_login(supplier_member(contract))
    page = client.get(contract.get_absolute_url()).content.decode()
    ref = contract.reference
    assert reverse("commissioning:contract_social_value", args=[ref]) in page
    assert reverse("commissioning:post_subcontract", args=[ref]) in page
    assert (
        reverse("commissioning:subcontract_applications", args=[subcontract.opportunity.reference])
        in page
    )
    assert reverse("commissioning:add_pledge", args=[ref]) not in page
    assert reverse("commissioning:decommissioning_new", args=[ref]) not in page


def test_a_visitor_sees_only_decommissionings_with_notice_given(visitor):
    from django.utils import timezone

    from tests.commissioning.factories import DecommissioningFactory

    contract = ContractFactory()
    planned = DecommissioningFactory(contract=contract)
    page = visitor.get(contract.get_absolute_url()).content.decode()
    assert planned.get_absolute_url() not in page
    assert reverse("commissioning:contract_social_value", args=[contract.reference]) not in page
    planned.notice_given_at = timezone.now()
    planned.save()
    page = visitor.get(contract.get_absolute_url()).content.decode()
    assert planned.get_absolute_url() in page


@pytest.mark.parametrize("persona", ["visitor", "commissioner", "supplier"])
def test_a_contract_page_takes_the_same_queries_however_much_it_holds(client, persona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.commissioning.factories import DecommissioningFactory, commissioner_of

    def contract_holding(n):
        contract = ContractFactory(citywide=False, project=ProjectFactory())
        contract.wards.set([WardFactory() for _ in range(n)])
        for _ in range(n):
            pledge = PledgeFactory(contract=contract, citywide=False)
            pledge.wards.set([WardFactory(), WardFactory()])
            KpiFactory(contract=contract)
            _subcontract(contract)
            DecommissioningFactory(contract=contract)
            ContractSupplier.objects.create(
                contract=contract,
                organisation=OrganisationFactory(),
                role=SupplierRole.PARTNER,
                joined_on=contract.starts_on,
            )
        return contract

    counts = []
    for n in (1, 4):
        contract = contract_holding(n)
        user = {
            "visitor": lambda _contract: None,
            "commissioner": commissioner_of,
            "supplier": supplier_member,
        }[persona](contract)
        if user:
            client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(contract.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_register_shows_a_supplier_member_the_contracts_their_organisation_delivers(client):
    ours = ContractFactory(title="Lunch club grant")
    left = ContractFactory(title="Old advice SLA")
    ContractFactory(title="Someone else's transport")
    user = supplier_member(ours)
    organisation = user.memberships.get().organisation
    ContractSupplier.objects.filter(contract=left).update(
        organisation=organisation, left_on=datetime.date(2026, 6, 30)
    )
    client.force_login(user)
    page = client.get(REGISTER).content.decode()
    panel = page.split("Contracts your organisation delivers")[1].split("</div>")[0]
    assert ours.get_absolute_url() in panel
    assert "Old advice SLA" not in panel and "Someone else" not in panel


def test_the_register_shows_no_such_panel_to_others(visitor):
    ContractFactory()
    assert "Contracts your organisation delivers" not in visitor.get(REGISTER).content.decode()
