"""No input a browser can send to the pages built so far gives a server error."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORMS = [
    "/accounts/login/",
    "/accounts/register/",
    "/accounts/confirm-again/",
    "/accounts/password/reset/",
    "/accounts/profile/",
    "/accounts/password/change/",
]

AWKWARD_VALUES = [
    "",
    " ",
    "x" * 5000,
    "a" * 250 + "@example.org",
    "null\x00byte",
    "ünïcödé 名前 🙂",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
]


@pytest.mark.parametrize("path", FORMS)
@pytest.mark.parametrize("value", AWKWARD_VALUES, ids=range(len(AWKWARD_VALUES)))
def test_awkward_values_in_every_field_get_a_page_not_a_server_error(client, path, value):
    client.raise_request_exception = False
    client.force_login(UserFactory())
    if path in {"/accounts/login/", "/accounts/register/"}:
        client.logout()
    fields = [
        "username",
        "password",
        "full_name",
        "email",
        "password_again",
        "old_password",
        "new_password1",
        "new_password2",
    ]
    response = client.post(path, dict.fromkeys(fields, value))
    assert response.status_code < 500
    assert "<script>alert(1)</script>" not in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/confirm/" + "x" * 3000 + "/",
        "/accounts/confirm/%00/",
        "/accounts/password/reset/AA/not-a-token/",
        "/accounts/password/reset/%ZZ/set-password/",
        "/accounts/login/?next=https://evil.example/",
        "/accounts/login/?next=%00",
        "/?q=%00",
    ],
)
def test_awkward_urls_get_a_page_not_a_server_error(client, path):
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code < 500


def test_sign_in_never_redirects_to_another_site(client):
    user = UserFactory()
    response = client.post(
        "/accounts/login/?next=https://evil.example/",
        {"username": user.email, "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
