import os
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from opportunities import actions
from opportunities.models import Amendment, Follow, OpportunityDocument
from organisations.models import MembershipRole
from tests.factories import (
    MembershipFactory,
    OpportunityFactory,
    PublisherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def commissioner_user():
    return MembershipFactory(organisation=PublisherFactory(), role=MembershipRole.MEMBER).user


def pdf(name="specification.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


def opportunity_of(user, **fields):
    """A draft with a 13-week window by default; pass ``published_at`` for an open one."""
    now = timezone.now()
    defaults = {
        "published_at": None,
        "clarification_deadline": now + timedelta(weeks=11),
        "submission_deadline": now + timedelta(weeks=13),
    }
    return OpportunityFactory(publisher=user.memberships.get().organisation, **defaults | fields)


def followed_by(opportunity, email="follower@example.org"):
    follower = MembershipFactory(user__email=email)
    Follow.objects.create(opportunity=opportunity, organisation=follower.organisation)


# Actions


def test_a_document_added_to_a_draft_is_no_amendment(commissioner_user):
    opportunity = opportunity_of(commissioner_user)
    document = actions.add_document(
        opportunity=opportunity, by=commissioner_user, title="  Specification ", file=pdf()
    )
    assert document.title == "Specification"
    assert document.file.read() == PDF
    assert not Amendment.objects.exists()


def test_a_document_added_to_an_open_opportunity_is_an_amendment_emailed_to_followers(
    commissioner_user, django_capture_on_commit_callbacks
):
    opportunity = opportunity_of(commissioner_user, published_at=timezone.now())
    followed_by(opportunity)
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_document(
            opportunity=opportunity, by=commissioner_user, title="Specification", file=pdf()
        )
    amendment = Amendment.objects.get()
    assert (amendment.opportunity, amendment.made_by) == (opportunity, commissioner_user)
    assert amendment.summary == "Document added: Specification"
    [message] = mail.outbox
    assert message.to == ["follower@example.org"]
    assert "Document added: Specification" in message.body


def test_removing_a_document_from_an_open_opportunity_is_an_amendment_emailed_to_followers(
    commissioner_user, django_capture_on_commit_callbacks
):
    opportunity = opportunity_of(commissioner_user)
    document = actions.add_document(
        opportunity=opportunity, by=commissioner_user, title="Pricing schedule", file=pdf()
    )
    actions.publish(opportunity=opportunity, by=commissioner_user)
    followed_by(opportunity)
    path = document.file.path
    with django_capture_on_commit_callbacks(execute=True):
        actions.remove_document(document=document, by=commissioner_user)
    assert not OpportunityDocument.objects.exists()
    assert not os.path.exists(path)
    assert Amendment.objects.get().summary == "Document removed: Pricing schedule"
    [message] = mail.outbox
    assert "Document removed: Pricing schedule" in message.body


def test_removing_a_document_from_a_draft_deletes_its_file_and_tells_nobody(
    commissioner_user, django_capture_on_commit_callbacks
):
    opportunity = opportunity_of(commissioner_user)
    document = actions.add_document(
        opportunity=opportunity, by=commissioner_user, title="Specification", file=pdf()
    )
    path = document.file.path
    with django_capture_on_commit_callbacks(execute=True):
        actions.remove_document(document=document, by=commissioner_user)
    assert not OpportunityDocument.objects.exists()
    assert not os.path.exists(path)
    assert not Amendment.objects.exists()
    assert not mail.outbox


def test_the_file_stays_if_the_removal_is_rolled_back(
    commissioner_user, django_capture_on_commit_callbacks
):
    opportunity = opportunity_of(commissioner_user)
    document = actions.add_document(
        opportunity=opportunity, by=commissioner_user, title="Specification", file=pdf()
    )
    pk, path = document.pk, document.file.path
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        actions.remove_document(document=document, by=commissioner_user)
        raise RuntimeError("something later in the request failed")
    assert OpportunityDocument.objects.filter(pk=pk).exists()
    assert os.path.exists(path)


@pytest.mark.parametrize(
    "outsider",
    [
        lambda: UserFactory(),
        lambda: MembershipFactory().user,  # an organisation that may not publish
        lambda: MembershipFactory(organisation=PublisherFactory()).user,  # another publisher
    ],
    ids=["no organisation", "other organisation", "other publisher"],
)
def test_only_the_publishers_commissioners_add_or_remove_documents(commissioner_user, outsider):
    opportunity = opportunity_of(commissioner_user)
    document = actions.add_document(
        opportunity=opportunity, by=commissioner_user, title="Specification", file=pdf()
    )
    user = outsider()
    with pytest.raises(PermissionError):
        actions.add_document(opportunity=opportunity, by=user, title="Terms", file=pdf())
    with pytest.raises(PermissionError):
        actions.remove_document(document=document, by=user)
    assert list(OpportunityDocument.objects.all()) == [document]


@pytest.mark.parametrize(
    "fields",
    [
        {
            "clarification_deadline": timezone.now() - timedelta(days=2),
            "submission_deadline": timezone.now() - timedelta(days=1),
        },
        {"cancelled_at": timezone.now()},
        {"awarded_at": timezone.now()},
    ],
    ids=["closed", "cancelled", "awarded"],
)
def test_documents_of_closed_cancelled_or_awarded_opportunities_cannot_change(
    commissioner_user, fields
):
    opportunity = opportunity_of(commissioner_user)
    document = actions.add_document(
        opportunity=opportunity, by=commissioner_user, title="Specification", file=pdf()
    )
    for name, value in (fields | {"published_at": timezone.now() - timedelta(weeks=13)}).items():
        setattr(opportunity, name, value)
    opportunity.save()
    with pytest.raises(ValueError):
        actions.add_document(
            opportunity=opportunity, by=commissioner_user, title="Terms", file=pdf()
        )
    with pytest.raises(ValueError):
        actions.remove_document(document=document, by=commissioner_user)
    assert list(OpportunityDocument.objects.all()) == [document]
    assert not Amendment.objects.exists()


# Views


def documents_url(opportunity):
    return f"/opportunities/{opportunity.reference}/documents/"


def upload(client, opportunity, name="specification.pdf", content=PDF, **fields):
    data = {"title": "Specification", "file": SimpleUploadedFile(name, content)}
    return client.post(documents_url(opportunity), data | fields)


@pytest.fixture
def draft(commissioner):
    return opportunity_of(commissioner.user)


def test_a_commissioner_uploads_a_document_and_sees_it_listed(commissioner, draft):
    page = commissioner.get(documents_url(draft))
    assert page.status_code == 200
    assert draft.reference in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert f'href="/opportunities/{draft.reference}/edit/" class="govuk-back-link"' in page.text
    assert "No documents yet." in page.text

    response = upload(commissioner, draft)
    assert response["Location"] == documents_url(draft)
    document = OpportunityDocument.objects.get()
    assert (document.opportunity, document.title) == (draft, "Specification")
    page = commissioner.get(documents_url(draft))
    assert "Specification" in page.text
    assert f"/documents/{document.pk}/remove/" in page.text


def test_the_edit_page_links_to_the_documents_with_their_number(commissioner, draft):
    upload(commissioner, draft)
    page = commissioner.get(f"/opportunities/{draft.reference}/edit/")
    assert "Documents (1)" in page.text
    assert f'href="{documents_url(draft)}">Add or remove documents' in page.text


def test_a_missing_title_and_file_are_shown_in_the_error_summary(commissioner, draft):
    response = commissioner.post(documents_url(draft), {"title": ""})
    assert response.status_code == 200
    summary = response.text.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert "Enter a title for the document" in summary
    assert "Choose a file to upload" in summary
    assert "<title>Error: " in response.text
    assert not OpportunityDocument.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("program.exe", b"MZ\x90\x00", "must be a PDF, Word document"),
        ("disguised.pdf", b"MZ\x90\x00 not really a pdf", "must be a PDF, Word document"),
        ("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "smaller than 10 MB"),
    ],
)
def test_files_of_the_wrong_type_or_too_big_are_refused(
    commissioner, draft, name, content, message
):
    response = upload(commissioner, draft, name, content, title="Pricing schedule")
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.text
    assert 'value="Pricing schedule"' in response.text
    assert not OpportunityDocument.objects.exists()


def test_a_commissioner_confirms_then_removes_a_document(
    commissioner, draft, django_capture_on_commit_callbacks
):
    upload(commissioner, draft)
    document = OpportunityDocument.objects.get()
    path = document.file.path
    remove_url = f"{documents_url(draft)}{document.pk}/remove/"
    confirm = commissioner.get(remove_url)
    assert confirm.status_code == 200
    assert "Are you sure you want to remove ‘Specification’?" in confirm.text
    assert f'action="{remove_url}"' in confirm.text
    assert OpportunityDocument.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = commissioner.post(remove_url)
    assert response["Location"] == documents_url(draft)
    assert not OpportunityDocument.objects.exists()
    assert not os.path.exists(path)


def test_uploading_to_an_open_opportunity_publishes_an_amendment(
    commissioner, django_capture_on_commit_callbacks
):
    opportunity = OpportunityFactory(publisher=commissioner.organisation)
    followed_by(opportunity)
    page = commissioner.get(documents_url(opportunity))
    assert "will be listed on its page as an amendment" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        upload(commissioner, opportunity)
    assert Amendment.objects.get().summary == "Document added: Specification"
    assert len(mail.outbox) == 1
    detail = commissioner.get(f"/opportunities/{opportunity.reference}/")
    assert "Document added: Specification" in detail.text


def test_a_closed_opportunitys_documents_page_sends_the_commissioner_back(commissioner):
    now = timezone.now()
    closed = OpportunityFactory(
        publisher=commissioner.organisation,
        published_at=now - timedelta(weeks=13),
        clarification_deadline=now - timedelta(days=2),
        submission_deadline=now - timedelta(days=1),
    )
    response = upload(commissioner, closed)
    assert response["Location"] == "/opportunities/manage/"
    assert not OpportunityDocument.objects.exists()


def _someone_elses_document():
    opportunity = OpportunityFactory(published_at=None)
    document = OpportunityDocument.objects.create(
        opportunity=opportunity, title="Specification", file=pdf()
    )
    return opportunity, document


@pytest.mark.parametrize("persona", ["visitor", "other_member", "commissioner"])
def test_anyone_but_the_publishers_commissioners_gets_404(request, persona):
    client = request.getfixturevalue(persona)
    opportunity, document = _someone_elses_document()
    remove_url = f"{documents_url(opportunity)}{document.pk}/remove/"
    assert client.get(documents_url(opportunity)).status_code == 404
    assert upload(client, opportunity).status_code == 404
    assert client.get(remove_url).status_code == 404
    assert client.post(remove_url).status_code == 404
    assert list(OpportunityDocument.objects.all()) == [document]


def test_a_document_of_another_opportunity_cannot_be_removed_through_ours(commissioner, draft):
    _opportunity, document = _someone_elses_document()
    response = commissioner.post(f"{documents_url(draft)}{document.pk}/remove/")
    assert response.status_code == 404
    assert OpportunityDocument.objects.exists()


def test_a_document_uploaded_to_a_draft_is_downloadable_once_published(commissioner):
    draft = opportunity_of(commissioner.user)
    upload(commissioner, draft)
    document = OpportunityDocument.objects.get()
    download_url = f"/opportunities/{draft.reference}/documents/{document.pk}/"

    commissioner.logout()
    assert commissioner.get(download_url).status_code == 404

    commissioner.force_login(commissioner.user)
    commissioner.post(f"/opportunities/{draft.reference}/publish/")
    commissioner.logout()
    page = commissioner.get(f"/opportunities/{draft.reference}/")
    assert f'href="{download_url}"' in page.text
    response = commissioner.get(download_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert not Amendment.objects.exists()
