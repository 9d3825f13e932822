"""Emails about tracking rounds: on opening, 4 weeks and 1 week before the deadline, late."""

import datetime
import re
import smtplib

import pytest
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from portal.celery import app as celery_app
from portal.formats import LONDON
from tests.factories import UserFactory
from tests.mail import mail_server
from tests.tracking.conftest import open_next_round
from tracking import actions, tasks
from tracking.actions import reminders
from tracking.models import Category, Reminder, ReminderFailure

pytestmark = pytest.mark.django_db

# A Monday at 08:00, when beat runs the job. The ``tracking_round`` fixture then
# meets on Friday 1 May 2026 and its assessments are due by 5pm on Friday 10 April.
START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=LONDON)
DEADLINE_DAY = datetime.date(2026, 4, 10)


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 Try again later")


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def colleague(inquiry, officer):
    """Answers for R02 only, beside the person who answers for everything."""
    person = UserFactory(full_name="Marcus Bell")
    also_answers_for(inquiry.recommendations.get(reference="R02"), person, by=officer)
    return person


def also_answers_for(recommendation, person, *, by):
    actions.save_recommendation(
        inquiry=recommendation.inquiry,
        by=by,
        recommendation=recommendation,
        reference=recommendation.reference,
        text=recommendation.text,
        responsibility=recommendation.responsibility,
        responsible_people=[*recommendation.responsible_people.all(), person],
        target_dates=list(recommendation.target_dates.values("label", "due_on", "month_only")),
    )


def run_on(clock, days_from_deadline):
    """Run the daily job at 08:00 on the deadline's day plus ``days_from_deadline``."""
    day = DEADLINE_DAY + datetime.timedelta(days=days_from_deadline)
    clock.move_to(datetime.datetime.combine(day, datetime.time(8), tzinfo=LONDON), tick=False)
    return reminders.send_reminders()


def submit(tracking_round, reference, *, by):
    actions.submit_assessment(
        assessment=tracking_round.assessments.get(recommendation__reference=reference),
        by=by,
        category=Category.PROGRESS_MADE,
        anticipated_on=tracking_round.meeting_on + datetime.timedelta(days=90),
        evidence="The first part is done; the second is under way.",
    )


def assessment_url(reference):
    return f"{settings.SITE_URL}/tracking/parks/rounds/1/{reference}/assessment/"


def references(message):
    return re.findall(r"^(R\d\d): ", message.body, re.MULTILINE)


def test_deadline_is_as_the_tests_assume(tracking_round):
    assert tracking_round.submission_deadline == datetime.datetime(2026, 4, 10, 17, tzinfo=LONDON)


# --- Opening ----------------------------------------------------------------------------


def test_opening_a_round_emails_each_responsible_person_once_with_their_links(
    inquiry, officer, responsible, colleague, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tracking_round = open_next_round(inquiry, by=officer)
    tasks.send_round_opened.delay(tracking_round.pk)  # a retried task sends nothing more

    assert sorted(m.to[0] for m in mailoutbox) == sorted([responsible.email, colleague.email])
    mine = next(m for m in mailoutbox if m.to == [responsible.email])
    theirs = next(m for m in mailoutbox if m.to == [colleague.email])
    assert mine.subject == (
        "Scrutiny tracking: your assessments for Parks and Open Spaces are due by "
        f"5pm on Friday 10 April 2026 (UK time) – {settings.SERVICE_NAME}"
    )
    assert references(mine) == ["R01", "R02", "R03"]
    for reference in ("R01", "R02", "R03"):
        assert assessment_url(reference) in mine.body
    assert f"{settings.SITE_URL}/tracking/assessments/" in mine.body
    assert "1 May 2026" in mine.body
    assert references(theirs) == ["R02"]
    assert assessment_url("R02") in theirs.body
    assert assessment_url("R01") not in theirs.body
    assert Reminder.objects.filter(kind=Reminder.Kind.OPENED).count() == 2


def test_a_round_opened_after_its_deadline_sends_nothing(
    inquiry, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        open_next_round(inquiry, by=officer, meeting_on=START.date() - datetime.timedelta(days=1))
    assert mailoutbox == []


# --- Before the deadline ----------------------------------------------------------------


def test_the_four_week_reminder_goes_once_from_28_days_before_the_deadline(
    clock, tracking_round, responsible, mailoutbox
):
    assert run_on(clock, -29) == {"four_weeks": 0, "one_week": 0, "late": 0}
    assert run_on(clock, -28)["four_weeks"] == 1
    assert run_on(clock, -28)["four_weeks"] == 0
    assert run_on(clock, -27)["four_weeks"] == 0
    [message] = mailoutbox
    assert message.to == [responsible.email]
    assert message.subject.startswith("Scrutiny tracking reminder: your assessments for Parks")
    assert references(message) == ["R01", "R02", "R03"]


def test_then_the_one_week_reminder_goes_once(clock, tracking_round, mailoutbox):
    run_on(clock, -28)
    assert run_on(clock, -8)["one_week"] == 0
    assert run_on(clock, -7) == {"four_weeks": 0, "one_week": 1, "late": 0}
    assert run_on(clock, -6)["one_week"] == 0
    assert run_on(clock, 0)["one_week"] == 0
    assert len(mailoutbox) == 2


def test_a_first_run_inside_the_last_week_sends_only_the_one_week_reminder(
    clock, tracking_round, mailoutbox
):
    assert run_on(clock, -5) == {"four_weeks": 0, "one_week": 1, "late": 0}
    assert run_on(clock, -4) == {"four_weeks": 0, "one_week": 0, "late": 0}
    assert len(mailoutbox) == 1


def test_no_reminder_once_the_deadline_has_passed_on_its_day(clock, tracking_round, mailoutbox):
    clock.move_to(datetime.datetime(2026, 4, 10, 17, 30, tzinfo=LONDON), tick=False)
    assert reminders.send_reminders()["one_week"] == 0
    assert mailoutbox == []


def morning(day):
    return datetime.datetime.combine(day, datetime.time(8), tzinfo=LONDON)


def open_round_due_in_19_days(inquiry, officer, capture):
    """Meets in 40 days, so assessments are due in 19: inside the four-week window."""
    with capture(execute=True):
        open_next_round(inquiry, by=officer, meeting_on=START.date() + datetime.timedelta(days=40))
    return START.date() + datetime.timedelta(days=19)


def test_whoever_was_told_the_round_opened_inside_four_weeks_gets_no_four_week_reminder(
    clock, inquiry, officer, mailoutbox, django_capture_on_commit_callbacks
):
    deadline_day = open_round_due_in_19_days(inquiry, officer, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1  # the round opened
    for days in range(0, 12):
        clock.move_to(morning(START.date() + datetime.timedelta(days=days)), tick=False)
        assert reminders.send_reminders()["four_weeks"] == 0
    clock.move_to(morning(deadline_day - datetime.timedelta(days=7)), tick=False)
    assert reminders.send_reminders()["one_week"] == 1
    assert len(mailoutbox) == 2


def test_whoever_the_opening_email_failed_to_reach_gets_the_four_week_reminder(
    clock, inquiry, officer, responsible, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    open_round_due_in_19_days(inquiry, officer, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock.move_to(morning(START.date() + datetime.timedelta(days=1)), tick=False)
    assert reminders.send_reminders()["four_weeks"] == 1
    assert [m.to for m in mailoutbox] == [[responsible.email]]


def test_nobody_is_reminded_who_has_submitted_everything(
    clock, tracking_round, responsible, colleague, mailoutbox
):
    submit(tracking_round, "R02", by=colleague)
    assert run_on(clock, -28)["four_weeks"] == 1
    [message] = mailoutbox
    assert message.to == [responsible.email]
    assert references(message) == ["R01", "R03"]
    assert assessment_url("R02") not in message.body

    submit(tracking_round, "R01", by=responsible)
    submit(tracking_round, "R03", by=responsible)
    assert run_on(clock, -7)["one_week"] == 0
    assert len(mailoutbox) == 1


# --- After the deadline -----------------------------------------------------------------


def test_the_officer_is_told_once_the_day_after_the_deadline_which_are_missing(
    clock, tracking_round, officer, responsible, mailoutbox
):
    submit(tracking_round, "R02", by=responsible)
    assert run_on(clock, 0)["late"] == 0
    assert run_on(clock, 1) == {"four_weeks": 0, "one_week": 0, "late": 1}
    assert run_on(clock, 1)["late"] == 0
    assert run_on(clock, 2)["late"] == 0
    [message] = [m for m in mailoutbox if m.to == [officer.email]]
    assert message.subject.startswith(
        "Scrutiny tracking: 2 assessments for Parks and Open Spaces were not submitted"
    )
    assert references(message) == ["R01", "R03"]
    assert message.body.count("Who answers for it: Joanne Pryce") == 2
    assert f"{settings.SITE_URL}/tracking/parks/rounds/1/" in message.body


def test_no_late_notice_when_everything_is_submitted(
    clock, tracking_round, responsible, mailoutbox
):
    for reference in ("R01", "R02", "R03"):
        submit(tracking_round, reference, by=responsible)
    assert run_on(clock, 1)["late"] == 0
    assert mailoutbox == []


def test_no_late_notice_about_a_deadline_more_than_14_days_old(clock, tracking_round, mailoutbox):
    assert run_on(clock, 15)["late"] == 0
    assert mailoutbox == []


def test_no_late_notice_once_the_committee_has_met(clock, inquiry, officer, mailoutbox):
    meeting_on = DEADLINE_DAY + datetime.timedelta(days=3)
    actions.open_round(
        inquiry=inquiry,
        by=officer,
        committee_name=inquiry.committee.name,
        meeting_on=meeting_on,
        submission_deadline=datetime.datetime.combine(
            DEADLINE_DAY, datetime.time(17), tzinfo=LONDON
        ),
        report_of="Cabinet Member for Environment",
    )
    assert run_on(clock, 4)["late"] == 0
    assert run_on(clock, 3)["late"] == 1


def test_a_job_that_was_down_still_sends_the_late_notice_within_14_days(
    clock, tracking_round, mailoutbox
):
    assert run_on(clock, 14)["late"] == 1


# --- Failures and concurrent runs -------------------------------------------------------


def test_a_failed_send_claims_nothing_and_the_next_run_sends(
    clock, tracking_round, settings, mailoutbox, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    assert run_on(clock, -28)["four_weeks"] == 0
    assert not Reminder.objects.exists()
    assert "the next run will retry" in caplog.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run_on(clock, -27)["four_weeks"] == 1
    assert Reminder.objects.filter(kind=Reminder.Kind.FOUR_WEEKS).count() == 1
    assert len(mailoutbox) == 1


def test_an_email_that_fails_for_any_reason_is_recorded_and_retried_while_the_others_go(
    clock, tracking_round, inquiry, officer, responsible, settings
):
    refused = UserFactory(email="gone@example.org")
    # An address the mail library cannot even write out: not a mail server's refusal.
    unwritable = UserFactory(email="two@ats@example.org")
    for person in (refused, unwritable):
        also_answers_for(inquiry.recommendations.get(reference="R02"), person, by=officer)

    with mail_server(settings, refused={"gone@example.org"}) as server:
        assert run_on(clock, -28)["four_weeks"] == 1
        assert server.recipients() == [responsible.email]
        assert not Reminder.objects.filter(user__in=[refused, unwritable]).exists()
        failures = {f.user: f for f in ReminderFailure.objects.filter(round=tracking_round)}
        assert set(failures) == {refused, unwritable}
        assert failures[refused].kind == Reminder.Kind.FOUR_WEEKS
        assert failures[refused].failed_attempts == 1
        assert failures[refused].last_failed_at is not None
        assert failures[refused].last_failure.startswith("SMTPRecipientsRefused")
        assert failures[unwritable].last_failure.startswith("ValueError")

        server.refused.clear()
        unwritable.email = "mended@example.org"
        unwritable.save()
        assert run_on(clock, -27)["four_weeks"] == 2
        assert server.recipients() == sorted(
            [responsible.email, "gone@example.org", "mended@example.org"]
        )
    assert not ReminderFailure.objects.filter(failed_attempts__gt=0).exists()


def test_a_reminder_claimed_by_another_run_is_skipped_and_the_transaction_goes_on(
    tracking_round, responsible, mailoutbox
):
    Reminder.objects.create(round=tracking_round, user=responsible, kind=Reminder.Kind.ONE_WEEK)
    with transaction.atomic():
        claimed = reminders._claim_and_send(
            tracking_round, responsible, Reminder.Kind.ONE_WEEK, lambda: pytest.fail("sent")
        )
        assert claimed is False
        # The failed insert was rolled back to its savepoint, not the whole transaction.
        assert Reminder.objects.count() == 1
    assert mailoutbox == []


def test_the_job_runs_daily_through_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["send-tracking-reminders"]
    assert entry["task"] == tasks.send_reminders.name
    assert entry["task"] in celery_app.tasks
