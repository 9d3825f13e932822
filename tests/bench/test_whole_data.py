"""The whole-cycle generator's new builders (bench/tenders_data.py, bench/tracking_data.py)
still write rows as the actions would leave them.

Run at a tiny size on the test database, so a model change that breaks them fails
here rather than when someone next builds the 100,000-opportunity database.
"""

import importlib
import os
import sys
from pathlib import Path

import pytest
from django.db.models import Count, Max, Q

from accounts.models import User
from tenders import receipts
from tenders.evaluation import evaluation_of
from tenders.models import AwardDecision, Bid, BidVersion, Consensus, ScoreSheet, Tender
from tracking.models import CONCLUDING, Assessment, TrackingRound

BENCH = Path(__file__).resolve().parents[2] / "bench"

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def bench():
    """The bench modules, imported without leaving their settings defaults behind."""
    saved = dict(os.environ)
    sys.path.insert(0, str(BENCH))
    try:
        modules = [
            importlib.import_module(name)
            for name in ("dataset", "commissioning_data", "tenders_data", "tracking_data")
        ]
    finally:
        sys.path.remove(str(BENCH))
        os.environ.clear()
        os.environ.update(saved)
    return modules


@pytest.fixture
def made(bench, db):
    dataset, commissioning_data, tenders_data, tracking_data = bench
    dataset.make_dataset(opportunities=400, organisations=120, seed=1)
    commissioning_data.make_commissioning(seed=2, **dict.fromkeys(commissioning_data.SIZES, 20))
    tenders_data.make_tenders(count=20, bids=150, seed=3, sentences=dataset._sentences())
    tracking_data.make_inquiries(count=5, recommendations=40, seed=4)
    return tenders_data, tracking_data


def commissioner(tender):
    return User.objects.filter(memberships__organisation=tender.opportunity.publisher_id).first()


def test_every_generated_row_passes_the_models_validation(made):
    tenders_data, tracking_data = made
    for model in tenders_data.COUNTED + tracking_data.COUNTED:
        assert model.objects.exists(), model.__name__
        for row in model.objects.order_by("pk")[:30]:
            row.full_clean()


def test_bids_are_submitted_with_their_latest_version_and_its_hash(made):
    assert Bid.objects.count() == 150
    assert not Bid.objects.filter(current_version__isnull=True).exists()
    latest = dict(
        BidVersion.objects.values("bid").annotate(n=Max("number")).values_list("bid", "n")
    )
    for bid in Bid.objects.select_related("current_version"):
        assert bid.current_version.number == latest[bid.pk]
        assert bid.current_version.sha256 == receipts.sha256(bid.current_version.content)
        assert bid.submitted_at <= bid.tender.opportunity.submission_deadline


def test_sealed_boxes_stay_sealed_and_opened_ones_are_fully_evaluated(made):
    tenders = Tender.objects.select_related("opportunity").annotate(
        panel_size=Count("panel", distinct=True)
    )
    assert {t.opened_at is None for t in tenders} == {True, False}
    for tender in tenders:
        bids = Bid.objects.filter(tender=tender).submitted()
        sheets = ScoreSheet.objects.filter(member__tender=tender)
        if tender.opened_at is None:
            # Nothing of a sealed bid reaches the commissioner, and nobody has scored it.
            assert not Bid.objects.visible_to(commissioner(tender)).filter(tender=tender).exists()
            assert not sheets.exists()
            continue
        assert sheets.filter(submitted_at__isnull=False).count() == tender.panel_size * len(bids)
        assert not sheets.filter(bid__withdrawn_at__isnull=False).exists()
        evaluation = evaluation_of(tender, commissioner(tender))
        assert evaluation.is_moderated
        questions = tender.criteria.count()
        assert Consensus.objects.filter(bid__tender=tender).count() == questions * len(bids)


def test_awarded_opportunities_have_their_proposed_winners_confirmed(made):
    awarded = Tender.objects.filter(opportunity__awarded_at__isnull=False).select_related(
        "opportunity"
    )
    assert awarded.exists()
    for tender in awarded:
        decisions = AwardDecision.objects.filter(tender=tender)
        assert decisions.exists()
        results = evaluation_of(tender, commissioner(tender)).results()
        for decision in decisions:
            assert decision.confirmed_at == tender.opportunity.awarded_at
            proposed = {r.bid.pk for r in results[decision.lot_id] if r.proposed}
            assert set(decision.winners.values_list("pk", flat=True)) == proposed
            assert decision.summaries.count() == len(results[decision.lot_id])


def test_rounds_track_only_what_is_not_concluded_and_past_meetings_are_decided(made):
    for tracking_round in TrackingRound.objects.select_related("inquiry"):
        earlier = Assessment.objects.filter(
            round__inquiry=tracking_round.inquiry,
            round__number__lt=tracking_round.number,
            decided_category__in=CONCLUDING,
        ).values("recommendation")
        assessments = tracking_round.assessments.all()
        assert not assessments.filter(recommendation__in=earlier).exists()
        if tracking_round.number < tracking_round.inquiry.rounds.count():
            assert not assessments.filter(Q(decided_at=None) | Q(submitted_at=None)).exists()
        for assessment in assessments.filter(submitted_at__isnull=False):
            assert assessment.evidence.exists()
