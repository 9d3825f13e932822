"""Decommissioning pages: the commissioner's journey, 404 for outsiders, public after notice."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from commissioning.decommissioning import earliest_with_full_notice, visible_to
from commissioning.models import Decommissioning, DecommissioningKind
from tests.commissioning.factories import ContractFactory, DecommissioningFactory
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    return ContractFactory(
        supplier=OrganisationFactory(),
        ends_on=timezone.localdate() + dt.timedelta(days=400),
    )


@pytest.fixture
def planner(client, contract):
    """One of the contract's publisher's commissioners, signed in."""
    client.user = MembershipFactory(organisation=contract.publisher).user
    client.force_login(client.user)
    return client


def url(name, decommissioning):
    return reverse(
        f"commissioning:{name}", args=[decommissioning.contract.reference, decommissioning.pk]
    )


def form_data(**values):
    data = {
        "kind": DecommissioningKind.END,
        "takes_effect_on": (timezone.localdate() + dt.timedelta(days=200)).strftime("%d/%m/%Y"),
        "reasons": "The need is now met by the new community hubs.",
        "impact_assessment": "About 60 people a week; all can use a hub within a mile.",
        "support": "BVSC for the supplier; the hubs for service users.",
    }
    data.update(values)
    return data


def test_a_commissioner_plans_then_gives_notice(
    planner, contract, mailoutbox, django_capture_on_commit_callbacks
):
    partner = OrganisationFactory()
    MembershipFactory(organisation=contract.suppliers.get().organisation)
    new = reverse("commissioning:decommissioning_new", args=[contract.reference])
    page = planner.get(new)
    assert page.status_code == 200
    assert "equalities" in page.text

    response = planner.post(new, form_data(affected_organisations=[partner.pk]))
    decommissioning = Decommissioning.objects.get()
    assert response.status_code == 302
    assert response.url == url("decommissioning", decommissioning)
    assert list(decommissioning.affected_organisations.all()) == [partner]

    page = planner.get(url("decommissioning", decommissioning))
    assert "Planned: notice not yet given" in page.text
    assert "Send the notice" in page.text

    confirm = planner.get(url("decommissioning_notice", decommissioning))
    assert partner.name in confirm.text
    with django_capture_on_commit_callbacks(execute=True):
        response = planner.post(url("decommissioning_notice", decommissioning))
    assert response.status_code == 302
    decommissioning.refresh_from_db()
    assert decommissioning.notice_given_at is not None
    assert len(mailoutbox) == 1
    page = planner.get(url("decommissioning", decommissioning))
    assert "Who was told" in page.text


def test_a_short_notice_without_reason_is_refused_and_the_typing_kept(planner, contract):
    soon = timezone.localdate() + dt.timedelta(days=30)
    new = reverse("commissioning:decommissioning_new", args=[contract.reference])
    response = planner.post(new, form_data(takes_effect_on=soon.strftime("%d/%m/%Y")))
    assert response.status_code == 200
    earliest = earliest_with_full_notice(timezone.localdate())
    assert f"{earliest.day} {earliest:%B %Y}" in response.text
    assert "The need is now met by the new community hubs." in response.text
    assert not Decommissioning.objects.exists()


def test_a_plan_is_changed_before_notice(planner, contract):
    decommissioning = DecommissioningFactory(contract=contract)
    page = planner.get(url("decommissioning_change", decommissioning))
    assert decommissioning.reasons in page.text
    response = planner.post(
        url("decommissioning_change", decommissioning),
        form_data(kind=DecommissioningKind.NOT_RENEW, takes_effect_on="", reasons="Changed."),
    )
    assert response.status_code == 302
    decommissioning.refresh_from_db()
    assert decommissioning.reasons == "Changed."


@pytest.mark.parametrize("persona", ["visitor", "member", "other_member", "councillor"])
def test_outsiders_get_404_for_a_plan_and_its_forms(persona, request, contract):
    client = request.getfixturevalue(persona)
    decommissioning = DecommissioningFactory(contract=contract)
    for name in ("decommissioning", "decommissioning_change", "decommissioning_notice"):
        assert client.get(url(name, decommissioning)).status_code == 404
    assert client.post(url("decommissioning_notice", decommissioning)).status_code == 404
    new = reverse("commissioning:decommissioning_new", args=[contract.reference])
    assert client.get(new).status_code == 404
    decommissioning.refresh_from_db()
    assert decommissioning.notice_given_at is None


def test_a_supplier_member_cannot_see_the_plan_before_notice(client, contract):
    member = MembershipFactory(organisation=contract.suppliers.get().organisation).user
    client.force_login(member)
    decommissioning = DecommissioningFactory(contract=contract)
    assert client.get(url("decommissioning", decommissioning)).status_code == 404
    decommissioning.notice_given_at = timezone.now()
    decommissioning.save()
    assert client.get(url("decommissioning", decommissioning)).status_code == 200


def test_public_after_notice_only(visitor, contract):
    planned = DecommissioningFactory(contract=contract, reasons="Still only planned.")
    given = DecommissioningFactory(
        contract=contract, reasons="Told to everyone.", notice_given_at=timezone.now()
    )
    page = visitor.get(url("decommissioning", given))
    assert page.status_code == 200
    assert "Told to everyone." in page.text
    assert "Who was told" not in page.text
    assert visitor.get(url("decommissioning", planned)).status_code == 404
    listing = visitor.get(reverse("commissioning:decommissioning_list"))
    assert contract.title in listing.text
    assert url("decommissioning", given) in listing.text
    assert url("decommissioning", planned) not in listing.text


def test_after_notice_the_forms_are_gone(planner, contract):
    decommissioning = DecommissioningFactory(contract=contract, notice_given_at=timezone.now())
    assert planner.get(url("decommissioning_change", decommissioning)).status_code == 404
    assert planner.get(url("decommissioning_notice", decommissioning)).status_code == 404
    assert "Send the notice" not in planner.get(url("decommissioning", decommissioning)).text


def test_the_list_costs_the_same_queries_for_more_notices(visitor, django_assert_max_num_queries):
    def given(count):
        for _ in range(count):
            DecommissioningFactory(notice_given_at=timezone.now())

    given(2)
    with django_assert_max_num_queries(4) as small:
        visitor.get(reverse("commissioning:decommissioning_list"))
    given(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = visitor.get(reverse("commissioning:decommissioning_list"))
    assert "17 notices" in response.text


def test_the_contract_page_include(planner, contract, rf):
    planned = DecommissioningFactory(contract=contract)
    html = render_to_string(
        "commissioning/includes/contract_decommissioning.html",
        {
            "contract": contract,
            "decommissionings": visible_to(planner.user, contract),
            "may_plan_decommissioning": True,
        },
    )
    assert planned.get_absolute_url() in html
    assert reverse("commissioning:decommissioning_new", args=[contract.reference]) in html
    outsider_html = render_to_string(
        "commissioning/includes/contract_decommissioning.html",
        {"contract": contract, "decommissionings": [], "may_plan_decommissioning": False},
    )
    assert outsider_html.strip() == ""
