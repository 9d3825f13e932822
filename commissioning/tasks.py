"""Thin Celery tasks of the commissioning app: each takes ids, loads and calls an
action or sends an email. The actions enqueue them after commit.

Each has its default name, ``commissioning.tasks.<function>`` (the name
``CELERY_BEAT_SCHEDULE`` uses), except ``contract_from_award``: tenders, which must
not import commissioning, enqueues it by the explicit name it keeps.
"""

from celery import shared_task

from commissioning import engagement_mail
from commissioning.models import Registration

# --- Decommissioning ---------------------------------------------------------------------


@shared_task
def send_decommissioning_notices(decommissioning_id=None):
    """Email the decommissioning notices not yet sent (of one decommissioning, if given).
    Queued when notice is given; every 30 minutes for any that failed. Each goes once."""
    from commissioning.actions.decommissioning import send_notices

    send_notices(decommissioning_id=decommissioning_id)


# --- Pipeline ---------------------------------------------------------------------------


@shared_task
def tell_pipeline_followers(item_id=None):
    """Email followers of pipeline items now published as opportunities, each once.

    With ``item_id``, only that item's followers (enqueued when an item is linked);
    without, every item's (every 15 minutes, for drafts published since).
    """
    from commissioning.actions import pipeline

    pipeline.tell_followers(item_id=item_id)


# --- Engagement events -----------------------------------------------------------------


def _registration(registration_id):
    return (
        Registration.objects.select_related("event", "organisation")
        .filter(pk=registration_id, cancelled_at__isnull=True)
        .first()
    )


@shared_task
def tell_attendee_of_registration(registration_id):
    """Email the attendee that they have a place, or are on the waiting list."""
    registration = _registration(registration_id)
    if registration is not None:
        engagement_mail.send_registered(registration)


@shared_task
def tell_attendee_of_place(registration_id):
    """Email someone from the waiting list that a place is now theirs."""
    registration = _registration(registration_id)
    if registration is not None and registration.place_confirmed_at is not None:
        engagement_mail.send_place_offered(registration)


@shared_task
def tell_attendees_of_cancellation(event_id):
    """Email everyone registered (with a place or waiting) that the event is cancelled."""
    registrations = Registration.objects.select_related("event", "organisation").filter(
        event_id=event_id, event__cancelled_at__isnull=False, cancelled_at__isnull=True
    )
    for registration in registrations:
        engagement_mail.send_cancelled(registration)


@shared_task
def send_event_reminders():
    """Hourly: remind confirmed attendees of events starting tomorrow (from 9am), once each."""
    from commissioning.actions.engagement import send_reminders

    send_reminders()


# --- Contracts and their performance ----------------------------------------------------


@shared_task(name="commissioning.contract_from_award")
def contract_from_award(decision_id):
    """Make the contracts of a confirmed award decision. Enqueued by name, after commit,
    by ``tenders.actions.award.confirm_award``; idempotent."""
    from commissioning.actions.contracts import contract_from_award
    from tenders.models import AwardDecision

    decision = AwardDecision.objects.confirmed().filter(pk=decision_id).first()
    if decision is not None:
        contract_from_award(decision=decision)


@shared_task
def make_missing_contracts():
    """Hourly: the contracts of any confirmed award decision that has none (the task
    above was lost, say, while the broker was down)."""
    from commissioning.actions.contracts import make_missing_contracts

    make_missing_contracts()


@shared_task
def send_return_reminders():
    """Daily: remind suppliers of KPI returns due in a week, and of those overdue; once each."""
    from commissioning.actions.performance import send_return_reminders

    send_return_reminders()


@shared_task
def send_rating(rating_id):
    """Email the suppliers' members the commissioner's rating of a period."""
    from commissioning import contract_emails
    from commissioning.models import PerformanceRating

    rating = PerformanceRating.objects.select_related("contract").filter(pk=rating_id).first()
    if rating is not None:
        contract_emails.send_rating(rating)


# --- Spend --------------------------------------------------------------------------------


@shared_task
def keep_spend_figures(generation=None):
    """Make and keep the spend page's figures (no filter) for ``generation``, queued by
    ``spend.forget_figures`` after a change; without one, every 4 minutes, so they never
    lapse. Does nothing once a later change has moved the generation on."""
    from commissioning import spend

    spend.keep_figures(generation)
