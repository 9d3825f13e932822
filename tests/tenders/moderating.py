"""A tender's panel made directly in the database, for the moderation, duplication and
results tests: seats (declared), submitted score sheets, and consensus scores.

The panel's own actions (naming evaluators, declaring, scoring) are tested with
them; here only their outcome is needed.
"""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from tenders.evaluation import lots_of, slots_of
from tenders.models import (
    DEFAULT_DESCRIPTORS,
    Consensus,
    Criterion,
    CriterionGroup,
    PanelMember,
    Score,
    ScoreSheet,
)
from tests.factories import UserFactory


def seat(tender, user=None, *, chair=False, conflicts=(), declared=True):
    """A seat on ``tender``'s panel, declared (with ``conflicts``) unless told not."""
    member = PanelMember.objects.create(
        tender=tender,
        user=user or UserFactory(is_evaluator=True),
        is_chair=chair,
        declared_at=timezone.now() if declared else None,
    )
    member.conflicts.set(conflicts)
    return member


def slots(bid):
    """Every (criterion, lot) ``bid`` is scored on, from its frozen lots."""
    bid.frozen_lots = bid.current_version.content["lots"]
    tender = bid.tender
    return slots_of(bid, list(tender.criteria.all()), lots_of(tender))


def submit_sheet(member, bid, score_of=lambda slot: 3, reason="Well evidenced."):
    """``member``'s submitted score sheet for ``bid``: ``score_of(slot)`` on every slot."""
    sheet = ScoreSheet.objects.create(member=member, bid=bid, submitted_at=timezone.now())
    Score.objects.bulk_create(
        Score(sheet=sheet, criterion=s.criterion, lot=s.lot, score=score_of(s), reason=reason)
        for s in slots(bid)
    )
    return sheet


def agree(bid, by, score_of=lambda slot: 3, reason="Agreed by the panel."):
    """A consensus score on every slot of ``bid``."""
    Consensus.objects.bulk_create(
        Consensus(
            bid=bid,
            criterion=s.criterion,
            lot=s.lot,
            score=score_of(s),
            reason=reason,
            recorded_by=by,
        )
        for s in slots(bid)
    )


@pytest.fixture
def panel(tender, opened_bids):
    """A declared chair and two declared evaluators on ``tender``, none conflicted."""
    return SimpleNamespace(
        chair=seat(tender, chair=True),
        first=seat(tender),
        second=seat(tender),
    )


@pytest.fixture
def scored(panel, opened_bids):
    """Every panel member has submitted a sheet for every bid: 3 everywhere, except
    that the second evaluator gave question 1 a 1 (a disagreement of 2)."""
    for bid in opened_bids:
        submit_sheet(panel.chair, bid)
        submit_sheet(panel.first, bid)
        submit_sheet(panel.second, bid, lambda s: 1 if s.criterion.number == 1 else 3)
    return panel


def grow(tender, bids, members, *, questions=2, evaluators=2):
    """More questions and evaluators, every sheet submitted afresh and every bid agreed
    again: for the tests that query counts do not grow. Returns the members."""
    last = tender.criteria.order_by("-number").first().number
    Criterion.objects.bulk_create(
        Criterion(
            tender=tender,
            group=CriterionGroup.QUALITY,
            number=last + n,
            question=f"Extra question {n}",
            weight=5,
            descriptors=DEFAULT_DESCRIPTORS,
        )
        for n in range(1, questions + 1)
    )
    members = [*members, *(seat(tender) for _ in range(evaluators))]
    ScoreSheet.objects.filter(member__tender=tender).delete()
    agreed = Consensus.objects.filter(bid__tender=tender)
    chair = agreed.first().recorded_by if agreed.exists() else None
    agreed.delete()
    for bid in bids:
        for member in members:
            submit_sheet(member, bid)
        if chair is not None:
            agree(bid, chair)
    return members
