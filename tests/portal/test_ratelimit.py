import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from portal import ratelimit
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rate_limits")]

TWO_PAST = datetime(2026, 12, 7, 9, 2, tzinfo=UTC)


def request_from(address="203.0.113.7", user=None):
    request = RequestFactory().post("/somewhere/", REMOTE_ADDR=address)
    request.user = user or AnonymousUser()
    return request


def five_an_hour(request, **kwargs):
    return ratelimit.limit(request, "test", per_address=5, period=ratelimit.HOUR, **kwargs)


@time_machine.travel(TWO_PAST, tick=False)
def test_the_request_after_the_limit_gets_a_429_page_saying_when_to_try_again():
    assert [five_an_hour(request_from()) for _ in range(5)] == [None] * 5
    response = five_an_hour(request_from())
    assert response.status_code == 429
    assert response["Retry-After"] == str(58 * 60)
    text = response.content.decode()
    assert "You have tried this too many times" in text
    assert "Try again in about an hour." in text
    assert 'href="mailto:commissioning@example.org"' in text


@time_machine.travel(TWO_PAST, tick=False)
def test_another_address_has_its_own_count():
    for _ in range(6):
        five_an_hour(request_from("203.0.113.7"))
    assert five_an_hour(request_from("203.0.113.8")) is None


def test_the_count_starts_again_in_the_next_hour():
    with time_machine.travel(TWO_PAST, tick=False):
        for _ in range(6):
            five_an_hour(request_from())
    with time_machine.travel(TWO_PAST + timedelta(minutes=58), tick=False):
        assert five_an_hour(request_from()) is None


@time_machine.travel(TWO_PAST + timedelta(minutes=53), tick=False)
def test_near_the_end_of_the_window_the_wait_is_in_minutes():
    for _ in range(5):
        five_an_hour(request_from())
    response = five_an_hour(request_from())
    assert response["Retry-After"] == str(5 * 60)
    assert "Try again in about 5 minutes." in response.content.decode()


def test_each_account_has_its_own_count_wherever_it_signs_in_from():
    first, second = UserFactory(), UserFactory()

    def twice_a_day(request):
        return ratelimit.limit(request, "test", per_account=2, period=ratelimit.DAY)

    assert twice_a_day(request_from("203.0.113.1", first)) is None
    assert twice_a_day(request_from("203.0.113.2", first)) is None
    assert twice_a_day(request_from("203.0.113.3", first)).status_code == 429
    assert twice_a_day(request_from("203.0.113.3", second)) is None


def test_a_value_such_as_an_email_address_has_its_own_count():
    def per_email(email, address):
        return ratelimit.limit(
            request_from(address), "test", value=email, per_value=1, period=ratelimit.HOUR
        )

    assert per_email("ada@example.org", "203.0.113.1") is None
    assert per_email("ada@example.org", "203.0.113.2").status_code == 429
    assert per_email("grace@example.org", "203.0.113.2") is None


def test_an_ipv6_connection_counts_as_one_address():
    for n in range(5):
        five_an_hour(request_from(f"2001:db8:1:2::{n + 1}"))
    assert five_an_hour(request_from("2001:db8:1:2:ffff::1")).status_code == 429
    assert five_an_hour(request_from("2001:db8:1:3::1")) is None
    assert ratelimit.client_address(request_from("::ffff:203.0.113.9")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(settings):
    request = request_from("10.0.0.2")
    request.META["HTTP_X_FORWARDED_FOR"] = "192.0.2.66, 203.0.113.5"
    assert ratelimit.client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    # The first entry is whatever the sender wrote, so it is not believed.
    assert ratelimit.client_address(request) == "203.0.113.5"
    del request.META["HTTP_X_FORWARDED_FOR"]
    assert ratelimit.client_address(request) == "10.0.0.2"


def test_nothing_is_counted_when_rate_limits_are_off(settings):
    settings.RATE_LIMITS_ENABLED = False
    assert {five_an_hour(request_from()) for _ in range(10)} == {None}


def test_with_the_cache_unreachable_requests_are_allowed_and_a_warning_logged(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with caplog.at_level(logging.WARNING, logger="portal.ratelimit"):
        assert {five_an_hour(request_from()) for _ in range(7)} == {None}
    assert "the cache did not answer" in caplog.text


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (20, "in about 1 minute"),
        (61, "in about 2 minutes"),
        (50 * 60, "in about 50 minutes"),
        (56 * 60, "in about an hour"),
        (5 * 60 * 60 + 100, "in about 5 hours"),
    ],
)
def test_waits_in_words(seconds, words):
    assert ratelimit.wait_in_words(seconds) == words
