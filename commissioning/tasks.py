"""Thin Celery tasks of the commissioning app: each takes ids and calls an action."""

from celery import shared_task

# Contracts and their performance (commissioning.actions.contracts, .performance).


@shared_task(name="commissioning.contract_from_award")
def contract_from_award(decision_id):
    """Make the contracts of a confirmed award decision. Enqueued by name, after commit,
    by ``tenders.actions.award.confirm_award``; idempotent."""
    from commissioning.actions.contracts import contract_from_award
    from tenders.models import AwardDecision

    decision = AwardDecision.objects.confirmed().filter(pk=decision_id).first()
    if decision is not None:
        contract_from_award(decision=decision)


@shared_task(name="commissioning.make_missing_contracts")
def make_missing_contracts():
    """Hourly: the contracts of any confirmed award decision that has none (the task
    above was lost, say, while the broker was down)."""
    from commissioning.actions.contracts import make_missing_contracts

    make_missing_contracts()


@shared_task(name="commissioning.send_return_reminders")
def send_return_reminders():
    """Daily: remind suppliers of KPI returns due in a week, and of those overdue; once each."""
    from commissioning.actions.performance import send_return_reminders

    send_return_reminders()


@shared_task(name="commissioning.send_rating")
def send_rating(rating_id):
    """Email the suppliers' members the commissioner's rating of a period."""
    from commissioning import contract_emails
    from commissioning.models import PerformanceRating

    rating = PerformanceRating.objects.select_related("contract").filter(pk=rating_id).first()
    if rating is not None:
        contract_emails.send_rating(rating)
