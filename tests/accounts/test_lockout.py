"""The sign-in lockout counts one account however its email is typed."""

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_locked_account_cannot_sign_in_by_changing_the_emails_case(client, settings):
    user = UserFactory(email="lockme@example.org")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "lockme@example.org", "guess")
    response = _sign_in(client, "LOCKME@example.org", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert user.email == "lockme@example.org"


def test_guesses_spread_over_case_variants_lock_the_account(client, settings):
    UserFactory(email="lockme@example.org")
    variants = [
        "lockme@example.org",
        "LOCKME@example.org",
        "LockMe@Example.org",
        " lockme@EXAMPLE.org",
    ]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, variants[attempt % len(variants)], "guess")
    response = _sign_in(client, "lockMe@example.ORG", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_account_is_not_locked_by_them(client, settings):
    UserFactory(email="lockme@example.org")
    other = UserFactory(email="other@example.org")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "LOCKME@example.org", "guess")
    response = _sign_in(client, other.email, PASSWORD)
    assert response.status_code == 302


def test_behind_the_proxy_the_lockout_counts_the_clients_address(client, settings):
    """Without this, everyone behind nginx shares its address: one attacker locks all."""
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="lockme@example.org")
    attacker = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    owner = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/login/", {"username": "lockme@example.org", "password": "x"}, **attacker
        )
    credentials = {"username": "lockme@example.org", "password": PASSWORD}
    assert client.post("/accounts/login/", credentials, **attacker).status_code == 429
    assert client.post("/accounts/login/", credentials, **owner).status_code == 302


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_username_longer_than_any_email_is_refused_without_an_error(client, path):
    client.raise_request_exception = False
    response = client.post(path, {"username": "x" * 10_000, "password": "guess"})
    assert response.status_code == 200
