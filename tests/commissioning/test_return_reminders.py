"""KPI return reminders (commissioning.actions.performance.send_return_reminders): a week
before the due date and once after it, each once, to the suppliers' members only while
the return is missing; one failing email does not stop the others."""

import datetime
from decimal import Decimal
from smtplib import SMTPException
from unittest import mock

import pytest
from django.utils import timezone

from commissioning.actions.performance import send_return_reminders
from commissioning.models import Frequency, KpiReturn, ReturnReminder
from commissioning.tasks import send_return_reminders as reminders_task
from tests.commissioning.factories import ContractFactory, KpiFactory, supplier_member

pytestmark = pytest.mark.django_db

# The first quarter (from 1 April 2026) is due on 20 July 2026.
DUE = datetime.date(2026, 7, 20)


@pytest.fixture
def kpi():
    return KpiFactory(frequency=Frequency.QUARTERLY, days_to_report=20)


@pytest.fixture
def member(kpi):
    return supplier_member(kpi.contract)


def test_nothing_is_sent_more_than_a_week_before(kpi, member, mailoutbox):
    assert send_return_reminders(today=DUE - datetime.timedelta(days=8)) == 0
    assert mailoutbox == [] and not ReturnReminder.objects.exists()


def test_a_week_before_the_suppliers_members_are_reminded_once(kpi, member, mailoutbox):
    assert send_return_reminders(today=DUE - datetime.timedelta(days=7)) == 1
    [email] = mailoutbox
    assert email.to == [member.email]
    assert "due by 20 July 2026" in email.subject
    assert f"/contracts/{kpi.contract.reference}/returns/" in email.body
    assert send_return_reminders(today=DUE - datetime.timedelta(days=6)) == 0
    assert send_return_reminders(today=DUE) == 0
    assert len(mailoutbox) == 1
    reminder = ReturnReminder.objects.get()
    assert reminder.when == "before" and reminder.sent_at is not None


def test_after_the_due_date_a_missing_return_is_chased_once(kpi, member, mailoutbox, time_machine):
    send_return_reminders(today=DUE - datetime.timedelta(days=7))
    assert send_return_reminders(today=DUE + datetime.timedelta(days=1)) == 1
    assert "overdue" in mailoutbox[-1].subject
    assert "has not been received" in mailoutbox[-1].body
    time_machine.move_to(datetime.datetime(2026, 7, 21, 12, tzinfo=datetime.UTC), tick=False)
    reminders_task.delay()  # the daily task, run again the same day
    assert send_return_reminders(today=DUE + datetime.timedelta(days=2)) == 0
    assert len(mailoutbox) == 2
    assert sorted(ReturnReminder.objects.values_list("when", flat=True)) == ["after", "before"]


def test_no_reminder_once_the_return_is_in(kpi, member, mailoutbox):
    KpiReturn.objects.create(
        kpi=kpi,
        period_start=datetime.date(2026, 4, 1),
        value=Decimal(1),
        submitted_at=timezone.now(),
    )
    assert send_return_reminders(today=DUE - datetime.timedelta(days=3)) == 0
    assert send_return_reminders(today=DUE + datetime.timedelta(days=3)) == 0
    assert mailoutbox == []


def test_a_return_that_came_in_after_the_reminder_was_queued_is_not_chased(kpi, member, mailoutbox):
    ReturnReminder.objects.create(
        kpi=kpi, period_start=datetime.date(2026, 4, 1), when=ReturnReminder.When.AFTER
    )
    KpiReturn.objects.create(
        kpi=kpi,
        period_start=datetime.date(2026, 4, 1),
        value=Decimal(1),
        submitted_at=timezone.now(),
    )
    assert send_return_reminders(today=DUE + datetime.timedelta(days=1)) == 0
    assert mailoutbox == []


def test_one_failing_email_is_recorded_and_the_others_still_go(kpi, member, mailoutbox):
    other = KpiFactory(contract=ContractFactory(), frequency=Frequency.QUARTERLY, days_to_report=20)
    supplier_member(other.contract)
    from commissioning import contract_emails

    real = contract_emails.send_return_reminder

    def fail_for_first(reminder):
        if reminder.kpi_id == kpi.pk:
            raise SMTPException("mail server said no")
        real(reminder)

    with mock.patch.object(contract_emails, "send_return_reminder", fail_for_first):
        assert send_return_reminders(today=DUE - datetime.timedelta(days=2)) == 1
    failed = ReturnReminder.objects.get(kpi=kpi)
    assert failed.sent_at is None and failed.failed_attempts == 1
    assert "mail server said no" in failed.last_failure
    assert len(mailoutbox) == 1
    # The next run sends the one that failed, and only that one.
    assert send_return_reminders(today=DUE - datetime.timedelta(days=1)) == 1
    assert len(mailoutbox) == 2
    assert mailoutbox[-1].to == [member.email]


def test_an_old_missing_return_is_not_chased_years_later(kpi, member, mailoutbox):
    assert send_return_reminders(today=DUE + datetime.timedelta(days=61)) >= 0
    assert not ReturnReminder.objects.filter(period_start=datetime.date(2026, 4, 1)).exists()
