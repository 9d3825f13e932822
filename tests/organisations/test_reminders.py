from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from organisations import actions
from organisations.models import Document, DocumentKind
from tests.factories import MembershipFactory, OrganisationFactory
from tests.mail import mail_server

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


def document(organisation, expires_in_days):
    return Document.objects.create(
        organisation=organisation,
        kind=DocumentKind.INSURANCE,
        title="Public liability insurance",
        file=ContentFile(b"%PDF-1.4", name="insurance.pdf"),
        expires_on=TODAY + timedelta(days=expires_in_days),
    )


@pytest.fixture
def organisation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, user__email="one@example.org")
    MembershipFactory(organisation=organisation, user__email="two@example.org")
    return organisation


def test_members_are_reminded_30_days_before_a_document_expires_once(organisation):
    document(organisation, expires_in_days=30)
    assert actions.send_expiry_reminders(today=TODAY) == 1
    assert actions.send_expiry_reminders(today=TODAY) == 0
    assert actions.send_expiry_reminders(today=TODAY + timedelta(days=1)) == 0
    [message] = mail.outbox
    assert sorted(message.to) == ["one@example.org", "two@example.org"]
    assert "expires in 30 days" in message.subject
    assert "Tuesday 22 December 2026" in message.body


def test_and_again_7_days_before(organisation):
    document(organisation, expires_in_days=30)
    actions.send_expiry_reminders(today=TODAY)
    assert actions.send_expiry_reminders(today=TODAY + timedelta(days=22)) == 0
    assert actions.send_expiry_reminders(today=TODAY + timedelta(days=23)) == 1
    assert actions.send_expiry_reminders(today=TODAY + timedelta(days=24)) == 0
    assert [m.subject.split(" – ")[0] for m in mail.outbox] == [
        "Public liability insurance expires in 30 days",
        "Public liability insurance expires in 7 days",
    ]


def test_a_document_found_inside_7_days_gets_only_the_7_day_reminder(organisation):
    document(organisation, expires_in_days=5)
    assert actions.send_expiry_reminders(today=TODAY) == 1
    assert "expires in 5 days" in mail.outbox[0].subject
    assert actions.send_expiry_reminders(today=TODAY) == 0


def test_expired_documents_and_those_without_a_date_get_no_reminder(organisation):
    document(organisation, expires_in_days=-1)
    Document.objects.create(
        organisation=organisation,
        kind=DocumentKind.SAFEGUARDING,
        title="Safeguarding policy",
        file=ContentFile(b"%PDF-1.4", name="policy.pdf"),
    )
    assert actions.send_expiry_reminders(today=TODAY) == 0
    assert mail.outbox == []


def test_a_title_with_a_newline_is_sent_with_a_one_line_subject(organisation):
    made = document(organisation, expires_in_days=30)
    made.title = "Insurance\nBcc: spam@example.org"
    made.save()
    assert actions.send_expiry_reminders(today=TODAY) == 1
    [message] = mail.outbox
    assert message.subject.startswith("Insurance Bcc: spam@example.org expires in 30 days – ")
    assert message.message()["Bcc"] is None
    assert sorted(message.recipients()) == ["one@example.org", "two@example.org"]


def test_a_reminder_that_fails_is_recorded_and_retried_while_the_others_are_sent(
    organisation, settings
):
    elsewhere = MembershipFactory(user__email="gone@example.org").organisation
    failing = document(elsewhere, expires_in_days=30)
    document(organisation, expires_in_days=30)
    with mail_server(settings, refused={"gone@example.org"}) as server:
        assert actions.send_expiry_reminders(today=TODAY) == 1
        assert server.recipients() == ["one@example.org", "two@example.org"]
        failing.refresh_from_db()
        assert failing.reminded_30_days_at is None  # so the next run tries again
        assert failing.failed_attempts == 1
        assert failing.last_failed_at is not None
        assert failing.last_failure.startswith("SMTPRecipientsRefused")

        assert actions.send_expiry_reminders(today=TODAY + timedelta(days=1)) == 0
        failing.refresh_from_db()
        assert failing.failed_attempts == 2

        server.refused.clear()
        assert actions.send_expiry_reminders(today=TODAY + timedelta(days=2)) == 1
        assert server.recipients().count("gone@example.org") == 1
    failing.refresh_from_db()
    assert failing.reminded_30_days_at is not None
    assert failing.failed_attempts == 0
