import re

import pytest
from django.core import mail

from accounts.models import User
from organisations import actions
from organisations.models import AuditEvent, Membership, MembershipRole, Organisation
from organisations.tokens import invitation_token
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "name": "Nechells Food Co-op",
    "legal_form": "cooperative",
    "description": "A community food co-operative.",
    "postcode": "b7 5nt",
    "phone": "0121 303 1111",
    "mutuals_number": "31234r",
}


def test_a_signed_in_person_registers_an_organisation_and_becomes_its_administrator(member):
    response = member.post("/organisations/register/", REGISTRATION)
    organisation = Organisation.objects.get()
    assert response["Location"] == f"/organisations/{organisation.slug}/"
    assert organisation.postcode == "B7 5NT"
    assert [i.org_id for i in organisation.identifiers.all()] == ["GB-MPR-31234R"]
    assert organisation.memberships.get().user == member.user
    assert member.session["acting_for_organisation"] == organisation.pk


def test_a_registration_submitted_twice_makes_one_organisation(member):
    first = member.post("/organisations/register/", REGISTRATION)
    second = member.post("/organisations/register/", REGISTRATION)
    organisation = Organisation.objects.get()
    assert first["Location"] == second["Location"] == f"/organisations/{organisation.slug}/"


def test_registering_needs_an_account(visitor):
    response = visitor.get("/organisations/register/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("charity_number", "12AB", "Charity Commission"),
        ("company_number", "XX123456", "company number"),
        ("scottish_charity_number", "012345", "start with SC"),
        ("postcode", "B99 XYZ1", "Enter a real postcode"),
        ("phone", "12345", "Enter a UK telephone number"),
        ("email", "not-an-email", "Enter an email address in the correct format"),
        ("name", "", "Enter the name of the organisation"),
    ],
)
def test_bad_details_are_explained_beside_the_field_and_nothing_typed_is_lost(
    member, field, value, message
):
    response = member.post("/organisations/register/", REGISTRATION | {field: value})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert f'href="#id_{field}"' in response.text
    assert message in response.text
    assert "A community food co-operative." in response.text
    assert not Organisation.objects.exists()


def test_a_second_registration_of_a_registered_number_points_to_the_first(member, client):
    first_admin = UserFactory()
    client.force_login(first_admin)
    client.post("/organisations/register/", REGISTRATION)
    first = Organisation.objects.get()
    client.force_login(member.user)
    response = client.post(
        "/organisations/register/", REGISTRATION | {"name": "Copy", "mutuals_number": "31234R"}
    )
    assert "already registered — ask its administrator to invite you" in response.text
    assert f'href="/organisations/{first.slug}/"' in response.text
    assert Organisation.objects.count() == 1


def test_an_administrator_edits_the_profile_and_numbers(organisation_admin):
    organisation = organisation_admin.organisation
    response = organisation_admin.post(
        f"/organisations/{organisation.slug}/edit/",
        REGISTRATION | {"name": "Renamed", "mutuals_number": "", "charity_number": "1123456"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Renamed"
    assert [i.org_id for i in organisation.identifiers.all()] == ["GB-CHC-1123456"]


@pytest.mark.parametrize("persona", ["visitor", "other_member", "commissioner", "member"])
def test_outsiders_get_404_when_editing_or_managing_someone_elses_organisation(
    request, organisation_admin, persona
):
    slug = organisation_admin.organisation.slug
    organisation_admin.logout()
    client = request.getfixturevalue(persona)
    for path in (f"/organisations/{slug}/edit/", f"/organisations/{slug}/members/"):
        response = client.get(path)
        expected = {302} if persona == "visitor" else {404}
        assert response.status_code in expected, (persona, path)


def test_a_plain_member_cannot_edit_their_organisation(client):
    membership = MembershipFactory(role=MembershipRole.MEMBER)
    client.force_login(membership.user)
    response = client.get(f"/organisations/{membership.organisation.slug}/edit/")
    assert response.status_code == 404


def test_an_administrator_invites_a_colleague_who_accepts_by_the_emailed_link(
    organisation_admin, client, django_capture_on_commit_callbacks
):
    organisation = organisation_admin.organisation
    with django_capture_on_commit_callbacks(execute=True):
        response = organisation_admin.post(
            f"/organisations/{organisation.slug}/members/",
            {"email": "colleague@example.org", "role": "member"},
        )
    assert response.status_code == 302
    [message] = mail.outbox
    path = re.search(r"https?://[^/\s]+(/organisations/invitations/\S+)", message.body).group(1)

    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)
    assert "Accept and join" in client.get(path).text
    response = client.post(path)
    assert response["Location"] == f"/organisations/{organisation.slug}/"
    assert Membership.objects.filter(organisation=organisation, user=colleague).exists()
    assert client.post(path).status_code == 404  # used once only


def test_the_last_administrator_is_told_they_cannot_step_down(organisation_admin):
    organisation = organisation_admin.organisation
    membership = organisation.memberships.get()
    response = organisation_admin.post(
        f"/organisations/{organisation.slug}/members/{membership.pk}/role/",
        {"role": "member"},
        follow=True,
    )
    assert "needs at least one administrator" in response.text
    membership.refresh_from_db()
    assert membership.is_admin
    response = organisation_admin.post(f"/organisations/{organisation.slug}/leave/", follow=True)
    assert "You are the only administrator" in response.text


def test_an_administrator_removes_a_member_and_it_is_audited(organisation_admin):
    organisation = organisation_admin.organisation
    other = MembershipFactory(organisation=organisation)
    organisation_admin.post(f"/organisations/{organisation.slug}/members/{other.pk}/remove/")
    assert not Membership.objects.filter(pk=other.pk).exists()
    event = organisation.audit_events.get(action=AuditEvent.Action.MEMBER_REMOVED)
    assert event.actor == organisation_admin.user


def test_a_person_in_two_organisations_chooses_which_to_act_for(client):
    first = MembershipFactory()
    second = MembershipFactory(user=first.user)
    client.force_login(first.user)
    client.post(f"/organisations/{second.organisation.slug}/act-for/")
    assert client.session["acting_for_organisation"] == second.organisation.pk
    outsider = MembershipFactory()
    assert client.post(f"/organisations/{outsider.organisation.slug}/act-for/").status_code == 404


def test_administrators_and_site_admins_see_the_history_and_members_do_not(
    organisation_admin, client
):
    organisation = organisation_admin.organisation
    other = MembershipFactory(organisation=organisation)
    organisation_admin.post(f"/organisations/{organisation.slug}/members/{other.pk}/remove/")
    response = organisation_admin.get(f"/organisations/{organisation.slug}/history/")
    assert "Member removed" in response.text
    assert organisation_admin.user.full_name in response.text

    client.force_login(MembershipFactory(organisation=organisation).user)
    assert client.get(f"/organisations/{organisation.slug}/history/").status_code == 404
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(f"/organisations/{organisation.slug}/history/").status_code == 200


def _invite(organisation, email):
    admin = MembershipFactory(organisation=organisation, role=MembershipRole.ADMIN).user
    invitation = actions.invite_member(organisation=organisation, email=email, by=admin)
    return invitation, invitation_token(invitation)


def test_a_visitor_opening_an_invitation_is_told_how_to_accept_it(visitor):
    organisation = MembershipFactory().organisation
    _invitation, token = _invite(organisation, "newcomer@example.org")
    path = f"/organisations/invitations/{token}/"
    response = visitor.get(path)
    assert response.status_code == 200
    assert organisation.name in response.text
    assert "newcomer@example.org" in response.text
    assert "Sign in to accept" in response.text
    assert "Create an account" in response.text
    assert visitor.post(path).status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("ended", ["accepted", "withdrawn", "tampered"])
def test_an_ended_invitation_link_shows_neither_the_organisation_nor_the_address(client, ended):
    organisation = MembershipFactory().organisation
    invitation, token = _invite(organisation, "newcomer@example.org")
    if ended == "accepted":
        actions.accept_invitation(token=token, user=UserFactory(email="newcomer@example.org"))
    elif ended == "withdrawn":
        _invite(organisation, "newcomer@example.org")  # a new one withdraws the first
    else:
        token = token[:-2] + "xx"
    invitee = User.objects.filter(email="newcomer@example.org").first()
    for user in (None, UserFactory(), invitee or UserFactory(email="newcomer@example.org")):
        if user:
            client.force_login(user)
        response = client.get(f"/organisations/invitations/{token}/")
        assert response.status_code == 404
        assert "This invitation link does not work" in response.text
        assert organisation.name not in response.text
        assert "newcomer@example.org" not in response.text


def test_acting_for_an_organisation_never_returns_to_plain_http_on_a_secure_site(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    membership = MembershipFactory()
    client.force_login(membership.user)
    path = f"/organisations/{membership.organisation.slug}/act-for/"
    secure = {"HTTP_X_FORWARDED_PROTO": "https", "SERVER_PORT": "443"}

    response = client.post(path, {"next": "http://testserver/opportunities/"}, **secure)
    assert response["Location"] == "/"
    response = client.post(path, {"next": "https://testserver/opportunities/"}, **secure)
    assert response["Location"] == "https://testserver/opportunities/"
    response = client.post(path, {"next": "/opportunities/"}, **secure)
    assert response["Location"] == "/opportunities/"
