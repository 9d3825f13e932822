"""Requests refused before any view reads them, and private pages kept out of caches."""

from wsgiref.util import is_hop_by_hop

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import MembershipFactory, OrganisationFactory
from tests.portal import upload_spy

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _record_uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.FILE_UPLOAD_HANDLERS = [
        "tests.portal.upload_spy.RecordingUploadHandler",
        *settings.FILE_UPLOAD_HANDLERS,
    ]
    upload_spy.STARTED.clear()


def _upload_path():
    organisation = OrganisationFactory()
    return organisation, f"/organisations/{organisation.slug}/documents/new/"


def _document(size):
    return SimpleUploadedFile("policy.pdf", b"%PDF" + b"0" * size)


@pytest.mark.parametrize(
    "path",
    [
        "/opportunities/%00/",
        "/organisations/%00/",
        "/tracking/%00/",
        "/organisations/invitations/%00/",
        "/accounts/confirm/%00/",
        "/opportunities/BCC-2026-0001%0A/",
        "/tracking/inquiry%7F/report.pdf",
    ],
)
def test_a_control_character_in_an_address_is_page_not_found(client, path):
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_a_control_character_is_page_not_found_when_signed_in_too(member):
    member.raise_request_exception = False
    assert member.get("/councillors/digest/%00/").status_code == 404


def test_a_large_upload_from_someone_not_signed_in_is_refused_unread(client):
    client.raise_request_exception = False
    _organisation, path = _upload_path()
    response = client.post(path, {"title": "x", "file": _document(3 * MB)})
    assert response.status_code == 413
    assert "Sign in before you upload a file" in response.text
    assert upload_spy.STARTED == []


def test_the_refusal_has_no_hop_by_hop_header_the_embedded_servers_would_reject(client):
    """runserver (wsgiref) answers 500 to an application that sets Connection itself."""
    client.raise_request_exception = False
    _organisation, path = _upload_path()
    response = client.post(path, {"title": "x", "file": _document(3 * MB)})
    assert response.status_code == 413
    assert not [name for name in response.headers if is_hop_by_hop(name)]


def test_a_small_post_from_someone_not_signed_in_still_reaches_the_page(client):
    _organisation, path = _upload_path()
    response = client.post(path, {"title": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_signed_in_upload_over_the_limit_is_refused_unread(organisation_admin, settings):
    organisation = organisation_admin.organisation
    response = organisation_admin.post(
        f"/organisations/{organisation.slug}/documents/new/",
        {"kind": "safeguarding", "title": "Policy", "file": _document(settings.REQUEST_MAX_BYTES)},
    )
    assert response.status_code == 413
    assert "smaller than 10 MB" in response.text
    assert upload_spy.STARTED == []
    assert not organisation.documents.exists()


def test_a_signed_in_upload_within_the_limit_reaches_the_form(organisation_admin):
    organisation = organisation_admin.organisation
    response = organisation_admin.post(
        f"/organisations/{organisation.slug}/documents/new/",
        {
            "kind": "safeguarding",
            "title": "Policy",
            "expires_on": "2027-06-30",
            "file": _document(5 * MB),
        },
    )
    assert response.status_code == 302
    assert upload_spy.STARTED == ["policy.pdf"]
    assert organisation.documents.count() == 1


def test_a_content_length_that_is_not_a_number_is_a_bad_request(client):
    client.raise_request_exception = False
    response = client.post("/accounts/login/", {"username": "a"}, CONTENT_LENGTH="lots")
    assert response.status_code == 400


def test_pages_for_a_signed_in_person_are_private_and_not_stored(member):
    for path in ["/", "/opportunities/", "/accounts/profile/"]:
        cache_control = member.get(path)["Cache-Control"]
        assert "private" in cache_control
        assert "no-store" in cache_control
        assert "public" not in cache_control


def test_private_downloads_are_not_stored(organisation_admin, settings):
    organisation = organisation_admin.organisation
    organisation_admin.post(
        f"/organisations/{organisation.slug}/documents/new/",
        {
            "kind": "safeguarding",
            "title": "Policy",
            "expires_on": "2027-06-30",
            "file": _document(10),
        },
    )
    document = organisation.documents.get()
    response = organisation_admin.get(
        f"/organisations/{organisation.slug}/documents/{document.pk}/"
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_visitors_are_not_marked_private(client):
    assert "private" not in client.get("/opportunities/").get("Cache-Control", "")


def test_a_member_of_another_organisation_gets_the_same_limit(client):
    client.force_login(MembershipFactory().user)
    client.raise_request_exception = False
    _organisation, path = _upload_path()
    response = client.post(path, {"title": "x", "file": _document(12 * MB)})
    assert response.status_code == 413
