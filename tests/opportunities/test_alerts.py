import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.signing import Signer

from opportunities import actions, tasks
from opportunities.models import Frequency, SavedSearch
from opportunities.tokens import unsubscribe_token
from organisations.tokens import invitation_token
from tests.factories import (
    OpportunityFactory,
    ServiceCategoryFactory,
    UserFactory,
    WardFactory,
)
from tests.mail import mail_server

pytestmark = pytest.mark.django_db

START = datetime(2026, 2, 2, 7, 0, tzinfo=UTC)
TOO_LONG = "This search is too long to save. Use fewer words or filters and try again."


def youth(published_at, **fields):
    return OpportunityFactory(
        title=fields.pop("title", "Youth club in Aston"),
        published_at=published_at,
        clarification_deadline=START + timedelta(days=60),
        submission_deadline=START + timedelta(days=90),
        **fields,
    )


@pytest.fixture
def saved(time_machine):
    time_machine.move_to(START, tick=False)
    return actions.save_search(
        user=UserFactory(email="reader@example.org"),
        name="Youth work",
        query_string="q=youth&page=3",
        frequency=Frequency.DAILY,
    )


def titles(message):
    return re.findall(r"^BCC-\d{4}-\d{4}: (.+)$", message.body, re.MULTILINE)


# --- Saving ----------------------------------------------------------------------------


def test_a_saved_search_starts_from_now_and_forgets_the_page(saved):
    assert saved.alerted_up_to == START
    assert saved.query_string == "q=youth"


def test_a_saved_search_needs_a_name_and_a_frequency():
    user = UserFactory()
    with pytest.raises(ValidationError):
        actions.save_search(user=user, name=" ", query_string="", frequency=Frequency.DAILY)
    with pytest.raises(ValidationError):
        actions.save_search(user=user, name="x", query_string="", frequency="hourly")
    assert not SavedSearch.objects.exists()


def test_a_search_too_long_to_store_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        actions.save_search(
            user=UserFactory(),
            name="Everything",
            query_string="q=" + "youth+" * 400,
            frequency=Frequency.DAILY,
        )
    assert error.value.messages == [TOO_LONG]
    assert not SavedSearch.objects.exists()


# --- Sending ---------------------------------------------------------------------------


def test_a_daily_alert_lists_only_new_matches_once(saved):
    youth(START - timedelta(hours=1), title="Youth club published before saving")
    youth(START + timedelta(hours=2), title="Youth mentoring")
    youth(START + timedelta(hours=3), title="Lunch club for older people")
    now = START + timedelta(days=1)
    assert actions.send_alerts(now=now) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.org"]
    assert titles(message) == ["Youth mentoring"]
    assert "Youth work" in message.subject
    assert actions.send_alerts(now=now) == 0
    assert actions.send_alerts(now=now + timedelta(hours=3)) == 0
    assert len(mail.outbox) == 1


def test_the_next_days_alert_has_only_what_is_new_since(saved):
    youth(START + timedelta(hours=2), title="Youth mentoring")
    actions.send_alerts(now=START + timedelta(days=1))
    youth(START + timedelta(days=1, hours=5), title="Youth sport")
    assert actions.send_alerts(now=START + timedelta(days=2)) == 1
    assert titles(mail.outbox[-1]) == ["Youth sport"]


def test_no_email_when_nothing_new_matches_but_the_period_moves_on(saved):
    youth(START + timedelta(hours=2), title="Lunch club")
    now = START + timedelta(days=1)
    assert actions.send_alerts(now=now) == 0
    assert mail.outbox == []
    saved.refresh_from_db()
    assert saved.alerted_up_to == now


def test_a_job_starting_a_little_earlier_the_next_day_still_sends(saved):
    youth(START + timedelta(hours=2))
    assert actions.send_alerts(now=START + timedelta(days=1) - timedelta(minutes=5)) == 1


def test_a_weekly_search_waits_a_week(saved):
    saved.frequency = Frequency.WEEKLY
    saved.save()
    youth(START + timedelta(hours=2))
    assert actions.send_alerts(now=START + timedelta(days=3)) == 0
    assert actions.send_alerts(now=START + timedelta(days=7)) == 1
    assert actions.send_alerts(now=START + timedelta(days=8)) == 0


def test_unsubscribed_searches_and_inactive_people_get_nothing(saved):
    youth(START + timedelta(hours=2))
    saved.user.is_active = False
    saved.user.save()
    assert actions.send_alerts(now=START + timedelta(days=1)) == 0
    saved.user.is_active = True
    saved.user.save()
    actions.unsubscribe(token=unsubscribe_token(saved))
    assert actions.send_alerts(now=START + timedelta(days=2)) == 0
    assert mail.outbox == []


def test_drafts_never_appear_in_an_alert(saved):
    youth(None, title="Youth draft")
    assert actions.send_alerts(now=START + timedelta(days=1)) == 0


def test_a_search_named_with_a_newline_is_alerted_with_a_one_line_subject(saved):
    actions.save_search(
        user=UserFactory(email="other@example.org"),
        name="AB x\nBcc: spam@example.org",
        query_string="q=youth",
        frequency=Frequency.DAILY,
    )
    youth(START + timedelta(hours=2))
    assert actions.send_alerts(now=START + timedelta(days=1)) == 2
    message = next(m for m in mail.outbox if m.to == ["other@example.org"])
    assert "for ‘AB x Bcc: spam@example.org’ – " in message.subject
    assert message.message()["Bcc"] is None
    assert message.recipients() == ["other@example.org"]


def test_an_alert_that_fails_is_recorded_and_retried_while_the_others_are_sent(saved, settings):
    refused = actions.save_search(
        user=UserFactory(email="gone@example.org"),
        name="Youth work",
        query_string="q=youth",
        frequency=Frequency.DAILY,
    )
    # An address the mail library cannot even write out: not a mail server's refusal.
    unwritable = actions.save_search(
        user=UserFactory(email="two@ats@example.org"),
        name="Youth work",
        query_string="q=youth",
        frequency=Frequency.DAILY,
    )
    later = actions.save_search(
        user=UserFactory(email="later@example.org"),
        name="Youth work",
        query_string="q=youth",
        frequency=Frequency.DAILY,
    )
    youth(START + timedelta(hours=2))
    now = START + timedelta(days=1)
    with mail_server(settings, refused={"gone@example.org"}) as server:
        assert actions.send_alerts(now=now) == 2
        assert server.recipients() == ["later@example.org", "reader@example.org"]
        for failed, error in [(refused, "SMTPRecipientsRefused"), (unwritable, "ValueError")]:
            failed.refresh_from_db()
            assert failed.alerted_up_to == START  # so the next run tries again
            assert failed.failed_attempts == 1
            assert failed.last_failed_at == START
            assert failed.last_failure.startswith(error)
        later.refresh_from_db()
        assert (later.alerted_up_to, later.failed_attempts) == (now, 0)

        assert actions.send_alerts(now=now + timedelta(hours=1)) == 0
        refused.refresh_from_db()
        assert refused.failed_attempts == 2

        server.refused.clear()
        assert actions.send_alerts(now=now + timedelta(hours=2)) == 1
        assert server.recipients().count("gone@example.org") == 1
    refused.refresh_from_db()
    assert refused.failed_attempts == 0
    assert refused.alerted_up_to == now + timedelta(hours=2)
    assert "550" in refused.last_failure  # kept, for the record


def test_a_long_list_is_cut_short_with_a_link_to_the_rest(saved):
    for n in range(actions.alerts.MAX_LISTED + 2):
        youth(START + timedelta(minutes=n + 1), title=f"Youth project {n}")
    actions.send_alerts(now=START + timedelta(days=1))
    message = mail.outbox[0]
    assert len(titles(message)) == actions.alerts.MAX_LISTED
    assert "…and 2 more" in message.body
    assert "/opportunities/?q=youth" in message.body
    assert f"{actions.alerts.MAX_LISTED + 2} new opportunities" in message.subject


def test_the_beat_task_sends_alerts(saved, time_machine):
    youth(START + timedelta(hours=2))
    time_machine.move_to(START + timedelta(days=1), tick=False)
    tasks.send_alerts.delay()
    assert len(mail.outbox) == 1


# --- Unsubscribing ---------------------------------------------------------------------


def unsubscribe_link(message):
    return re.search(r"http://[^/]+(/opportunities/alerts/unsubscribe/[^/\s]+/)", message.body)[1]


def test_the_link_in_the_email_unsubscribes_without_signing_in(saved, client):
    youth(START + timedelta(hours=2))
    actions.send_alerts(now=START + timedelta(days=1))
    message = mail.outbox[0]
    path = unsubscribe_link(message)
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{path}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    response = client.get(path)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    assert "Youth work" in response.text
    saved.refresh_from_db()
    assert saved.unsubscribed_at is not None
    assert client.get(path).status_code == 200  # a second click is harmless


def test_mail_programs_can_unsubscribe_with_a_one_click_post(saved, client):
    client.handler.enforce_csrf_checks = True
    response = client.post(
        f"/opportunities/alerts/unsubscribe/{unsubscribe_token(saved)}/",
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200
    saved.refresh_from_db()
    assert saved.unsubscribed_at is not None


@pytest.mark.parametrize(
    "make_token",
    [
        lambda s: unsubscribe_token(s)[:-2] + "xx",
        lambda s: "nonsense",
        lambda s: Signer(salt="something-else").sign_object(s.pk),
        lambda s: invitation_token(type("Invitation", (), {"pk": s.pk})()),
    ],
)
def test_a_bad_link_shows_a_clear_page_and_changes_nothing(saved, client, make_token):
    response = client.get(f"/opportunities/alerts/unsubscribe/{make_token(saved)}/")
    assert response.status_code == 400
    assert "This unsubscribe link does not work" in response.text
    assert "Nothing has been changed" in response.text
    saved.refresh_from_db()
    assert saved.unsubscribed_at is None


def test_a_peek_with_head_changes_nothing(saved, client):
    client.head(f"/opportunities/alerts/unsubscribe/{unsubscribe_token(saved)}/")
    saved.refresh_from_db()
    assert saved.unsubscribed_at is None


def test_a_link_to_a_deleted_search_says_there_is_nothing_more(saved, client):
    token = unsubscribe_token(saved)
    saved.delete()
    response = client.get(f"/opportunities/alerts/unsubscribe/{token}/")
    assert response.status_code == 200
    assert "No more alerts for this search" in response.text


# --- Pages -----------------------------------------------------------------------------


def test_saving_a_search_from_the_search_page(member):
    url = "/opportunities/alerts/save/?q=youth&page=2"
    response = member.get(url)
    assert 'value="youth"' in response.text
    response = member.post(url, {"name": "Youth", "frequency": Frequency.WEEKLY})
    assert response["Location"] == "/opportunities/alerts/"
    saved = SavedSearch.objects.get()
    assert (saved.user, saved.query_string, saved.frequency) == (
        member.user,
        "q=youth",
        Frequency.WEEKLY,
    )


def test_a_missing_name_is_explained(member):
    response = member.post("/opportunities/alerts/save/?q=youth", {"frequency": "daily"})
    assert "There is a problem" in response.text
    assert "Give the search a name" in response.text


def test_saving_a_search_too_long_to_store_says_so(member):
    response = member.post(
        "/opportunities/alerts/save/?q=" + "youth+" * 400,
        {"name": "Everything", "frequency": Frequency.DAILY},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert TOO_LONG in response.text
    assert not SavedSearch.objects.exists()


def test_visitors_sign_in_first_and_come_back_to_the_same_search(visitor):
    response = visitor.get("/opportunities/alerts/save/?q=youth")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/opportunities/alerts/save/%3Fq%3Dyouth"


def test_the_alerts_page_lists_only_your_own_searches(member):
    actions.save_search(user=member.user, name="Mine", query_string="q=a", frequency="daily")
    actions.save_search(user=UserFactory(), name="Theirs", query_string="", frequency="daily")
    text = member.get("/opportunities/alerts/").text
    assert "Mine" in text
    assert "Theirs" not in text
    assert "/opportunities/?q=a" in text


def test_the_alerts_page_says_what_each_search_is_for_in_plain_english(member):
    WardFactory(name="Ladywood", slug="ladywood")
    ServiceCategoryFactory(name="Advice", slug="advice")
    actions.save_search(
        user=member.user,
        name="Advice near us",
        query_string="q=debt+advice&category=advice&ward=ladywood&value=10k-30k&small=on",
        frequency="weekly",
    )
    actions.save_search(user=member.user, name="Everything", query_string="", frequency="daily")
    text = member.get("/opportunities/alerts/").text
    for part in [
        "Search by keyword: <strong>“debt advice”</strong>",
        "Category: <strong>Advice</strong>",
        "Ward: <strong>Ladywood</strong>",
        "Value: <strong>£10,000 to £30,000</strong>",
        "Suitable for small organisations: <strong>Yes</strong>",
        "Every open opportunity",
    ]:
        assert part in text


def test_deleting_your_own_search(member):
    saved = actions.save_search(user=member.user, name="Mine", query_string="", frequency="daily")
    response = member.post(f"/opportunities/alerts/{saved.pk}/delete/")
    assert response.status_code == 302
    assert not SavedSearch.objects.exists()


def test_someone_elses_search_cannot_be_deleted(other_member):
    theirs = actions.save_search(
        user=UserFactory(), name="Theirs", query_string="", frequency="daily"
    )
    assert other_member.post(f"/opportunities/alerts/{theirs.pk}/delete/").status_code == 404
    assert SavedSearch.objects.filter(pk=theirs.pk).exists()


def test_visitors_have_no_alerts_page(visitor):
    assert visitor.get("/opportunities/alerts/").status_code == 302
