"""Read configuration from environment variables, failing loudly on bad values.

Every helper raises ``ImproperlyConfigured`` naming the variable, so a typo in
production stops start-up with a message rather than running half-configured.
"""

import os
import re
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_MISSING = object()


def _raw(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return None
    return value.strip()


def env_str(name, default=_MISSING):
    value = _raw(name, default)
    return default if value is None else value


def env_bool(name, default=False):
    value = _raw(name, default)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default=_MISSING, *, minimum=None):
    value = _raw(name, default)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name, default=()):
    value = _raw(name, default)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_colour(name, default):
    """A #rrggbb colour dark enough for white text (WCAG AA, 4.5:1)."""
    value = env_str(name, default)
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ImproperlyConfigured(f"{name} must be a colour like #1d4f91, not {value!r}.")
    if contrast_with_white(value) < 4.5:
        raise ImproperlyConfigured(
            f"{name} {value} is too light for white header text (needs a contrast of 4.5:1)."
        )
    return value.lower()


def contrast_with_white(hex_colour):
    def channel(pair):
        c = int(pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(hex_colour[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def env_database(name, default):
    """A database URL (postgres:// or sqlite:///), parsed for ``DATABASES``."""
    import dj_database_url

    url = env_str(name, default)
    scheme = url.split("://", 1)[0]
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ImproperlyConfigured(
            f"{name} must start with postgres:// or sqlite:///, not {scheme}://."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} could not be read: {error}") from None
    if config["ENGINE"].endswith("sqlite3"):
        config["CONN_MAX_AGE"] = 0
    else:
        # Without it an unreachable server holds each request (and /health/)
        # for the operating system's TCP time-out, minutes rather than seconds.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    return config


def env_redis_url(name):
    url = env_str(name, None)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ImproperlyConfigured(f"{name} must look like redis://host:6379/0, not {url!r}.")
    return url


def env_email_url(name):
    """SMTP settings from a URL such as ``smtp+tls://user:password@host:587``.

    Returns a dict of Django ``EMAIL_*`` settings, or ``None`` when unset.
    ``smtp://`` is plain, ``smtp+tls://`` uses STARTTLS and ``smtps://`` TLS.
    """
    url = env_str(name, None)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtp+tls", "smtps"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name} must look like smtp+tls://user:password@host:587, not {parts.scheme}://…"
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a port that is not a number.") from None
    timeout = parse_qs(parts.query).get("timeout", ["20"])[0]
    if not timeout.isdigit() or int(timeout) < 1:
        raise ImproperlyConfigured(f"{name} timeout must be a number of seconds, not {timeout!r}.")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or {"smtp": 25, "smtp+tls": 587, "smtps": 465}[parts.scheme],
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_TIMEOUT": int(timeout),
    }
