"""Award decisions written straight to the database, for tests of what follows an award
(evaluation updates stopping, consortium changes) without going through the award pages."""

from datetime import timedelta

from django.utils import timezone

from tenders.models import AwardDecision


def award(tender, winners, *, lot=None, confirmed=False, now=None):
    """A current decision awarding ``lot`` (``None``: the whole contract) to ``winners``,
    its notice sent ``now`` and its standstill ending 12 days later; ``confirmed``:
    the standstill is over and the award confirmed."""
    now = now or timezone.now()
    decision = AwardDecision.objects.create(
        tender=tender,
        lot=lot,
        reason="The highest scoring bid.",
        intention_sent_at=now,
        standstill_ends_at=now + timedelta(days=12),
        confirmed_at=now + timedelta(days=13) if confirmed else None,
    )
    decision.winners.set(winners)
    return decision


def award_every_lot(tender, winners, **kwargs):
    """A decision for each of the tender's lots, all to ``winners``."""
    return [award(tender, winners, lot=lot, **kwargs) for lot in tender.opportunity.lots.all()]
