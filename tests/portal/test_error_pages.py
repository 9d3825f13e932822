import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject

from portal import views

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(rf: RequestFactory):
    request = rf.get("/somewhere/")
    request.user = None
    request.csp_nonce = "test-nonce"
    return request


@pytest.mark.parametrize(
    ("handler", "status", "heading"),
    [
        (views.bad_request, 400, "Sorry, there is a problem with your request"),
        (views.permission_denied, 403, "You cannot do that"),
        (views.page_not_found, 404, "Page not found"),
        (views.server_error, 500, "Sorry, there is a problem with the service"),
        (views.csrf_failure, 403, "Your form has expired"),
    ],
)
def test_error_pages_are_styled_and_say_what_to_do(request_, handler, status, heading):
    response = handler(request_)
    assert response.status_code == status
    assert heading in response.content.decode()
    assert "Skip to main content" in response.content.decode()


def _database_down():
    raise OperationalError("could not connect to server")


def test_the_server_error_page_still_answers_when_the_database_is_down(rf):
    request = rf.get("/")
    # Loading the signed-in user is the first thing that needs the database.
    request.user = SimpleLazyObject(_database_down)
    response = views.server_error(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "Skip to main content" not in response.content.decode()  # the plain page


def test_a_form_posted_without_its_security_token_gets_the_expired_form_page(client):
    client.handler.enforce_csrf_checks = True
    response = client.post("/accounts/login/", {"username": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert "Your form has expired" in response.text
