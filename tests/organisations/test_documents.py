import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from organisations.models import Document
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, organisation, name="policy.pdf", content=PDF, **fields):
    data = {"kind": "safeguarding", "title": "Safeguarding policy", "expires_on": "2027-06-30"}
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(f"/organisations/{organisation.slug}/documents/new/", data | fields)


def test_an_administrator_uploads_a_policy_with_an_expiry_date(organisation_admin):
    organisation = organisation_admin.organisation
    response = upload(organisation_admin, organisation)
    assert response.status_code == 302
    document = Document.objects.get()
    assert str(document.expires_on) == "2027-06-30"
    assert document.uploaded_by == organisation_admin.user


def test_the_upload_form_sends_files(organisation_admin):
    response = organisation_admin.get(
        f"/organisations/{organisation_admin.organisation.slug}/documents/new/"
    )
    assert 'enctype="multipart/form-data"' in response.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "smaller than 10 MB"),
        ("program.exe", b"MZ\x90\x00", "must be a PDF, Word document"),
        ("disguised.pdf", b"MZ\x90\x00 not really a pdf", "must be a PDF, Word document"),
    ],
)
def test_uploads_too_big_or_of_the_wrong_type_are_refused(
    organisation_admin, name, content, message
):
    response = upload(organisation_admin, organisation_admin.organisation, name, content)
    assert response.status_code == 200
    assert message in response.text
    assert "There is a problem" in response.text
    assert not Document.objects.exists()


def test_members_download_documents_and_outsiders_get_404(organisation_admin, client):
    organisation = organisation_admin.organisation
    upload(organisation_admin, organisation)
    path = f"/organisations/{organisation.slug}/documents/{Document.objects.get().pk}/"
    response = organisation_admin.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"

    client.logout()
    assert client.get(path).status_code == 404
    client.force_login(MembershipFactory().user)
    assert client.get(path).status_code == 404
    member = MembershipFactory(organisation=organisation).user
    client.force_login(member)
    assert client.get(path).status_code == 200


def test_uploaded_files_have_no_public_address(organisation_admin, client):
    upload(organisation_admin, organisation_admin.organisation)
    stored = Document.objects.get().file.name
    client.logout()
    assert client.get(f"/media/{stored}").status_code == 404
    assert client.get(f"/{stored}").status_code == 404


def test_a_member_who_is_not_an_administrator_cannot_upload(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = upload(client, membership.organisation)
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_an_administrator_removes_a_document_and_its_file(organisation_admin):
    organisation = organisation_admin.organisation
    upload(organisation_admin, organisation)
    document = Document.objects.get()
    path = document.file.path
    profile = organisation_admin.get(f"/organisations/{organisation.slug}/")
    assert f"/documents/{document.pk}/remove/" in profile.text
    organisation_admin.post(f"/organisations/{organisation.slug}/documents/{document.pk}/remove/")
    assert not Document.objects.exists()
    assert not os.path.exists(path)
