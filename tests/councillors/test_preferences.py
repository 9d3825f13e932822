"""Digest preferences and the unsubscribe link: who may see them, what they store."""

import datetime
from datetime import UTC

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from councillors.actions.preferences import save_preferences, unsubscribe
from councillors.forms import parse_time
from councillors.models import Digest, DigestPreference, Weekday
from councillors.tokens import unsubscribe_token
from opportunities.tokens import UNSUBSCRIBE_SALT as ALERT_SALT
from tests.factories import CouncillorFactory, UserFactory

pytestmark = pytest.mark.django_db

# Monday 30 November 2026, 6am in London (GMT): week 2026-W49 has begun, its digests not yet due.
MONDAY_EARLY = datetime.datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
PREFERENCES = reverse("councillors:preferences")


@pytest.fixture
def monday_early(time_machine):
    time_machine.move_to(MONDAY_EARLY, tick=False)
    return MONDAY_EARLY


def stored(councillor):
    return DigestPreference.objects.filter(councillor=councillor).first()


# --- Who may see the preferences ---------------------------------------------------------


def test_a_visitor_is_asked_to_sign_in(visitor):
    response = visitor.get(PREFERENCES)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["member", "site_admin", "commissioner", "scrutiny_officer"])
def test_anyone_but_a_councillor_gets_404(persona, request):
    client = request.getfixturevalue(persona)
    assert client.get(PREFERENCES).status_code == 404
    assert client.post(PREFERENCES, {"enabled": "yes"}).status_code == 404


def test_a_councillor_who_never_chose_sees_the_defaults_and_the_next_digest(
    councillor, monday_early
):
    response = councillor.get(PREFERENCES)
    assert response.status_code == 200
    assert "You get the digest every Monday at 7am (UK time)." in response.text
    assert "Your next digest: Monday 30 November 2026 at 7am" in response.text
    assert 'value="07:00"' in response.text


def test_once_this_weeks_digest_is_claimed_the_next_is_next_weeks(councillor, monday_early):
    Digest.objects.create(councillor=councillor.user.councillor, week="2026-W49")
    response = councillor.get(PREFERENCES)
    assert "Your next digest: Monday 7 December 2026 at 7am" in response.text


def test_a_slot_passed_without_a_digest_this_week_is_due_now(councillor, time_machine):
    # Wednesday: Monday's slot has passed and the hourly job has not claimed one yet,
    # for a councillor added this week, say.
    time_machine.move_to(datetime.datetime(2026, 12, 2, 15, 0, tzinfo=UTC), tick=False)
    response = councillor.get(PREFERENCES)
    assert "Your next digest: this week’s, within the next hour" in response.text


def test_the_next_digest_is_in_uk_time_in_summer(councillor, time_machine):
    # Monday 29 June 2026, 5:30am UTC, 6:30am in London: on BST, an hour ahead of UTC.
    time_machine.move_to(datetime.datetime(2026, 6, 29, 5, 30, tzinfo=UTC), tick=False)
    save_preferences(
        councillor=councillor.user.councillor,
        by=councillor.user,
        enabled=True,
        weekday=Weekday.MONDAY,
        send_at=datetime.time(7, 0),
    )
    assert "Monday 29 June 2026 at 7am" in councillor.get(PREFERENCES).text


# --- Saving ---------------------------------------------------------------------------------


def test_a_councillor_chooses_day_and_time(councillor, monday_early):
    response = councillor.post(
        PREFERENCES, {"enabled": "yes", "weekday": Weekday.FRIDAY, "send_at": "18:30"}, follow=True
    )
    preference = stored(councillor.user.councillor)
    assert (preference.enabled, preference.weekday, preference.send_at) == (
        True,
        Weekday.FRIDAY,
        datetime.time(18, 30),
    )
    assert "Saved. Your next digest: Friday 4 December 2026 at 6:30pm." in response.text
    assert "You get the digest every Friday at 6:30pm (UK time)." in response.text


def test_turning_it_off_records_when_and_turning_it_on_clears_that(councillor, monday_early):
    data = {"weekday": Weekday.MONDAY, "send_at": "07:00"}
    response = councillor.post(PREFERENCES, {**data, "enabled": "no"}, follow=True)
    preference = stored(councillor.user.councillor)
    assert preference.enabled is False
    assert preference.unsubscribed_at == MONDAY_EARLY
    assert "We will not send you the weekly digest" in response.text
    assert "You do not get the weekly digest" in response.text

    councillor.post(PREFERENCES, {**data, "enabled": "yes"})
    preference.refresh_from_db()
    assert preference.enabled is True
    assert preference.unsubscribed_at is None


def test_turning_it_off_needs_no_day_or_time_and_keeps_the_ones_chosen(councillor, monday_early):
    data = {"enabled": "yes", "weekday": Weekday.FRIDAY, "send_at": "18:30"}
    councillor.post(PREFERENCES, data)

    response = councillor.post(PREFERENCES, {"enabled": "no", "send_at": "later"}, follow=True)

    assert "We will not send you the weekly digest" in response.text
    preference = stored(councillor.user.councillor)
    assert preference.enabled is False
    assert (preference.weekday, preference.send_at) == (Weekday.FRIDAY, datetime.time(18, 30))


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"weekday": "0", "send_at": "07:00"}, "Choose whether you want the weekly digest"),
        ({"enabled": "yes", "send_at": "07:00"}, "Choose the day you want the digest"),
        ({"enabled": "yes", "weekday": "9", "send_at": "07:00"}, "Select a valid choice"),
        ({"enabled": "yes", "weekday": "0", "send_at": ""}, "Enter the time you want the digest"),
        ({"enabled": "yes", "weekday": "0", "send_at": "24:00"}, "Enter a time between 00:00"),
        ({"enabled": "yes", "weekday": "0", "send_at": "7:75"}, "Enter a time between 00:00"),
        ({"enabled": "yes", "weekday": "0", "send_at": "soon"}, "Enter a time between 00:00"),
    ],
)
def test_a_bad_answer_is_shown_and_nothing_is_saved(councillor, data, error):
    response = councillor.post(PREFERENCES, data)
    assert response.status_code == 200
    assert error in response.text
    assert "There is a problem" in response.text
    assert stored(councillor.user.councillor) is None


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("07:00", datetime.time(7, 0)),
        ("7:30", datetime.time(7, 30)),
        ("7.30", datetime.time(7, 30)),
        ("0730", datetime.time(7, 30)),
        ("23:59", datetime.time(23, 59)),
        ("00:00", datetime.time(0, 0)),
        ("7am", datetime.time(7, 0)),
        ("7:30 PM", datetime.time(19, 30)),
        ("12am", datetime.time(0, 0)),
        ("12pm", datetime.time(12, 0)),
        ("24:00", None),
        ("13pm", None),
        ("12:60", None),
        ("730", datetime.time(7, 30)),
        ("7300", None),
        ("", None),
    ],
)
def test_times_are_read_as_people_write_them(text, time):
    assert parse_time(text) == time


def test_only_the_councillor_or_a_site_admin_may_change_preferences():
    councillor = CouncillorFactory()
    choice = {"enabled": False, "weekday": Weekday.MONDAY, "send_at": datetime.time(7)}
    with pytest.raises(PermissionError):
        save_preferences(councillor=councillor, by=UserFactory(), **choice)
    with pytest.raises(PermissionError):
        save_preferences(councillor=councillor, by=CouncillorFactory().user, **choice)
    assert stored(councillor) is None
    save_preferences(councillor=councillor, by=UserFactory(is_superuser=True), **choice)
    assert stored(councillor).enabled is False


# --- Unsubscribing from the email ------------------------------------------------------------


def link(councillor):
    return reverse("councillors:unsubscribe", args=[unsubscribe_token(councillor)])


def test_opening_the_link_changes_nothing(client):
    councillor = CouncillorFactory(full_name="Jane Doe")
    response = client.get(link(councillor))
    assert response.status_code == 200
    assert "Councillor Jane Doe, you will get no more weekly digests" in response.text
    assert ">Unsubscribe</button>" in response.text
    assert stored(councillor) is None
    assert client.head(link(councillor)).status_code == 200
    assert stored(councillor) is None


def test_pressing_unsubscribe_stops_the_digest_without_signing_in(client, monday_early):
    councillor = CouncillorFactory()
    response = client.post(link(councillor))
    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    assert reverse("councillors:preferences") in response.text
    assert "Turn the weekly digest back on" in response.text
    preference = stored(councillor)
    assert preference.enabled is False
    assert preference.unsubscribed_at == MONDAY_EARLY


def test_a_mail_programs_one_click_post_needs_no_csrf_token(time_machine):
    time_machine.move_to(MONDAY_EARLY, tick=False)
    councillor = CouncillorFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        link(councillor),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert stored(councillor).enabled is False

    time_machine.move_to(MONDAY_EARLY + datetime.timedelta(days=3), tick=False)
    client.post(link(councillor))  # a second click keeps the first moment
    assert stored(councillor).unsubscribed_at == MONDAY_EARLY


def test_once_unsubscribed_the_link_says_so(client):
    councillor = CouncillorFactory()
    unsubscribe(councillor=councillor)
    response = client.get(link(councillor))
    assert "You are already unsubscribed" in response.text
    assert ">Unsubscribe</button>" not in response.text


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused_and_changes_nothing(client, method):
    councillor = CouncillorFactory()
    save_preferences(
        councillor=councillor,
        by=councillor.user,
        enabled=True,
        weekday=Weekday.TUESDAY,
        send_at=datetime.time(8),
    )
    token = unsubscribe_token(councillor)
    other = CouncillorFactory()
    forged = token.replace(token.split(":")[0], str(other.pk), 1)
    for bad in [token[:-2] + "xx", forged, "nonsense"]:
        response = getattr(client, method)(reverse("councillors:unsubscribe", args=[bad]))
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.text
    assert stored(councillor).enabled is True
    assert stored(other) is None


def test_an_alert_link_does_not_unsubscribe_a_councillor(client):
    councillor = CouncillorFactory()
    # The same id signed for saved-search alerts: another salt, so refused.
    token = signing.dumps(councillor.pk, salt=ALERT_SALT)
    path = reverse("councillors:unsubscribe", args=[token])
    assert client.post(path).status_code == 400
    assert stored(councillor) is None


def test_a_link_for_a_councillor_since_removed_harms_nothing(client):
    councillor = CouncillorFactory()
    path = link(councillor)
    councillor.delete()
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 200
    assert DigestPreference.objects.count() == 0
