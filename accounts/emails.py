"""The emails the accounts app sends, rendered from plain-text templates."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.tokens import confirmation_token
from portal.mail import subject_line


def absolute_url(path):
    """A full link for an email, which has no request to build one from."""
    return settings.SITE_URL.rstrip("/") + path


def _send(user, template, subject, **context):
    context.update(
        user=user,
        service_name=settings.SERVICE_NAME,
        council_name=settings.COUNCIL_NAME,
        sign_in_url=absolute_url(reverse("accounts:login")),
        reset_url=absolute_url(reverse("accounts:password_reset")),
    )
    send_mail(
        subject=subject_line(subject),
        message=render_to_string(f"accounts/email/{template}.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def send_confirmation(user):
    path = reverse("accounts:confirm_email", args=[confirmation_token(user)])
    _send(user, "confirm_email", "Confirm your email address", confirm_url=absolute_url(path))


def send_account_exists(user):
    _send(user, "account_exists", "You already have an account")
