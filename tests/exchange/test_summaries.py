"""The weekly summary of new suggestions: who asks for it, what it lists in what order,
and that each subscriber gets it once a week, whatever fails for someone else."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from exchange import tasks
from exchange.actions import summaries
from exchange.models import SuggestionSubscription
from tests.concurrency import run_together
from tests.exchange.factories import NeedFactory, OfferFactory, member_of
from tests.factories import OrganisationFactory, UserFactory, WardFactory

pytestmark = pytest.mark.django_db

# Monday 7 December 2026, 7:30am UK time (GMT), when the weekly job runs.
MONDAY = datetime(2026, 12, 7, 7, 30, tzinfo=UTC)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return MONDAY


@pytest.fixture
def supplier(now):
    """A company with a city-wide offer of mentoring and one for the ward "Aston"."""
    organisation = OrganisationFactory(name="Brindley Accountants", legal_form="private_company")
    aston = WardFactory(name="Aston", slug="aston")
    OfferFactory(organisation=organisation, posted_at=now - timedelta(days=60))
    OfferFactory(
        organisation=organisation,
        citywide=False,
        wards=[aston],
        posted_at=now - timedelta(days=60),
    )
    organisation.aston = aston
    return organisation


def subscriber(organisation, *, last_sent_at=None):
    user = member_of(organisation)
    subscription = summaries.subscribe(organisation=organisation, by=user)
    if last_sent_at:
        SuggestionSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=last_sent_at)
    return user


def need(title, *, days_ago, due_in, ward=None, **fields):
    """A need of another organisation, posted ``days_ago``, needed in ``due_in`` days."""
    return NeedFactory(
        title=title,
        posted_at=MONDAY - timedelta(days=days_ago),
        needed_by=MONDAY.date() + timedelta(days=due_in),
        **({"ward": ward} if ward else {}),
        **fields,
    )


def listed(body, heading):
    """The titles listed under ``heading`` in a summary, in order."""
    titles = []
    for line in body.split(heading, 1)[1].splitlines()[1:]:
        if line.startswith("* "):
            titles.append(line[2:])
        elif line and not line.startswith("  "):
            break
    return titles


# --- What the summary lists --------------------------------------------------------------


def test_needs_posted_since_the_last_summary_best_first(now, supplier):
    user = subscriber(supplier, last_sent_at=now - timedelta(days=7))
    need("Posted before the last summary", days_ago=10, due_in=20)
    need("Due in 30 days", days_ago=3, due_in=30)
    need("Due in 12 days", days_ago=2, due_in=12)
    need("In Aston, due in 40 days", days_ago=1, due_in=40, ward=supplier.aston)
    need("Needs premises", days_ago=1, due_in=12, kind="premises")

    assert summaries.send_summaries() == 1

    [message] = mail.outbox
    assert message.to == [user.email]
    assert "New on the exchange for Brindley Accountants: 3 needs" in message.subject
    assert listed(message.body, "NEEDS YOUR OFFERS FIT") == [
        "In Aston, due in 40 days",
        "Due in 12 days",
        "Due in 30 days",
    ]
    assert "OFFERS THAT FIT YOUR NEEDS" not in message.body
    assert "/exchange/yours/" in message.body


def test_offers_that_fit_the_organisations_needs_are_listed_with_what_is_left(now):
    charity = OrganisationFactory(name="Aston Youth Club")
    NeedFactory(organisation=charity, posted_at=now - timedelta(days=40))
    subscriber(charity, last_sent_at=now - timedelta(days=7))
    OfferFactory(title="Old offer", posted_at=now - timedelta(days=9))
    OfferFactory(title="Mentoring from our partners", posted_at=now - timedelta(days=2))

    summaries.send_summaries()

    [message] = mail.outbox
    assert listed(message.body, "OFFERS THAT FIT YOUR NEEDS") == ["Mentoring from our partners"]
    assert "40 hours left" in message.body
    assert "NEEDS YOUR OFFERS FIT" not in message.body
    assert "1 offer" in message.subject


def test_each_list_is_capped_and_says_how_many_more(now, supplier):
    subscriber(supplier)
    for n in range(summaries.LISTED + 3):
        need(f"Need {n:02d}", days_ago=1, due_in=10 + n)

    summaries.send_summaries()

    body = mail.outbox[0].body
    assert listed(body, "NEEDS YOUR OFFERS FIT") == [f"Need {n:02d}" for n in range(10)]
    assert "And 3 more." in body
    assert "13 needs" in mail.outbox[0].subject


def test_a_first_summary_lists_the_last_seven_days(now, supplier):
    subscriber(supplier)
    need("Eight days ago", days_ago=8, due_in=20)
    need("Six days ago", days_ago=6, due_in=20)

    summaries.send_summaries()

    assert listed(mail.outbox[0].body, "NEEDS YOUR OFFERS FIT") == ["Six days ago"]


def test_nothing_new_sends_nothing_but_the_week_counts_as_sent(now, supplier):
    subscriber(supplier, last_sent_at=now - timedelta(days=7))
    need("Posted before", days_ago=8, due_in=20)

    assert summaries.send_summaries() == 0

    assert mail.outbox == []
    assert SuggestionSubscription.objects.get().last_sent_at == now


def test_a_need_posted_while_the_job_runs_waits_for_the_next_summary(now, supplier):
    subscriber(supplier)
    need("Posted during the run", days_ago=-0.01, due_in=20)

    assert summaries.send_summaries(now=now) == 0
    assert summaries.send_summaries(now=now + timedelta(days=7)) == 1
    assert listed(mail.outbox[0].body, "NEEDS YOUR OFFERS FIT") == ["Posted during the run"]


# --- Once a week -------------------------------------------------------------------------


def test_sent_once_a_week_however_often_the_job_runs(now, time_machine, supplier):
    subscriber(supplier)
    need("This week", days_ago=1, due_in=20)

    assert summaries.send_summaries() == 1
    tasks.send_exchange_summaries.delay()
    assert summaries.send_summaries(now=now + timedelta(days=6)) == 0
    assert len(mail.outbox) == 1

    time_machine.move_to(now + timedelta(days=7), tick=False)
    need("Next week", days_ago=-3, due_in=20)
    assert summaries.send_summaries() == 1
    assert listed(mail.outbox[1].body, "NEEDS YOUR OFFERS FIT") == ["Next week"]


def test_each_subscriber_gets_their_own_email_and_nobody_else_does(now, supplier):
    first, second = subscriber(supplier), subscriber(supplier)
    member_of(supplier)  # a member who did not ask
    need("This week", days_ago=1, due_in=20)

    assert summaries.send_summaries() == 2

    assert sorted(message.to[0] for message in mail.outbox) == sorted([first.email, second.email])


def test_someone_who_left_the_organisation_gets_nothing_and_is_unsubscribed(now, supplier):
    user = subscriber(supplier)
    user.memberships.all().delete()
    need("This week", days_ago=1, due_in=20)

    assert summaries.send_summaries() == 0

    assert mail.outbox == []
    assert not SuggestionSubscription.objects.exists()


def test_one_failing_subscriber_is_recorded_and_the_others_still_get_theirs(
    now, supplier, monkeypatch
):
    users = [subscriber(supplier) for _ in range(3)]
    need("This week", days_ago=1, due_in=20)
    real = summaries.send_summary

    def fails_for_the_second(subscription, summary, **kwargs):
        if subscription.user == users[1]:
            raise OSError("mailbox unavailable")
        real(subscription, summary, **kwargs)

    monkeypatch.setattr(summaries, "send_summary", fails_for_the_second)

    assert summaries.send_summaries() == 2

    failed = SuggestionSubscription.objects.get(user=users[1])
    assert failed.last_sent_at is None and failed.failed_attempts == 1
    assert "mailbox unavailable" in failed.last_failure
    assert sorted(m.to[0] for m in mail.outbox) == sorted([users[0].email, users[2].email])

    monkeypatch.setattr(summaries, "send_summary", real)
    mail.outbox.clear()
    assert summaries.send_summaries() == 1
    failed.refresh_from_db()
    assert failed.last_sent_at == now and failed.failed_attempts == 0
    assert [m.to for m in mail.outbox] == [[users[1].email]]


def test_the_weekly_task_is_in_the_beat_schedule_for_monday_morning(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-exchange-summaries"]
    assert entry["task"] == "exchange.tasks.send_exchange_summaries"
    schedule = entry["schedule"]
    assert (schedule.day_of_week, schedule.hour, schedule.minute) == ({1}, {7}, {30})


# --- Asking for it and stopping it -------------------------------------------------------


def test_only_members_may_subscribe():
    organisation = OrganisationFactory()
    with pytest.raises(PermissionError):
        summaries.subscribe(organisation=organisation, by=UserFactory())
    user = member_of(organisation)
    summaries.subscribe(organisation=organisation, by=user)
    summaries.subscribe(organisation=organisation, by=user)
    assert SuggestionSubscription.objects.filter(user=user).count() == 1


def test_a_member_turns_the_weekly_email_on_and_off_from_their_exchange_page(client):
    organisation = OrganisationFactory(name="Aston Youth Club", slug="aston-youth-club")
    user = member_of(organisation)
    client.force_login(user)

    page = client.get("/exchange/yours/").text
    assert "Email me new suggestions each Monday" in page
    assert "/exchange/yours/aston-youth-club/weekly-email/" in page

    response = client.post("/exchange/yours/aston-youth-club/weekly-email/", follow=True)
    assert response.redirect_chain[-1][0] == "/exchange/yours/"
    assert SuggestionSubscription.objects.filter(user=user, organisation=organisation).exists()
    assert "Stop the weekly email" in response.text

    response = client.post("/exchange/yours/aston-youth-club/weekly-email/stop/", follow=True)
    assert not SuggestionSubscription.objects.exists()
    assert "Email me new suggestions each Monday" in response.text


@pytest.mark.parametrize("path", ["weekly-email/", "weekly-email/stop/"])
def test_outsiders_get_404_and_visitors_are_asked_to_sign_in(client, path):
    organisation = OrganisationFactory(slug="aston-youth-club")
    url = f"/exchange/yours/aston-youth-club/{path}"

    assert client.post(url).url.startswith("/accounts/login/")
    client.force_login(member_of(OrganisationFactory()))
    assert client.post(url).status_code == 404
    assert client.post("/exchange/yours/no-such-organisation/weekly-email/").status_code == 404
    client.force_login(member_of(organisation))
    assert client.get(url).status_code == 405
    assert not SuggestionSubscription.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_runs_at_the_same_moment_send_each_subscriber_one_summary(now, supplier):
    users = [subscriber(supplier) for _ in range(3)]
    need("This week", days_ago=1, due_in=20)

    results, errors = run_together(lambda _i: summaries.send_summaries(now=now), count=4)

    assert errors == []
    assert sum(results) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(user.email for user in users)
