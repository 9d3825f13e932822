"""Everything that writes to accounts. Views, commands and tests call these."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import tasks
from accounts.tokens import read_confirmation_token


class ConfirmationLinkError(Exception):
    """The confirmation link is broken, expired, or for a changed address."""

    def __init__(self, message, *, expired=False):
        super().__init__(message)
        self.expired = expired


@transaction.atomic
def register_user(*, full_name, email, password):
    """Create an unconfirmed account and email it a confirmation link.

    If the address already has an account, nothing is created and the owner
    is told by email instead, so the form never reveals who has an account.
    Both cases hash the password and queue one email, so neither is quicker.
    Registrations of one address at the same moment make one account; the
    others count as "already has an account". Returns the new user, or
    ``None`` when the address was taken.
    """
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()
    # Hashed before we know which case this is: it is most of the time taken.
    user = User(email=email, full_name=full_name.strip(), password=make_password(password))
    try:
        # The unique constraint on the lowercased address decides between
        # registrations racing each other; the savepoint keeps ours usable.
        with transaction.atomic():
            user.save()
    except IntegrityError:
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            raise  # not the address: something we do not expect
        tasks.send_account_exists_email.delay_on_commit(existing.pk)
        return None
    tasks.send_confirmation_email.delay_on_commit(user.pk)
    return user


@transaction.atomic
def confirm_email(*, token):
    """Mark the address in ``token`` confirmed and return its user.

    Raises ``ConfirmationLinkError`` if the token is tampered with, older than
    ``ACCOUNT_CONFIRMATION_MAX_AGE`` seconds, or the address has changed.
    Confirming twice is harmless.
    """
    try:
        data = read_confirmation_token(token)
    except signing.SignatureExpired:
        raise ConfirmationLinkError("This link has expired.", expired=True) from None
    except signing.BadSignature:
        raise ConfirmationLinkError("This link is not valid.") from None
    User = get_user_model()
    user = User.objects.select_for_update().filter(pk=data.get("user")).first()
    if user is None or user.email != data.get("email"):
        raise ConfirmationLinkError("This link is not valid.")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user


def resend_confirmation(*, email):
    """Send a fresh confirmation link if ``email`` has an unconfirmed account.

    Says nothing about whether it did, so it cannot be used to probe accounts.
    """
    User = get_user_model()
    user = User.objects.filter(
        email__iexact=email.strip(), is_active=True, email_confirmed_at__isnull=True
    ).first()
    if user is not None:
        tasks.send_confirmation_email.delay_on_commit(user.pk)


@transaction.atomic
def update_profile(*, user, full_name, by):
    """Change a user's name. Only the user themselves may do it."""
    if by.pk != user.pk:
        raise PermissionError("People change only their own profile.")
    user.full_name = full_name.strip()
    user.save(update_fields=["full_name"])
    return user


@transaction.atomic
def ensure_user(*, email, full_name, password, confirmed=True):
    """Create the account for ``email`` if missing; leave it alone if it matches.

    Used by demo data and commands: running it twice changes nothing.
    """
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=password,
            full_name=full_name,
            email_confirmed_at=timezone.now() if confirmed else None,
        )
    return user


@transaction.atomic
def set_roles(*, user, by, site_admin=None, scrutiny_officer=None, evaluator=None):
    """Grant or remove the roles held on the account itself.

    Only a site admin may change roles (``by=None`` means a command run by the
    operator). Arguments left as ``None`` are not changed.
    """
    if by is not None and not by.is_site_admin:
        raise PermissionError("Only a site admin can change roles.")
    changes = {
        "is_superuser": site_admin,
        "is_staff": site_admin,
        "is_scrutiny_officer": scrutiny_officer,
        "is_evaluator": evaluator,
    }
    changed = [
        name
        for name, value in changes.items()
        if value is not None and getattr(user, name) != value
    ]
    for name in changed:
        setattr(user, name, changes[name])
    if changed:
        user.save(update_fields=changed)
    return user


SIGN_IN_RECORDS_KEPT_FOR = timedelta(days=30)


@transaction.atomic
def delete_old_sign_in_records(*, now=None):
    """Delete records of sign-in attempts older than 30 days; returns how many.

    The privacy notice promises this. Safe to run any number of times.
    """
    cutoff = (now or timezone.now()) - SIGN_IN_RECORDS_KEPT_FOR
    return sum(
        model.objects.filter(attempt_time__lt=cutoff).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )
