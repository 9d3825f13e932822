"""The Business Charter for Social Responsibility (R03): an organisation of any size
records whether it has signed and the principles it commits to, and its public
profile shows both."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from organisations import actions
from organisations.actions.common import Action
from organisations.models import AuditEvent, CharterPrinciple, Organisation
from tests.factories import OrganisationFactory, UserFactory
from tests.organisations.test_manage_views import REGISTRATION

pytestmark = pytest.mark.django_db


def ticked(page):
    """The Charter principles ticked on a form."""
    boxes = re.findall(r'name="charter_principles"[^>]*value="(\w+)"\s*(checked)?', page)
    return [value for value, checked in boxes if checked]


def edit(client, organisation, **fields):
    return client.post(f"/organisations/{organisation.slug}/edit/", REGISTRATION | fields)


def test_an_administrator_records_the_charter_date_and_principles(organisation_admin):
    organisation = organisation_admin.organisation

    response = edit(
        organisation_admin,
        organisation,
        charter_signatory_since="27/3/2021",
        charter_principles=["green", "local_employment", "good_employer"],
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.charter_signatory_since == date(2021, 3, 27)
    # Stored in the Charter's order, whatever order the boxes came in.
    assert organisation.charter_principles == ["local_employment", "good_employer", "green"]
    changed = AuditEvent.objects.filter(organisation=organisation, action=Action.PROFILE_CHANGED)
    assert "Charter principles committed to" in changed.latest("pk").detail


def test_the_form_shows_the_principles_ticked_and_unticking_them_all_clears_them(
    organisation_admin,
):
    organisation = organisation_admin.organisation
    edit(organisation_admin, organisation, charter_principles=["buy_local"])

    page = organisation_admin.get(f"/organisations/{organisation.slug}/edit/").text
    for label in CharterPrinciple.labels:
        assert str(label) in page
    assert ticked(page) == ["buy_local"]

    edit(organisation_admin, organisation)
    organisation.refresh_from_db()
    assert organisation.charter_principles == []


def test_an_unknown_principle_is_refused_beside_the_field(organisation_admin):
    organisation = organisation_admin.organisation

    response = edit(organisation_admin, organisation, charter_principles=["green", "cheap_labour"])

    assert response.status_code == 200
    assert "Select principles from the list" in response.text
    organisation.refresh_from_db()
    assert organisation.charter_principles == []


def test_a_small_organisation_that_has_not_signed_may_commit_to_principles(member):
    response = member.post(
        "/organisations/register/",
        REGISTRATION | {"paid_staff": "2", "charter_principles": ["partners_in_communities"]},
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.charter_signatory_since is None
    assert organisation.charter_principles == ["partners_in_communities"]


def test_the_actions_refuse_codes_that_are_not_principles():
    with pytest.raises(ValidationError, match="cheap_labour"):
        actions.register_organisation(
            by=UserFactory(),
            name="A",
            legal_form="cooperative",
            charter_principles=["cheap_labour"],
        )
    assert not Organisation.objects.exists()


def test_the_public_profile_shows_the_signatory_date_and_the_principles(visitor):
    organisation = OrganisationFactory(
        charter_signatory_since=date(2019, 6, 1),
        charter_principles=["ethical_procurement", "buy_local"],
    )

    page = visitor.get(f"/organisations/{organisation.slug}/").text

    assert "Signatory since 1 June 2019" in page
    assert "Charter principles committed to" in page
    assert page.index("Buy local first") < page.index("Ethical procurement")
    assert "Green and sustainable" not in page


def test_a_profile_without_principles_says_none_were_given(visitor):
    organisation = OrganisationFactory()

    page = visitor.get(f"/organisations/{organisation.slug}/").text

    assert "Not a signatory" in page
    assert "None given" in page
