import smtplib

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.utils import timezone

from opportunities import actions as opportunities
from opportunities.models import Follow, Frequency, SavedSearch
from organisations.models import Document, DocumentKind
from portal import batch
from tests.factories import MembershipFactory, OpportunityFactory, UserFactory
from tests.tracking.conftest import make_inquiry, open_next_round
from tracking.models import Reminder, ReminderFailure

pytestmark = pytest.mark.django_db

REFUSED = smtplib.SMTPRecipientsRefused({"gone@example.org": (550, b"No such mailbox here")})


def saved_search(name):
    return opportunities.save_search(
        user=UserFactory(), name=name, query_string="", frequency=Frequency.DAILY
    )


def test_one_row_failing_is_recorded_and_the_others_are_handled():
    rows = [saved_search(name) for name in ("First", "Broken", "Last")]
    handled = []

    def handle(pk):
        SavedSearch.objects.filter(pk=pk).update(name="Handled")
        if pk == rows[1].pk:
            raise REFUSED
        handled.append(pk)
        return True

    assert (
        batch.each_in_its_own_transaction(SavedSearch, [row.pk for row in rows], handle, job="test")
        == 2
    )
    assert handled == [rows[0].pk, rows[2].pk]
    broken = SavedSearch.objects.get(pk=rows[1].pk)
    assert broken.name == "Broken"  # its work was rolled back
    assert broken.failed_attempts == 1
    assert broken.last_failure.startswith("SMTPRecipientsRefused: {'gone@example.org': (550")


def test_a_tasks_soft_time_limit_ends_the_job_and_blames_no_row():
    row = saved_search("Slow")

    def handle(pk):
        raise SoftTimeLimitExceeded()

    with pytest.raises(SoftTimeLimitExceeded):
        batch.each_in_its_own_transaction(SavedSearch, [row.pk], handle, job="test")
    row.refresh_from_db()
    assert row.failed_attempts == 0


@pytest.fixture
def failing_rows(settings, tmp_path):
    """One row of each kind a job records failures on, all failing now."""
    settings.MEDIA_ROOT = tmp_path
    officer, responsible = UserFactory(is_scrutiny_officer=True), UserFactory()
    tracking_round = open_next_round(make_inquiry(by=officer, responsible=responsible), by=officer)
    membership = MembershipFactory()
    rows = [
        saved_search("Youth work in Aston"),
        opportunities.follow(
            opportunity=OpportunityFactory(),
            organisation=membership.organisation,
            by=membership.user,
        ),
        Document.objects.create(
            organisation=membership.organisation,
            kind=DocumentKind.INSURANCE,
            title="Public liability insurance",
            file=ContentFile(b"%PDF-1.4", name="insurance.pdf"),
            expires_on=timezone.localdate(),
        ),
        ReminderFailure.objects.create(
            round=tracking_round, user=responsible, kind=Reminder.Kind.ONE_WEEK
        ),
    ]
    for row in rows:
        batch.record_failure(type(row).objects.filter(pk=row.pk), REFUSED)
    saved_search("Working fine")
    return rows


ADMIN_PAGES = {
    SavedSearch: "/admin/opportunities/savedsearch/",
    Follow: "/admin/opportunities/follow/",
    Document: "/admin/organisations/document/",
    ReminderFailure: "/admin/tracking/reminderfailure/",
}


def test_site_admins_see_which_emails_are_failing_and_why(site_admin, failing_rows):
    for row in failing_rows:
        path = ADMIN_PAGES[type(row)]
        listed = site_admin.get(f"{path}?sending=failing")
        assert listed.status_code == 200
        assert "Working fine" not in listed.text
        assert f"{path}{row.pk}/change/" in listed.text
        page = site_admin.get(f"{path}{row.pk}/change/")
        assert "No such mailbox here" in page.text
        assert "insurance.pdf" not in page.text


def test_nobody_else_sees_them(member, failing_rows):
    for path in ADMIN_PAGES.values():
        assert member.get(path).status_code == 302
