"""Organisations following opportunities, and the reminders before bids close."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from opportunities import emails
from opportunities.actions.questions import require_member
from opportunities.models import Follow
from portal import batch


@transaction.atomic
def follow(*, opportunity, organisation, by):
    """Follow a published opportunity for ``organisation``: its members get its changes,
    answers and deadline reminders. Following twice changes nothing."""
    require_member(organisation, by)
    if opportunity.published_at is None:
        raise ValueError("Only a published opportunity can be followed.")
    follow, _created = Follow.objects.get_or_create(
        opportunity=opportunity, organisation=organisation
    )
    return follow


@transaction.atomic
def unfollow(*, opportunity, organisation, by):
    """Stop following; unfollowing something not followed changes nothing."""
    require_member(organisation, by)
    Follow.objects.filter(opportunity=opportunity, organisation=organisation).delete()


# Followers are reminded this many days before bids close.
DEADLINE_REMINDERS = {7: "reminded_7_days_at", 1: "reminded_1_day_at"}


def send_deadline_reminders(*, now=None):
    """Email following organisations' members 7 days and 1 day before bids close.

    Each reminder goes once: a follow is claimed with ``select_for_update``
    (``skip_locked``, so two runs never take the same one) and marked in the
    same transaction as the email is sent. Each follow has its own transaction
    (``portal.batch``): if one fails, it is not marked, the failure is recorded
    on it, the next run tries again, and the others are still sent. A reminder
    whose moment passed while the job was not running still goes, until bids
    close; inside the last day only the 1-day reminder is sent. Returns the
    number of reminders sent.
    """
    now = now or timezone.now()
    sent = 0
    for days, field in sorted(DEADLINE_REMINDERS.items(), reverse=True):
        due = Follow.objects.filter(
            **{f"{field}__isnull": True},
            opportunity__published_at__isnull=False,
            opportunity__cancelled_at__isnull=True,
            opportunity__awarded_at__isnull=True,
            opportunity__submission_deadline__gt=now,
            opportunity__submission_deadline__lte=now + timedelta(days=days),
        )
        if days != 1:
            due = due.exclude(opportunity__submission_deadline__lte=now + timedelta(days=1))
        sent += batch.each_in_its_own_transaction(
            Follow,
            due.values_list("pk", flat=True),
            lambda follow_id, days=days, field=field: _remind(follow_id, days=days, field=field),
            job="deadline reminders",
        )
    return sent


def _remind(follow_id, *, days, field):
    """Claim one follow not yet sent the ``days`` reminder and send it; True if sent."""
    follow = (
        Follow.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=follow_id, **{f"{field}__isnull": True})
        .select_related("opportunity", "organisation")
        .first()
    )
    if follow is None:
        return False
    emails.send_deadline_reminder(follow, days=days)
    batch.done(follow, **{field: timezone.now()})
    return True
