import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from organisations import actions
from organisations.actions.registry import REPEAT_REGISTRATION_WINDOW
from organisations.identifiers import Scheme
from organisations.models import (
    AuditEvent,
    Councillor,
    LegalForm,
    MembershipRole,
    Organisation,
    Ward,
)
from portal.authorization import Role, membership_role, roles_of
from tests.concurrency import RACERS, run_together
from tests.factories import MembershipFactory, UserFactory, WardFactory

pytestmark = pytest.mark.django_db


def test_importing_wards_twice_changes_nothing():
    assert actions.import_wards() == 69
    first = list(Ward.objects.values_list("pk", "gss_code", "name", "slug"))
    actions.import_wards()
    assert list(Ward.objects.values_list("pk", "gss_code", "name", "slug")) == first


def test_a_renamed_ward_keeps_its_identity(tmp_path):
    ward = WardFactory(gss_code="E05011151", name="Old Name", slug="old-name")
    csv = tmp_path / "wards.csv"
    csv.write_text("gss_code,name\nE05011151,Ladywood\n", encoding="utf-8")
    actions.import_wards(path=csv)
    ward.refresh_from_db()
    assert (ward.name, ward.slug) == ("Ladywood", "ladywood")


def test_linking_a_councillor_replaces_their_wards():
    user = UserFactory()
    first, second = WardFactory(), WardFactory()
    actions.link_councillor(user=user, wards=[first])
    councillor = actions.link_councillor(user=user, wards=[second])
    assert Councillor.objects.count() == 1
    assert list(councillor.wards.all()) == [second]
    assert councillor.full_name == user.full_name


# --- Registering and identifiers -------------------------------------------


def register(user, **overrides):
    fields = {
        "name": "Ladywood Lunch Club",
        "legal_form": LegalForm.REGISTERED_CHARITY,
        "identifiers": [(Scheme.CHC, "1123456")],
    }
    return actions.register_organisation(by=user, **(fields | overrides))


def test_the_person_who_registers_an_organisation_becomes_its_administrator():
    user = UserFactory()
    organisation = register(user, service_categories=[])
    assert organisation.slug == "ladywood-lunch-club"
    assert organisation.memberships.get().user == user
    assert membership_role(user, organisation) == "admin"
    assert [i.org_id for i in organisation.identifiers.all()] == ["GB-CHC-1123456"]
    assert set(organisation.audit_events.values_list("action", flat=True)) == {
        AuditEvent.Action.REGISTERED,
        AuditEvent.Action.IDENTIFIER_ADDED,
    }


def test_a_second_registration_with_a_known_identifier_is_refused_naming_the_first():
    first = register(UserFactory())
    with pytest.raises(actions.IdentifierTaken) as error:
        register(UserFactory(), name="Someone Else")
    assert error.value.organisation == first
    assert Organisation.objects.count() == 1


def test_organisations_with_the_same_name_get_different_slugs():
    register(UserFactory(), identifiers=[])
    second = register(UserFactory(), identifiers=[])
    assert second.slug == "ladywood-lunch-club-2"


def test_a_slug_taken_by_an_address_under_organisations_is_skipped():
    assert register(UserFactory(), name="Register", identifiers=[]).slug == "register-2"


def test_registering_the_same_name_again_at_once_returns_the_first_organisation():
    # A double-clicked button or a resent form: one organisation, not two. The
    # numbers are the first submission's, so the repeat is not "already registered".
    user = UserFactory()
    first = register(user)
    again = register(user, name=" ladywood lunch CLUB ")
    assert again == first
    assert Organisation.objects.count() == 1
    assert first.audit_events.filter(action=AuditEvent.Action.REGISTERED).count() == 1


def test_the_same_person_may_register_a_namesake_once_the_moment_has_passed():
    user = UserFactory()
    first = register(user, identifiers=[])
    with time_machine.travel(timezone.now() + REPEAT_REGISTRATION_WINDOW):
        second = register(user, identifiers=[])
    assert second != first
    assert second.slug == "ladywood-lunch-club-2"


def test_someone_else_registering_the_same_name_at_once_gets_their_own_organisation():
    first = register(UserFactory(), identifiers=[])
    second = register(UserFactory(), identifiers=[])
    assert second != first


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_people_registering_one_name_at_once_each_get_an_organisation_and_a_slug():
    people = UserFactory.create_batch(RACERS)
    results, errors = run_together(
        lambda i: register(people[i], identifiers=[]).slug, count=len(people)
    )
    assert errors == []
    assert sorted(results) == sorted(Organisation.objects.values_list("slug", flat=True))
    assert len(set(results)) == len(people)
    assert "ladywood-lunch-club" in results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_registration_submitted_many_times_at_once_makes_one_organisation():
    user = UserFactory()
    results, errors = run_together(lambda i: register(user).pk)
    assert errors == []
    organisation = Organisation.objects.get()
    assert set(results) == {organisation.pk}
    assert organisation.memberships.get().user == user


def test_changing_a_verified_number_clears_its_verification():
    admin = UserFactory(is_superuser=True)
    user = UserFactory()
    organisation = register(user)
    identifier = actions.verify_identifier(identifier=organisation.identifiers.get(), by=admin)
    assert identifier.is_verified
    identifier = actions.set_identifier(
        organisation=organisation, scheme=Scheme.CHC, value="1123457", by=user
    )
    assert not identifier.is_verified
    assert organisation.audit_events.filter(action=AuditEvent.Action.IDENTIFIER_CHANGED).exists()


def test_only_site_admins_verify_and_allow_publishing():
    user = UserFactory()
    organisation = register(user)
    with pytest.raises(PermissionError):
        actions.verify_identifier(identifier=organisation.identifiers.get(), by=user)
    with pytest.raises(PermissionError):
        actions.allow_publishing(organisation=organisation, by=user)


def test_allowing_publishing_makes_the_members_commissioners():
    user = UserFactory()
    organisation = register(user, legal_form=LegalForm.PUBLIC_BODY, identifiers=[])
    assert Role.COMMISSIONER not in roles_of(user)
    actions.allow_publishing(organisation=organisation, by=UserFactory(is_superuser=True))
    user = type(user).objects.get(pk=user.pk)  # roles are cached per request
    assert Role.COMMISSIONER in roles_of(user)
    assert organisation.audit_events.filter(action=AuditEvent.Action.PUBLISHING_ALLOWED).exists()


# --- Members and invitations -----------------------------------------------


def invite_and_read_link(organisation, admin, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = actions.invite_member(organisation=organisation, email=email, by=admin)
    token = re.search(r"/organisations/invitations/([^/\s]+)/", mail.outbox[-1].body).group(1)
    return invitation, token


def test_an_invited_colleague_joins_by_the_emailed_link(django_capture_on_commit_callbacks):
    admin = UserFactory()
    organisation = register(admin)
    invitation, token = invite_and_read_link(
        organisation, admin, "Colleague@Example.org", django_capture_on_commit_callbacks
    )
    assert mail.outbox[-1].to == ["colleague@example.org"]
    colleague = UserFactory(email="colleague@example.org")
    membership = actions.accept_invitation(token=token, user=colleague)
    assert membership.role == MembershipRole.MEMBER
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague
    with pytest.raises(actions.InvitationError, match="already been used"):
        actions.accept_invitation(token=token, user=colleague)


def test_an_invitation_expires_after_seven_days(django_capture_on_commit_callbacks):
    admin = UserFactory()
    organisation = register(admin)
    _invitation, token = invite_and_read_link(
        organisation, admin, "late@example.org", django_capture_on_commit_callbacks
    )
    later = timezone.now() + timedelta(days=7, minutes=1)
    with time_machine.travel(later), pytest.raises(actions.InvitationError, match="expired"):
        actions.accept_invitation(token=token, user=UserFactory(email="late@example.org"))
    assert organisation.memberships.count() == 1


def test_an_invitation_works_only_for_the_address_it_was_sent_to(
    django_capture_on_commit_callbacks,
):
    admin = UserFactory()
    organisation = register(admin)
    _invitation, token = invite_and_read_link(
        organisation, admin, "right@example.org", django_capture_on_commit_callbacks
    )
    with pytest.raises(actions.InvitationError, match="right@example.org"):
        actions.accept_invitation(token=token, user=UserFactory(email="wrong@example.org"))


def test_inviting_again_withdraws_the_earlier_link(django_capture_on_commit_callbacks):
    admin = UserFactory()
    organisation = register(admin)
    _first, old_token = invite_and_read_link(
        organisation, admin, "twice@example.org", django_capture_on_commit_callbacks
    )
    _second, new_token = invite_and_read_link(
        organisation, admin, "twice@example.org", django_capture_on_commit_callbacks
    )
    person = UserFactory(email="twice@example.org")
    with pytest.raises(actions.InvitationError, match="withdrawn"):
        actions.accept_invitation(token=old_token, user=person)
    actions.accept_invitation(token=new_token, user=person)


def test_a_tampered_invitation_link_does_not_work():
    with pytest.raises(actions.InvitationError, match="does not work"):
        actions.accept_invitation(token="not-a-token", user=UserFactory())


def test_only_administrators_invite():
    organisation = register(UserFactory())
    member = MembershipFactory(organisation=organisation).user
    with pytest.raises(PermissionError):
        actions.invite_member(organisation=organisation, email="x@example.org", by=member)


def test_the_last_administrator_cannot_leave_be_removed_or_step_down():
    admin = UserFactory()
    organisation = register(admin)
    membership = organisation.memberships.get()
    with pytest.raises(actions.LastAdministrator):
        actions.remove_member(membership=membership, by=admin)
    with pytest.raises(actions.LastAdministrator):
        actions.change_member_role(membership=membership, role=MembershipRole.MEMBER, by=admin)
    with pytest.raises(actions.LastAdministrator):
        actions.remove_member(membership=membership, by=UserFactory(is_superuser=True))
    assert organisation.memberships.filter(role=MembershipRole.ADMIN).count() == 1


def test_with_a_second_administrator_the_first_can_leave():
    admin = UserFactory()
    organisation = register(admin)
    other = MembershipFactory(organisation=organisation)
    actions.change_member_role(membership=other, role=MembershipRole.ADMIN, by=admin)
    actions.remove_member(membership=organisation.memberships.get(user=admin), by=admin)
    assert list(organisation.memberships.values_list("user", flat=True)) == [other.user_id]
    assert organisation.audit_events.filter(action=AuditEvent.Action.MEMBER_LEFT).exists()


def test_members_cannot_remove_each_other():
    organisation = register(UserFactory())
    one, two = (
        MembershipFactory(organisation=organisation),
        MembershipFactory(organisation=organisation),
    )
    with pytest.raises(PermissionError):
        actions.remove_member(membership=two, by=one.user)
