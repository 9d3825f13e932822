import pytest

from organisations.identifiers import Scheme
from organisations.models import AuditEvent, Identifier
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_site_admin_verifies_identifiers_from_the_admin(site_admin):
    identifier = Identifier.objects.create(
        organisation=OrganisationFactory(), scheme=Scheme.CHC, value="1123456"
    )
    response = site_admin.post(
        "/admin/organisations/identifier/",
        {"action": "mark_verified", "_selected_action": [identifier.pk]},
    )
    assert response.status_code == 302
    identifier.refresh_from_db()
    assert identifier.verified_by == site_admin.user
    event = identifier.organisation.audit_events.get()
    assert (event.action, event.actor) == (AuditEvent.Action.IDENTIFIER_VERIFIED, site_admin.user)


def test_a_site_admin_allows_a_public_body_to_publish(site_admin):
    organisation = OrganisationFactory(legal_form="public_body")
    site_admin.post(
        "/admin/organisations/organisation/",
        {"action": "allow_publishing", "_selected_action": [organisation.pk]},
    )
    organisation.refresh_from_db()
    assert organisation.can_publish
    assert organisation.audit_events.filter(action=AuditEvent.Action.PUBLISHING_ALLOWED).exists()


def test_the_registry_admin_pages_load(site_admin):
    organisation = OrganisationFactory()
    for path in (
        "/admin/organisations/organisation/",
        f"/admin/organisations/organisation/{organisation.pk}/change/",
        "/admin/organisations/identifier/",
        "/admin/organisations/servicecategory/",
    ):
        assert site_admin.get(path).status_code == 200, path
