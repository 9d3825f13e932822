"""The contract's social value page and the supplier's return form."""

from decimal import Decimal

import pytest
from django.urls import reverse

from commissioning.models import SocialValueLine, SocialValueReturn
from tests.commissioning.factories import (
    ContractFactory,
    PledgeFactory,
    PostcodeWardFactory,
    SocialValueLineFactory,
    SocialValueReturnFactory,
)
from tests.factories import MembershipFactory, OrganisationFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_december_2026(time_machine):
    time_machine.move_to("2026-12-03 12:00Z", tick=False)


@pytest.fixture
def pledge():
    contract = ContractFactory(supplier=OrganisationFactory(), reference="CON-2026-0100")
    return PledgeFactory(contract=contract, measure="Local people into work", unit="jobs")


def _supplier_client(client, pledge):
    organisation = pledge.contract.suppliers.get().organisation
    client.force_login(MembershipFactory(organisation=organisation).user)
    return client


def _page(pledge):
    return reverse("commissioning:contract_social_value", args=[pledge.contract.reference])


def _report_url(pledge):
    return reverse("commissioning:report_social_value", args=[pledge.contract.reference, pledge.pk])


def test_a_commissioner_of_the_publisher_sees_pledged_against_delivered_by_ward(client, pledge):
    ward = WardFactory(name="Edgbaston")
    SocialValueLineFactory(
        social_value_return=SocialValueReturnFactory(pledge=pledge), ward=ward, quantity=3
    )
    client.force_login(MembershipFactory(organisation=pledge.contract.publisher).user)
    response = client.get(_page(pledge))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Local people into work" in page
    assert "200 jobs" in page  # pledged
    assert "3 jobs" in page  # delivered
    assert reverse("commissioning:ward", args=[ward.slug]) in page
    assert "Open Government Licence" in page
    assert "Report delivery" not in page


def test_the_supplier_sees_the_page_with_a_link_to_report(client, pledge):
    response = _supplier_client(client, pledge).get(_page(pledge))
    assert response.status_code == 200
    assert _report_url(pledge) in response.content.decode()


@pytest.mark.parametrize("who", ["visitor", "member", "other_member", "commissioner"])
def test_outsiders_get_404(request, who, pledge):
    outsider = request.getfixturevalue(who)
    assert outsider.get(_page(pledge)).status_code == 404
    assert outsider.get(_report_url(pledge)).status_code == 404


def test_a_commissioner_cannot_report_for_the_supplier(client, pledge):
    client.force_login(MembershipFactory(organisation=pledge.contract.publisher).user)
    assert client.get(_report_url(pledge)).status_code == 404


def test_a_good_return_is_saved_and_goes_back_to_the_page(client, pledge):
    PostcodeWardFactory(postcode="B15 2TT")
    response = _supplier_client(client, pledge).post(
        _report_url(pledge),
        {
            "period_start": "1/4/2026",
            "period_end": "30/9/2026",
            "description": "Two kitchen assistants",
            "lines": "B15 2TT, 2",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _page(pledge)
    assert SocialValueLine.objects.get().quantity == Decimal("2")


def test_bad_lines_come_back_in_the_form_and_the_good_are_saved(client, pledge):
    PostcodeWardFactory(postcode="B15 2TT")
    client = _supplier_client(client, pledge)
    response = client.post(
        _report_url(pledge),
        {
            "period_start": "1/4/2026",
            "period_end": "30/9/2026",
            "lines": "B15 2TT, 2\nB1X 2TT, 1\nB15 9ZZ, 4",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    saved = SocialValueReturn.objects.get()
    assert saved.lines.get().quantity == 2
    assert "1 line saved." in page
    assert "Line 2 (B1X 2TT, 1): ‘B1X 2TT’ is not a postcode" in page
    assert "Line 3 (B15 9ZZ, 4): We could not find B15 9ZZ in Birmingham’s wards" in page
    assert "\nB1X 2TT, 1\nB15 9ZZ, 4</textarea>" in page
    lines_url = reverse(
        "commissioning:social_value_lines", args=[pledge.contract.reference, saved.pk]
    )
    assert f'action="{lines_url}"' in page
    PostcodeWardFactory(postcode="B1 2TT")
    response = client.post(lines_url, {"lines": "B1 2TT, 1"})
    assert response.status_code == 302
    assert saved.lines.count() == 2


def test_a_return_whose_lines_are_all_bad_keeps_everything_typed(client, pledge):
    response = _supplier_client(client, pledge).post(
        _report_url(pledge),
        {"period_start": "1/4/2026", "period_end": "30/9/2026", "lines": "B1X 2TT, 1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "‘B1X 2TT’ is not a postcode" in page
    assert 'value="1/4/2026"' in page
    assert "\nB1X 2TT, 1</textarea>" in page
    assert not SocialValueReturn.objects.exists()


def test_a_period_in_the_future_is_refused_with_its_message(client, pledge):
    PostcodeWardFactory(postcode="B15 2TT")
    response = _supplier_client(client, pledge).post(
        _report_url(pledge),
        {"period_start": "1/1/2027", "period_end": "31/3/2027", "lines": "B15 2TT, 2"},
    )
    assert response.status_code == 200
    assert "The period cannot start after today" in response.content.decode()
    assert not SocialValueReturn.objects.exists()


def test_the_lines_page_of_another_contracts_return_is_404(client, pledge):
    other = SocialValueReturnFactory(pledge=PledgeFactory())
    url = reverse("commissioning:social_value_lines", args=[pledge.contract.reference, other.pk])
    assert _supplier_client(client, pledge).get(url).status_code == 404


def test_the_page_takes_the_same_number_of_queries_however_many_returns(
    client, pledge, django_assert_max_num_queries
):
    client.force_login(MembershipFactory(organisation=pledge.contract.publisher).user)
    SocialValueLineFactory(social_value_return=SocialValueReturnFactory(pledge=pledge))
    with django_assert_max_num_queries(12) as few:
        client.get(_page(pledge))
    for _n in range(5):
        SocialValueLineFactory(social_value_return=SocialValueReturnFactory(pledge=pledge))
        PledgeFactory(contract=pledge.contract)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_page(pledge))
