"""The benchmark's generator (bench/commissioning_data.py) still makes valid rows.

Run at a tiny size on the test database, so a model change that breaks the
generator fails here rather than when someone next benchmarks at 100,000.
"""

import importlib
import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from commissioning.models import (
    Contract,
    ContractSupplier,
    Decommissioning,
    EngagementEvent,
    Kpi,
    KpiReturn,
    PerformanceRating,
    Phase,
    PipelineItem,
    Pledge,
    Project,
    Registration,
    SocialValueLine,
    SocialValueReturn,
)

BENCH = Path(__file__).resolve().parents[2] / "bench"
SIZE = 50


@pytest.fixture(scope="module")
def bench():
    """The bench modules, imported without leaving their settings defaults behind."""
    saved = dict(os.environ)
    sys.path.insert(0, str(BENCH))
    try:
        dataset = importlib.import_module("dataset")
        commissioning_data = importlib.import_module("commissioning_data")
    finally:
        sys.path.remove(str(BENCH))
        os.environ.clear()
        os.environ.update(saved)
    return dataset, commissioning_data


@pytest.fixture
def made(bench, db):
    dataset, commissioning_data = bench
    dataset.make_dataset(opportunities=SIZE, organisations=100, seed=1)
    sizes = dict.fromkeys(commissioning_data.SIZES, SIZE)
    commissioning_data.make_commissioning(seed=1, **sizes)
    return commissioning_data


def test_the_generator_makes_every_kind_of_row(made):
    assert Project.objects.count() == SIZE
    assert PipelineItem.objects.count() == SIZE
    assert Contract.objects.count() == SIZE
    assert EngagementEvent.objects.count() == SIZE
    assert Decommissioning.objects.exists()
    for model in [Kpi, KpiReturn, PerformanceRating, Pledge, SocialValueReturn, SocialValueLine]:
        assert model.objects.exists(), model.__name__
    assert Registration.objects.filter(place_confirmed_at__isnull=False).exists()
    assert set(Project.objects.values_list("phase", flat=True)) == set(Phase.values)


def test_every_generated_row_passes_the_models_validation(made):
    """``full_clean`` checks choices, lengths and every constraint of the model."""
    for model in made.COUNTED:
        for row in model.objects.order_by("pk")[:20]:
            row.full_clean()


def test_generated_rows_keep_the_rules_the_actions_keep(made):
    contracts = Contract.objects.annotate(
        leads=Count("suppliers", filter=Q(suppliers__role="lead"))
    )
    assert set(contracts.values_list("leads", flat=True)) == {1}
    assert (
        ContractSupplier.objects.filter(organisation__publishing_allowed_at__isnull=False).count()
        == 0
    )
    assert not PipelineItem.objects.filter(
        withdrawn_at__isnull=False, opportunity__isnull=False
    ).exists()
    today = timezone.localdate()
    assert not KpiReturn.objects.filter(period_start__gt=today).exists()
    for plan in Decommissioning.objects.filter(notice_given_at__isnull=False):
        full_notice = plan.notice_given_at.date() + timedelta(days=92) <= plan.takes_effect_on
        assert full_notice or plan.short_notice_reason
    for event in EngagementEvent.objects.annotate(
        places=Count("registrations", filter=Q(registrations__place_confirmed_at__isnull=False))
    ):
        assert event.places <= event.capacity
    # Every project past analyse has its needs assessment and the moves that got it there.
    for project in Project.objects.annotate(moves_made=Count("moves")):
        assert project.moves_made == list(Phase.values).index(project.phase)
        assert bool(project.needs_assessment) == (project.phase != Phase.ANALYSE)
