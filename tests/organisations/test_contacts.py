import pytest

from organisations import actions
from organisations.models import KeyContact, MembershipRole
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

CONTACT = {
    "name": "Amina Hussain",
    "role": "Chief executive",
    "email": "amina@example.org",
    "phone": "0121 303 1111",
    "is_public": True,
}


def contact_for(organisation, **fields):
    return KeyContact.objects.create(organisation=organisation, **(CONTACT | fields))


def contacts_url(organisation, *rest):
    return "/".join([f"/organisations/{organisation.slug}/contacts", *map(str, rest), ""])


# --- Actions -------------------------------------------------------------------


def test_an_administrator_adds_changes_and_removes_a_contact():
    admin = MembershipFactory(role=MembershipRole.ADMIN)
    organisation = admin.organisation
    contact = actions.add_key_contact(organisation=organisation, by=admin.user, **CONTACT)
    assert list(organisation.key_contacts.values_list("name", "is_public")) == [
        ("Amina Hussain", True)
    ]

    actions.update_key_contact(contact=contact, by=admin.user, role="Chair", is_public=False)
    contact.refresh_from_db()
    assert (contact.name, contact.role, contact.is_public) == ("Amina Hussain", "Chair", False)

    actions.remove_key_contact(contact=contact, by=admin.user)
    assert not organisation.key_contacts.exists()


def test_a_site_admin_can_add_a_contact():
    organisation = MembershipFactory().organisation
    site_admin = UserFactory(is_superuser=True, is_staff=True)
    actions.add_key_contact(organisation=organisation, by=site_admin, **CONTACT)
    assert organisation.key_contacts.count() == 1


@pytest.mark.parametrize("who", ["plain_member", "other_admin"])
def test_only_the_organisations_administrators_manage_its_contacts(who):
    organisation = MembershipFactory(role=MembershipRole.ADMIN).organisation
    if who == "plain_member":
        user = MembershipFactory(organisation=organisation, role=MembershipRole.MEMBER).user
    else:
        user = MembershipFactory(role=MembershipRole.ADMIN).user
    contact = contact_for(organisation)

    with pytest.raises(PermissionError):
        actions.add_key_contact(organisation=organisation, by=user, **CONTACT)
    with pytest.raises(PermissionError):
        actions.update_key_contact(contact=contact, by=user, name="Someone else")
    with pytest.raises(PermissionError):
        actions.remove_key_contact(contact=contact, by=user)

    contact.refresh_from_db()
    assert contact.name == "Amina Hussain"
    assert organisation.key_contacts.count() == 1


def test_a_contact_cannot_be_moved_to_another_organisation():
    admin = MembershipFactory(role=MembershipRole.ADMIN)
    contact = contact_for(admin.organisation)
    other = MembershipFactory().organisation
    with pytest.raises(TypeError):
        actions.update_key_contact(contact=contact, by=admin.user, organisation=other)
    contact.refresh_from_db()
    assert contact.organisation == admin.organisation


# --- Views ---------------------------------------------------------------------


def test_an_administrator_adds_a_contact(organisation_admin):
    organisation = organisation_admin.organisation
    response = organisation_admin.get(contacts_url(organisation, "new"))
    assert response.status_code == 200
    assert organisation.name in response.text
    assert "Show this contact on the public profile" in response.text
    assert "novalidate" in response.text

    response = organisation_admin.post(
        contacts_url(organisation, "new"), CONTACT | {"is_public": ""}, follow=True
    )
    assert response.redirect_chain == [(f"/organisations/{organisation.slug}/", 302)]
    assert "Amina Hussain has been added." in response.text
    contact = organisation.key_contacts.get()
    assert (contact.role, contact.phone, contact.is_public) == (
        "Chief executive",
        "0121 303 1111",
        False,
    )


def test_an_administrator_changes_a_contact(organisation_admin):
    organisation = organisation_admin.organisation
    contact = contact_for(organisation, is_public=False)
    response = organisation_admin.get(contacts_url(organisation, contact.pk))
    assert response.status_code == 200
    assert 'value="Amina Hussain"' in response.text

    response = organisation_admin.post(
        contacts_url(organisation, contact.pk),
        CONTACT | {"role": "Chair of trustees", "phone": "+44 121 303 1111"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.role, contact.phone, contact.is_public) == (
        "Chair of trustees",
        "+44 121 303 1111",
        True,
    )


def test_an_administrator_removes_a_contact(organisation_admin):
    organisation = organisation_admin.organisation
    contact = contact_for(organisation)
    response = organisation_admin.post(
        contacts_url(organisation, contact.pk, "remove"), follow=True
    )
    assert response.redirect_chain == [(f"/organisations/{organisation.slug}/", 302)]
    assert "Amina Hussain has been removed." in response.text
    assert not KeyContact.objects.exists()


def test_removing_needs_a_post(organisation_admin):
    contact = contact_for(organisation_admin.organisation)
    response = organisation_admin.get(contacts_url(contact.organisation, contact.pk, "remove"))
    assert response.status_code == 405
    assert KeyContact.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Enter the contact&#x27;s name"),
        ({"role": ""}, "Enter their role, like Chief executive"),
        ({"phone": "12345"}, "Enter a UK telephone number"),
        ({"email": "amina.example.org"}, "Enter an email address in the correct format"),
    ],
)
def test_a_contact_with_a_mistake_is_refused_with_an_error_summary(
    organisation_admin, fields, message
):
    organisation = organisation_admin.organisation
    response = organisation_admin.post(contacts_url(organisation, "new"), CONTACT | fields)
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "There is a problem" in response.text
    assert message in response.text
    assert not KeyContact.objects.exists()


@pytest.mark.parametrize("persona", ["visitor", "member", "other_member"])
def test_outsiders_cannot_manage_an_organisations_contacts(request, persona):
    admin = MembershipFactory(role=MembershipRole.ADMIN)
    organisation = admin.organisation
    contact = contact_for(organisation)
    client = request.getfixturevalue(persona)
    for path in (contacts_url(organisation, "new"), contacts_url(organisation, contact.pk)):
        response = client.get(path)
        if persona == "visitor":
            assert response.status_code == 302, path
            assert response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 404, path
    for path in (
        contacts_url(organisation, "new"),
        contacts_url(organisation, contact.pk),
        contacts_url(organisation, contact.pk, "remove"),
    ):
        response = client.post(path, CONTACT | {"name": "Intruder"})
        assert response.status_code == (302 if persona == "visitor" else 404), path
    contact.refresh_from_db()
    assert contact.name == "Amina Hussain"
    assert organisation.key_contacts.count() == 1


def test_a_plain_member_of_the_organisation_cannot_manage_its_contacts(client):
    membership = MembershipFactory(role=MembershipRole.MEMBER)
    contact = contact_for(membership.organisation)
    client.force_login(membership.user)
    assert client.get(contacts_url(contact.organisation, "new")).status_code == 404
    assert client.get(contacts_url(contact.organisation, contact.pk)).status_code == 404
    response = client.post(contacts_url(contact.organisation, contact.pk, "remove"))
    assert response.status_code == 404
    assert KeyContact.objects.exists()


def test_a_contact_from_another_organisation_gives_404(organisation_admin):
    organisation = organisation_admin.organisation
    elsewhere = contact_for(MembershipFactory().organisation)
    assert organisation_admin.get(contacts_url(organisation, elsewhere.pk)).status_code == 404
    response = organisation_admin.post(
        contacts_url(organisation, elsewhere.pk), CONTACT | {"name": "Changed"}
    )
    assert response.status_code == 404
    response = organisation_admin.post(contacts_url(organisation, elsewhere.pk, "remove"))
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.name == "Amina Hussain"


# --- Profile -------------------------------------------------------------------


def test_visitors_see_public_contacts_but_not_members_only_ones(visitor):
    organisation = MembershipFactory().organisation
    contact_for(organisation, name="Public Person", is_public=True)
    contact_for(organisation, name="Private Person", is_public=False)
    response = visitor.get(f"/organisations/{organisation.slug}/")
    assert "Public Person" in response.text
    assert "Private Person" not in response.text
    assert "Add a contact" not in response.text
    assert "/contacts/" not in response.text


def test_administrators_see_links_to_manage_each_contact(organisation_admin):
    organisation = organisation_admin.organisation
    public = contact_for(organisation, name="Public Person", is_public=True)
    private = contact_for(organisation, name="Private Person", is_public=False)
    response = organisation_admin.get(f"/organisations/{organisation.slug}/")
    text = response.text
    assert f'href="{contacts_url(organisation, "new")}"' in text
    for contact in (public, private):
        assert f'href="{contacts_url(organisation, contact.pk)}"' in text
        assert f'action="{contacts_url(organisation, contact.pk, "remove")}"' in text
    assert '<span class="govuk-visually-hidden"> Private Person</span>' in text


def test_plain_members_see_members_only_contacts_without_links_to_change_them(client):
    membership = MembershipFactory(role=MembershipRole.MEMBER)
    contact_for(membership.organisation, name="Private Person", is_public=False)
    client.force_login(membership.user)
    response = client.get(f"/organisations/{membership.organisation.slug}/")
    assert "Private Person" in response.text
    assert "Add a contact" not in response.text
    assert "/contacts/" not in response.text
