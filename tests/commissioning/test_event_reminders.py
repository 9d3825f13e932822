"""The reminder the day before an event: to confirmed attendees of events starting
tomorrow, from 9am, once each, one failure recorded without stopping the others."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from commissioning import engagement_mail, tasks
from commissioning.actions import engagement as actions
from tests.commissioning.factories import EngagementEventFactory, registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    """10am on a Thursday in London."""
    return timezone.make_aware(datetime(2026, 12, 3, 10, 0))


def event_in(now, hours, minutes=0, **fields):
    return EngagementEventFactory(starts_at=now + timedelta(hours=hours, minutes=minutes), **fields)


def test_confirmed_attendees_of_events_in_the_window_are_reminded_once(now):
    event = event_in(now, 30, online=True, venue="", joining_details="https://meet.example/1")
    first = registration(event, email="one@example.org")
    second = registration(event, email="two@example.org")
    assert actions.send_reminders(now=now) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["one@example.org", "two@example.org"]
    assert all(m.subject.startswith("Reminder:") for m in mail.outbox)
    assert "https://meet.example/1" in mail.outbox[0].body
    first.refresh_from_db(), second.refresh_from_db()
    assert first.reminded_at == now and second.reminded_at == now
    mail.outbox.clear()
    assert actions.send_reminders(now=now + timedelta(hours=1)) == 0
    assert mail.outbox == []


# Today at noon and at 11pm, the day after tomorrow at midnight, next week, three hours ago.
@pytest.mark.parametrize("hours", [2, 13, 38, 24 * 7, -3])
def test_events_outside_the_window_are_not_reminded(now, hours):
    registration(event_in(now, hours))
    assert actions.send_reminders(now=now) == 0
    assert mail.outbox == []


def test_tomorrows_first_and_last_minutes_are_tomorrow(now):
    registration(event_in(now, 14), email="midnight@example.org")
    registration(event_in(now, 37, minutes=59), email="late@example.org")
    assert actions.send_reminders(now=now) == 2


def test_nothing_is_sent_before_9am(now):
    registration(event_in(now, 30))
    assert actions.send_reminders(now=now - timedelta(hours=2)) == 0
    assert actions.send_reminders(now=now - timedelta(hours=1)) == 1


def test_the_waiting_list_cancelled_places_and_cancelled_events_get_no_reminder(now):
    event = event_in(now, 30)
    registration(event, confirmed=False)
    registration(event, cancelled_at=now)
    registration(event_in(now, 30, cancelled_at=now))
    assert actions.send_reminders(now=now) == 0
    assert mail.outbox == []


def test_one_failing_row_is_recorded_and_the_others_are_still_sent(now, monkeypatch):
    event = event_in(now, 30)
    rows = [registration(event, email=f"person{n}@example.org") for n in range(3)]
    real = engagement_mail.send_reminder

    def flaky(reg):
        if reg.attendee_email == "person1@example.org":
            raise OSError("mail server said no")
        real(reg)

    monkeypatch.setattr(engagement_mail, "send_reminder", flaky)
    assert actions.send_reminders(now=now) == 2
    for row in rows:
        row.refresh_from_db()
    assert [row.reminded_at is not None for row in rows] == [True, False, True]
    assert rows[1].failed_attempts == 1 and "mail server said no" in rows[1].last_failure
    assert sorted(m.to[0] for m in mail.outbox) == ["person0@example.org", "person2@example.org"]

    monkeypatch.setattr(engagement_mail, "send_reminder", real)
    mail.outbox.clear()
    assert actions.send_reminders(now=now + timedelta(hours=1)) == 1
    rows[1].refresh_from_db()
    assert rows[1].reminded_at is not None and rows[1].failed_attempts == 0
    assert [m.to for m in mail.outbox] == [["person1@example.org"]]


def test_the_hourly_task_sends_the_reminders(now, time_machine):
    time_machine.move_to(now)
    registration(event_in(now, 30), email="task@example.org")
    tasks.send_event_reminders.delay()
    assert [m.to for m in mail.outbox] == [["task@example.org"]]


def test_the_reminder_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-event-reminders"]
    assert entry["task"] == "commissioning.tasks.send_event_reminders"
