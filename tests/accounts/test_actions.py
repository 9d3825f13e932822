from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.utils import timezone

from accounts import actions
from accounts.models import User
from accounts.tokens import confirmation_token
from tests.concurrency import RACERS, run_together
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def register(**overrides):
    fields = {"full_name": " Ada Lovelace ", "email": "Ada@Example.ORG", "password": "pw-123456789"}
    return actions.register_user(**(fields | overrides))


def test_registering_creates_an_unconfirmed_account_and_emails_a_link(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        user = register()
    assert user.email == "ada@example.org"
    assert user.full_name == "Ada Lovelace"
    assert not user.has_confirmed_email
    assert user.check_password("pw-123456789")
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert "/accounts/confirm/" in message.body


def test_the_confirmation_email_waits_for_the_transaction_to_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        register()
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_registering_a_taken_address_creates_nothing_and_tells_the_owner(
    django_capture_on_commit_callbacks,
):
    owner = UserFactory(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert register(email="ADA@example.org") is None
    assert User.objects.count() == 1
    [message] = mail.outbox
    assert message.to == [owner.email]
    assert "already has one" in message.body


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting the passwords it hashes."""

    hashed = 0

    def encode(self, password, salt):
        type(self).hashed += 1
        return super().encode(password, salt)


@pytest.fixture
def hashing(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_actions.CountingHasher"]
    CountingHasher.hashed = 0
    return CountingHasher


def test_registering_a_taken_address_costs_the_same_password_hashing_as_a_new_one(hashing):
    # Hashing is what makes registering slow, so an address that skipped it
    # could be told apart by the time the page took.
    UserFactory(email="taken@example.org")
    hashing.hashed = 0
    register(email="new@example.org")
    assert hashing.hashed == 1
    register(email="Taken@Example.org")
    assert hashing.hashed == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_registering_one_address_many_times_at_once_makes_one_account():
    spellings = ["ada@example.org", "Ada@Example.org", "ADA@EXAMPLE.ORG"]
    results, errors = run_together(lambda i: register(email=spellings[i % 3]))
    assert errors == []
    user = User.objects.get()
    assert [result for result in results if result is not None] == [user]
    subjects = sorted(message.subject for message in mail.outbox)
    assert len(subjects) == RACERS
    assert {message.to[0] for message in mail.outbox} == {"ada@example.org"}
    assert sum("Confirm your email address" in subject for subject in subjects) == 1


def test_confirming_marks_the_address_confirmed_and_twice_is_harmless():
    user = UserFactory(email_confirmed_at=None)
    token = confirmation_token(user)
    assert actions.confirm_email(token=token) == user
    user.refresh_from_db()
    first = user.email_confirmed_at
    assert first is not None
    actions.confirm_email(token=token)
    user.refresh_from_db()
    assert user.email_confirmed_at == first


def test_a_confirmation_link_expires_after_three_days():
    user = UserFactory(email_confirmed_at=None)
    token = confirmation_token(user)
    later = timezone.now() + timezone.timedelta(days=3, minutes=1)
    with time_machine.travel(later), pytest.raises(actions.ConfirmationLinkError) as error:
        actions.confirm_email(token=token)
    assert error.value.expired
    user.refresh_from_db()
    assert not user.has_confirmed_email


def test_a_tampered_confirmation_link_is_refused():
    user = UserFactory(email_confirmed_at=None)
    with pytest.raises(actions.ConfirmationLinkError) as error:
        actions.confirm_email(token=confirmation_token(user)[:-2] + "xx")
    assert not error.value.expired


def test_a_confirmation_link_stops_working_when_the_address_changes():
    user = UserFactory(email_confirmed_at=None)
    token = confirmation_token(user)
    user.email = "new@example.org"
    user.save()
    with pytest.raises(actions.ConfirmationLinkError):
        actions.confirm_email(token=token)


def test_resending_confirmation_only_mails_unconfirmed_accounts(
    django_capture_on_commit_callbacks,
):
    UserFactory(email="done@example.org")
    UserFactory(email="waiting@example.org", email_confirmed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        actions.resend_confirmation(email="done@example.org")
        actions.resend_confirmation(email="nobody@example.org")
        actions.resend_confirmation(email=" Waiting@example.org ")
    assert [message.to for message in mail.outbox] == [["waiting@example.org"]]


def test_people_change_only_their_own_name():
    user, other = UserFactory(), UserFactory()
    actions.update_profile(user=user, full_name="  New Name ", by=user)
    user.refresh_from_db()
    assert user.full_name == "New Name"
    with pytest.raises(PermissionError):
        actions.update_profile(user=user, full_name="Hijack", by=other)


def test_only_a_site_admin_changes_roles():
    user = UserFactory()
    with pytest.raises(PermissionError):
        actions.set_roles(user=user, by=UserFactory(), evaluator=True)
    actions.set_roles(user=user, by=UserFactory(is_superuser=True), evaluator=True)
    user.refresh_from_db()
    assert user.is_evaluator
    assert not user.is_scrutiny_officer


def test_ensure_user_leaves_an_existing_account_alone():
    first = actions.ensure_user(email="a@example.org", full_name="A", password="one-password")
    second = actions.ensure_user(email="A@example.org", full_name="B", password="other-password")
    assert first == second
    second.refresh_from_db()
    assert second.full_name == "A"
    assert second.check_password("one-password")


def test_sign_in_records_are_kept_for_30_days(client):
    user = UserFactory()
    client.post("/accounts/login/", {"username": user.email, "password": "wrong"})
    assert AccessAttempt.objects.count() == 1
    assert actions.delete_old_sign_in_records(now=timezone.now() + timedelta(days=29)) == 0
    assert AccessAttempt.objects.count() == 1
    deleted = actions.delete_old_sign_in_records(now=timezone.now() + timedelta(days=31))
    assert deleted >= 1
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()
