"""When a request reached the portal: the server's clock, or nginx's X-Request-Start
when the portal is told to trust it, and then only within a minute before now."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import RequestFactory

from portal.middleware import REQUEST_START_WINDOW, received_at

NOW = datetime(2026, 12, 4, 11, 59, 59, 500000, tzinfo=UTC)


def request_stamped(value):
    return RequestFactory().post("/bids/B-X/submit/", HTTP_X_REQUEST_START=value)


@pytest.mark.parametrize("trusted", [True, False])
def test_without_a_stamp_it_is_the_servers_clock(settings, trusted):
    settings.TRUST_REQUEST_START = trusted
    assert received_at(RequestFactory().get("/"), now=NOW) == NOW


def test_a_stamp_is_ignored_unless_the_proxy_is_trusted_to_set_it(settings):
    settings.TRUST_REQUEST_START = False
    stamp = f"t={(NOW - timedelta(seconds=5)).timestamp():.3f}"
    assert received_at(request_stamped(stamp), now=NOW) == NOW


def test_a_trusted_stamp_gives_the_moment_nginx_received_it_to_the_millisecond(settings):
    settings.TRUST_REQUEST_START = True
    sent = NOW - timedelta(seconds=5, milliseconds=250)
    assert received_at(request_stamped(f"t={sent.timestamp():.3f}"), now=NOW) == sent


@pytest.mark.parametrize(
    "stamp",
    [
        NOW + timedelta(seconds=1),  # ahead of the server's clock
        NOW - REQUEST_START_WINDOW - timedelta(seconds=1),  # longer ago than a request waits
    ],
)
def test_a_stamp_outside_the_window_is_not_believed(settings, stamp):
    settings.TRUST_REQUEST_START = True
    assert received_at(request_stamped(f"t={stamp.timestamp():.3f}"), now=NOW) == NOW


@pytest.mark.parametrize(
    "value", ["", "t=", "1764849599.5", "t=abc", "t=1e9", "t=-1764849599", "t=17648495995000000"]
)
def test_a_malformed_stamp_is_not_believed(settings, value):
    settings.TRUST_REQUEST_START = True
    assert received_at(request_stamped(value), now=NOW) == NOW


def test_every_request_carries_the_moment(client):
    response = client.get("/health/")
    assert response.wsgi_request.received_at is not None
