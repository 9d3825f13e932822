from celery import shared_task
from django.contrib.auth import get_user_model

from accounts import actions, emails


@shared_task
def send_confirmation_email(user_id):
    """Email a confirmation link to a user whose address is not yet confirmed."""
    user = get_user_model().objects.filter(pk=user_id, email_confirmed_at__isnull=True).first()
    if user is not None:
        emails.send_confirmation(user)


@shared_task
def send_account_exists_email(user_id):
    """Tell an account holder that someone tried to register their address."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        emails.send_account_exists(user)


@shared_task
def delete_old_sign_in_records():
    """Keep sign-in attempt records for 30 days only."""
    actions.delete_old_sign_in_records()
