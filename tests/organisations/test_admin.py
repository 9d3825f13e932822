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


@pytest.mark.parametrize("user", ["a\x00b", "1e309", "not-an-id", "9" * 40])
def test_a_councillor_form_with_a_user_that_is_not_an_id_is_shown_again(site_admin, user):
    # The user box searches as you type; a value that is not a user's id must
    # come back as a form error, not a server error while redrawing the box.
    site_admin.raise_request_exception = False
    response = site_admin.post(
        "/admin/organisations/councillor/add/",
        {"user": user, "full_name": "Cllr Test", "email": "cllr@example.org", "wards": []},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["user"]
