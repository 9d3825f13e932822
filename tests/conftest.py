"""Personas and shared fixtures. Each persona is a signed-in test client."""

import pytest

from tests.factories import PASSWORD, CouncillorFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _client_for(client, user):
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def visitor(client):
    """Someone who is not signed in."""
    client.user = None
    return client


@pytest.fixture
def member(client):
    """A registered user with no roles beyond their own account."""
    return _client_for(client, UserFactory())


@pytest.fixture
def site_admin(client):
    return _client_for(client, UserFactory(is_superuser=True, is_staff=True))


@pytest.fixture
def scrutiny_officer(client):
    return _client_for(client, UserFactory(is_scrutiny_officer=True))


@pytest.fixture
def evaluator(client):
    return _client_for(client, UserFactory(is_evaluator=True))


@pytest.fixture
def councillor(client):
    return _client_for(client, CouncillorFactory().user)


@pytest.fixture
def password():
    return PASSWORD
