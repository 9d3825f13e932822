"""The commissioning admin site: every list and row page loads for a site admin, and
nothing on it lets a bid be chosen or looked up by id."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from commissioning.models import (
    CoProductionPartner,
    DecommissioningNotice,
    KpiReturn,
    KpiReturnCorrection,
    Outcome,
    PerformanceRating,
    PhaseMove,
    PipelineFollow,
    PostcodeWard,
    ProjectDocument,
    Registration,
    ReturnReminder,
    SocialValueLine,
    SocialValueReturn,
    Subcontract,
    SubcontractApplication,
)
from tenders import actions as tender_actions
from tenders.models import SocialValueCommitment
from tests.commissioning.factories import (
    ContractFactory,
    DecommissioningFactory,
    EngagementEventFactory,
    KpiFactory,
    PipelineItemFactory,
    PledgeFactory,
    ProjectFactory,
)
from tests.factories import (
    CouncillorFactory,
    MembershipFactory,
    OpportunityFactory,
    OrganisationFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db

COMMISSIONING_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "commissioning"),
    key=lambda model: model.__name__,
)


@pytest.fixture
def one_of_each():
    """One row of every commissioning model, the contract made from a bid."""
    now = timezone.now()
    organisation = OrganisationFactory()
    ward = WardFactory()
    project = ProjectFactory()
    PhaseMove.objects.create(project=project, from_phase="analyse", to_phase="plan", moved_at=now)
    Outcome.objects.create(project=project, description="Fewer people isolated")
    ProjectDocument.objects.create(
        project=project, kind="other", title="Survey", file="commissioning/documents/survey.pdf"
    )
    CoProductionPartner.objects.create(project=project, organisation=organisation, kind="provider")
    event = EngagementEventFactory(project=project)
    Registration.objects.create(
        event=event,
        organisation=organisation,
        attendee_name="Asha Patel",
        attendee_email="asha@example.org",
        registered_at=now,
    )
    item = PipelineItemFactory(project=project)
    PipelineFollow.objects.create(item=item, organisation=organisation)

    commissioner = MembershipFactory(organisation__publishing_allowed_at=now).user
    opportunity = OpportunityFactory(publisher=commissioner.memberships.get().organisation)
    tender = tender_actions.create_tender(opportunity=opportunity, by=commissioner)
    bidder = MembershipFactory(role="admin")
    bid = tender_actions.start_bid(tender=tender, organisation=bidder.organisation, by=bidder.user)
    commitment = SocialValueCommitment.objects.create(
        bid=bid, measure="Apprenticeships", quantity=2, unit="places"
    )
    contract = ContractFactory(supplier=organisation, bid=bid, opportunity=opportunity)
    kpi = KpiFactory(contract=contract)
    kpi_return = KpiReturn.objects.create(
        kpi=kpi, period_start=dt.date(2026, 4, 1), value=Decimal("90"), submitted_at=now
    )
    KpiReturnCorrection.objects.create(
        kpi_return=kpi_return, old_value=Decimal("80"), corrected_at=now
    )
    PerformanceRating.objects.create(
        contract=contract,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 6, 30),
        rating="good",
        comment="On target.",
        rated_at=now,
    )
    ReturnReminder.objects.create(kpi=kpi, period_start=dt.date(2026, 4, 1), when="before")
    pledge = PledgeFactory(contract=contract, commitment=commitment)
    social_value = SocialValueReturn.objects.create(
        pledge=pledge,
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 6, 30),
        submitted_at=now,
    )
    SocialValueLine.objects.create(
        social_value_return=social_value, ward=ward, postcode_district="B15", quantity=3
    )
    PostcodeWard.objects.create(postcode="B15 2TT", ward=ward)
    subcontract = Subcontract.objects.create(
        contract=contract, opportunity=OpportunityFactory(), supplier=organisation
    )
    SubcontractApplication.objects.create(
        subcontract=subcontract,
        organisation=OrganisationFactory(),
        message="We can.",
        applied_at=now,
    )
    decommissioning = DecommissioningFactory(contract=contract, notice_given_at=now)
    DecommissioningNotice.objects.create(decommissioning=decommissioning, organisation=organisation)
    DecommissioningNotice.objects.create(
        decommissioning=decommissioning, councillor=CouncillorFactory()
    )
    return {"contract": contract, "pledge": pledge}


def test_every_commissioning_model_is_in_the_admin_on_its_own_or_inline():
    inline = {
        inline_class.model
        for model_admin in admin.site._registry.values()
        for inline_class in model_admin.inlines
    }
    models = set(apps.get_app_config("commissioning").get_models())
    assert models <= set(COMMISSIONING_MODELS) | inline


@pytest.mark.parametrize("model", COMMISSIONING_MODELS, ids=lambda model: model.__name__)
def test_each_list_and_row_page_loads_for_a_site_admin(site_admin, one_of_each, model):
    info = model._meta.app_label, model._meta.model_name
    changelist = site_admin.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert changelist.status_code == 200
    searched = site_admin.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "a"})
    assert searched.status_code == 200
    row = model.objects.first()
    assert row is not None
    change = site_admin.get(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
    assert change.status_code == 200


def test_a_contracts_bid_and_a_pledges_commitment_cannot_be_chosen(site_admin, one_of_each):
    contract, pledge = one_of_each["contract"], one_of_each["pledge"]
    page = site_admin.get(reverse("admin:commissioning_contract_change", args=[contract.pk]))
    assert 'name="bid"' not in page.text
    assert 'name="opportunity"' in page.text  # a raw id, for a public notice
    page = site_admin.get(reverse("admin:commissioning_pledge_change", args=[pledge.pk]))
    assert 'name="commitment"' not in page.text


def test_decommissioning_cannot_be_added_or_changed_in_the_admin(site_admin, one_of_each):
    assert site_admin.get(reverse("admin:commissioning_decommissioning_add")).status_code == 403
    decommissioning = one_of_each["contract"].decommissionings.get()
    page = site_admin.get(
        reverse("admin:commissioning_decommissioning_change", args=[decommissioning.pk])
    )
    assert 'name="takes_effect_on"' not in page.text


def test_a_returns_corrections_are_shown_and_cannot_be_changed(site_admin, one_of_each):
    correction = KpiReturnCorrection.objects.get()
    assert site_admin.get(reverse("admin:commissioning_kpireturncorrection_add")).status_code == 403
    page = site_admin.get(
        reverse("admin:commissioning_kpireturn_change", args=[correction.kpi_return_id])
    )
    assert "80.00" in page.text
    assert 'name="corrections-0-old_value"' not in page.text


@pytest.mark.parametrize("model", COMMISSIONING_MODELS, ids=lambda model: model.__name__)
def test_a_value_that_is_not_an_id_in_every_box_is_refused_not_a_server_error(
    site_admin, one_of_each, model
):
    """NUL in every field of the add and change pages: the form says what is wrong."""
    site_admin.raise_request_exception = False
    info = model._meta.app_label, model._meta.model_name
    for url in (
        reverse("admin:{}_{}_add".format(*info)),
        reverse("admin:{}_{}_change".format(*info), args=[model.objects.first().pk]),
    ):
        page = site_admin.get(url)
        names = set(re.findall(r'name="([^"]+)"', page.text)) - {"csrfmiddlewaretoken"}
        data = {name: "a\x00b" for name in names if not name.endswith("TOTAL_FORMS")}
        response = site_admin.post(url, data)
        assert response.status_code < 500, (url, response.status_code)


def test_the_admin_is_for_site_admins_only(commissioner):
    response = commissioner.get(reverse("admin:commissioning_contract_changelist"))
    assert response.status_code in (302, 404)
