import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.concurrency import run_together
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTRATION = {
    "full_name": "Grace Hopper",
    "email": "grace@example.org",
    "password": "a-long-unusual-passphrase",
    "password_again": "a-long-unusual-passphrase",
}


def link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_a_visitor_registers_confirms_and_signs_in(visitor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post("/accounts/register/", REGISTRATION)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/register/check-email/"
    assert "grace@example.org" in visitor.get(response["Location"]).text

    response = visitor.post(
        "/accounts/login/", {"username": "grace@example.org", "password": REGISTRATION["password"]}
    )
    assert "Confirm your email address before you sign in" in response.text
    assert 'href="/accounts/confirm-again/"' in response.text

    response = visitor.get(link_in(mail.outbox[0]), follow=True)
    assert "Your email address is confirmed" in response.text
    response = visitor.post(
        "/accounts/login/",
        {"username": "GRACE@example.org", "password": REGISTRATION["password"]},
        follow=True,
    )
    assert response.context["user"].email == "grace@example.org"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_address_registered_from_many_browsers_at_once_gets_the_same_page_everywhere():
    def post(i):
        client = Client(raise_request_exception=False)
        return client.post(
            "/accounts/register/",
            REGISTRATION | {"email": "Grace@Example.org" if i % 2 else "grace@example.org"},
            REMOTE_ADDR=f"192.0.2.{i + 1}",
        )

    responses, errors = run_together(post)
    assert errors == []
    assert {(r.status_code, r["Location"]) for r in responses} == {
        (302, "/accounts/register/check-email/")
    }
    assert User.objects.filter(email="grace@example.org").count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"full_name": "   "}, "full_name", "Enter your full name"),
        ({"email": "not-an-address"}, "email", "Enter an email address in the correct format"),
        ({"password_again": "something-else-entirely"}, "password_again", "do not match"),
        ({"password": "short", "password_again": "short"}, "password", "too short"),
    ],
)
def test_registration_errors_are_summarised_and_keep_what_was_typed(
    visitor, change, field, message
):
    response = visitor.post("/accounts/register/", REGISTRATION | change)
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert f'href="#id_{field}"' in response.text
    assert message in response.text
    assert response.text.count(message) >= 2  # in the summary and beside the field
    assert "<title>Error:" in response.text
    if field != "full_name":
        assert 'value="Grace Hopper"' in response.text
    assert not User.objects.exists()


def test_an_expired_or_broken_confirmation_link_shows_a_clear_page(visitor):
    response = visitor.get("/accounts/confirm/not-a-real-token/")
    assert response.status_code == 400
    assert "This link does not work" in response.text


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(visitor):
    user = UserFactory()
    response = visitor.post("/accounts/login/", {"username": user.email, "password": "wrong"})
    assert "Enter the email address and password for your account" in response.text
    assert "There is a problem" in response.text


def test_repeated_failed_sign_ins_lock_the_account_out(visitor, settings):
    user = UserFactory()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        visitor.post("/accounts/login/", {"username": user.email, "password": "guess"})
    response = visitor.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "You cannot sign in for 15 minutes" in response.text
    assert "_auth_user_id" not in visitor.session


def test_signing_out_needs_a_post(member):
    assert member.get("/accounts/logout/").status_code == 405
    response = member.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in member.session


def test_the_profile_page_is_for_signed_in_users(visitor):
    response = visitor.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_a_councillor_sees_their_wards_and_roles_on_their_profile(councillor):
    ward = councillor.user.councillor.wards.get()
    response = councillor.get("/accounts/profile/")
    assert ward.name in response.text
    assert "Councillor" in response.text


def test_a_member_changes_their_name(member):
    response = member.post("/accounts/profile/", {"full_name": "New Name"}, follow=True)
    assert "Your name has been saved" in response.text
    member.user.refresh_from_db()
    assert member.user.full_name == "New Name"


def test_a_member_changes_their_password_and_stays_signed_in(member):
    response = member.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-passphrase",
            "new_password2": "another-long-passphrase",
        },
        follow=True,
    )
    assert "Your password has been changed" in response.text
    assert response.context["user"].is_authenticated
    member.user.refresh_from_db()
    assert member.user.check_password("another-long-passphrase")


def test_password_reset_by_emailed_link(visitor):
    user = UserFactory()
    response = visitor.post("/accounts/password/reset/", {"email": user.email.upper()})
    assert response["Location"] == "/accounts/password/reset/sent/"
    [message] = mail.outbox
    assert "Birmingham City Council" in message.body
    response = visitor.get(link_in(message), follow=True)
    assert "Choose a new password" in response.text
    response = visitor.post(
        response.redirect_chain[-1][0],
        {"new_password1": "fresh-long-passphrase", "new_password2": "fresh-long-passphrase"},
        follow=True,
    )
    assert "Your password has been changed" in response.text
    user.refresh_from_db()
    assert user.check_password("fresh-long-passphrase")


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(visitor):
    response = visitor.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_the_admin_site_is_for_site_admins_only(site_admin, client):
    assert site_admin.get("/admin/").status_code == 200
    site_admin.logout()
    staff = UserFactory(is_staff=True, is_scrutiny_officer=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- Rate limits -----------------------------------------------------------------------


def registration_from(client, n, address="198.51.100.1"):
    email = f"person-{n}@example.org"
    return client.post("/accounts/register/", REGISTRATION | {"email": email}, REMOTE_ADDR=address)


@pytest.mark.usefixtures("rate_limits")
def test_the_sixth_registration_from_one_address_in_an_hour_gets_the_too_many_page(visitor):
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=UTC), tick=False):
        assert {registration_from(visitor, n).status_code for n in range(5)} == {302}
        response = registration_from(visitor, 5)
        assert response.status_code == 429
        assert response["Retry-After"] == "3600"
        assert "Try again in about an hour." in response.text
        assert not User.objects.filter(email="person-5@example.org").exists()
        assert registration_from(visitor, 6, address="198.51.100.2").status_code == 302
    with time_machine.travel(datetime(2026, 12, 7, 10, 0, tzinfo=UTC), tick=False):
        assert registration_from(visitor, 7).status_code == 302


@pytest.mark.usefixtures("rate_limits")
def test_registration_mistakes_do_not_count_towards_the_limit(visitor):
    for n in range(6):
        visitor.post("/accounts/register/", REGISTRATION | {"email": f"typo{n}"})
    assert registration_from(visitor, 1).status_code == 302


def reset_from(client, email, address):
    return client.post("/accounts/password/reset/", {"email": email}, REMOTE_ADDR=address)


@pytest.mark.usefixtures("rate_limits")
def test_no_more_than_three_reset_links_an_hour_go_to_one_address(visitor):
    user = UserFactory()
    for n in range(3):
        assert reset_from(visitor, user.email, f"198.51.100.{n + 1}").status_code == 302
    response = reset_from(visitor, user.email.upper(), "198.51.100.9")
    assert response.status_code == 429
    assert "You have tried this too many times" in response.text
    assert len(mail.outbox) == 3
    assert reset_from(visitor, UserFactory().email, "198.51.100.9").status_code == 302


@pytest.mark.usefixtures("rate_limits")
def test_no_more_than_five_password_resets_an_hour_from_one_address(visitor):
    for n in range(5):
        assert reset_from(visitor, f"someone{n}@example.org", "198.51.100.1").status_code == 302
    assert reset_from(visitor, "someone@example.org", "198.51.100.1").status_code == 429
    assert reset_from(visitor, "someone@example.org", "198.51.100.2").status_code == 302
