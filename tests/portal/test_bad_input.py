"""Awkward input is shown back escaped, and sign-in sends nobody to another site.

That no input gives a server error, on any page, is tested for every route
and form by ``test_hostile_input``.
"""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/register/",
        "/accounts/confirm-again/",
        "/accounts/password/reset/",
        "/accounts/profile/",
        "/accounts/password/change/",
    ],
)
def test_a_script_typed_into_an_account_form_is_shown_as_text(client, path):
    if path not in {"/accounts/login/", "/accounts/register/"}:
        client.force_login(UserFactory())
    fields = ["username", "password", "full_name", "email", "old_password", "new_password1"]
    response = client.post(path, dict.fromkeys(fields, SCRIPT))
    assert SCRIPT not in response.text


def test_sign_in_never_redirects_to_another_site(client):
    user = UserFactory()
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": user.email, "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
