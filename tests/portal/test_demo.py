import pytest
from django.core.management import call_command

from accounts.models import User
from organisations.models import Councillor, Ward
from portal import demo
from portal.authorization import Role, held_roles

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(User.objects.values_list("email", "password", "full_name", "is_superuser")),
        list(Ward.objects.values_list("gss_code", "name", "slug")),
        list(Councillor.objects.values_list("user__email", "wards__name")),
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


def test_every_demo_role_can_sign_in(client):
    users = demo.seed()
    expected = {
        "admin@example.org": [Role.SITE_ADMIN],
        "councillor@example.org": [Role.COUNCILLOR],
        "scrutiny@example.org": [Role.SCRUTINY_OFFICER],
        "evaluator@example.org": [Role.EVALUATOR],
        "member@example.org": [],
    }
    for email, roles in expected.items():
        assert held_roles(users[email]) == roles
        response = client.post(
            "/accounts/login/", {"username": email, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        client.logout()
