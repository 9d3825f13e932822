import pytest
from django.core.management import call_command

from accounts.models import User
from home import demo
from opportunities.models import Follow, Opportunity, PartnerContact, PartnerListing, Question
from organisations.models import (
    Councillor,
    LegalForm,
    Membership,
    Organisation,
    SizeClass,
    Ward,
)
from portal.authorization import Role, held_roles

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(User.objects.values_list("email", "password", "full_name", "is_superuser")),
        list(Ward.objects.values_list("gss_code", "name", "slug")),
        list(Councillor.objects.values_list("user__email", "wards__name")),
        list(Organisation.objects.values_list("slug", "name", "publishing_allowed_at")),
        list(Membership.objects.values_list("user__email", "organisation__slug", "role")),
        list(Opportunity.objects.values_list("reference", "title", "published_at")),
        list(Question.objects.values_list("pk", "text", "asked_at", "answered_at")),
        list(Follow.objects.values_list("pk", "organisation__slug", "created_at")),
        list(PartnerListing.objects.values_list("pk", "organisation__slug", "role", "created_at")),
        list(PartnerContact.objects.values_list("pk", "listing", "organisation__slug", "sent_at")),
    )


def test_seed_demo_is_idempotent_and_prints_the_logins(capsys):
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    output = capsys.readouterr().out
    for email, _name, _role in demo.DEMO_USERS:
        assert email in output
    assert demo.DEMO_PASSWORD in output


def test_seed_demo_loads_birminghams_69_wards():
    demo.seed()
    assert Ward.objects.count() == 69
    assert Ward.objects.get(gss_code="E05011151").name == "Ladywood"


def test_seed_demo_fills_the_registry_with_every_legal_form_and_size():
    demo.seed()
    organisations = list(Organisation.objects.all())
    assert len(organisations) >= 40
    assert {o.legal_form for o in organisations} == set(LegalForm.values)
    assert {o.size_class for o in organisations} >= set(SizeClass)
    assert sum(o.open_to_partnering for o in organisations) >= 5
    assert sum(o.can_publish for o in organisations) >= 3


def test_every_demo_role_can_sign_in(client):
    users = demo.seed()
    expected = {
        "admin@example.org": [Role.SITE_ADMIN],
        "councillor@example.org": [Role.COUNCILLOR],
        "scrutiny@example.org": [Role.SCRUTINY_OFFICER],
        "evaluator@example.org": [Role.EVALUATOR],
        "commissioner@example.org": [Role.ORGANISATION_MEMBER, Role.COMMISSIONER],
        "member@example.org": [Role.ORGANISATION_MEMBER],
    }
    for email, roles in expected.items():
        assert held_roles(users[email]) == roles
        response = client.post(
            "/accounts/login/", {"username": email, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        client.logout()
