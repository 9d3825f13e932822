"""The demo pipeline: realistic plans, one published, one withdrawn; idempotent, no email."""

import pytest
from django.core import mail

from commissioning import demo_pipeline
from commissioning.models import Phase, PipelineFollow, PipelineItem
from tests.commissioning.factories import ProjectFactory
from tests.factories import (
    MembershipFactory,
    OpportunityFactory,
    OrganisationFactory,
    PublisherFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db

WARDS = [
    "Quinton",
    "Harborne",
    "Bartley Green",
    "Ladywood",
    "Nechells",
    "Bordesley & Highgate",
    "Aston",
    "Lozells",
    "Erdington",
    "Stockland Green",
]
FOLLOWERS = [
    "Ladywood Lunch Club",
    "Hall Green Asian Elders",
    "Nechells Community Food Co-op",
    "Aston Young Voices",
    "Erdington Mental Health Forum",
]


@pytest.fixture
def demo():
    for name in WARDS:
        WardFactory(name=name)
    for name in FOLLOWERS:
        OrganisationFactory(name=name)
    publisher = PublisherFactory(name="Birmingham City Council – Adults and Social Care")
    commissioner = MembershipFactory(organisation=publisher).user
    # One of the demo's open opportunities (opportunities/demo_data.py).
    opportunity = OpportunityFactory(
        publisher=publisher, title="Befriending for older people living alone"
    )
    return {
        "publisher": publisher,
        "commissioner": commissioner,
        "projects": {},
        "opportunity": opportunity,
    }


def snapshot():
    return (
        list(
            PipelineItem.objects.order_by("pk").values_list(
                "reference", "title", "opportunity", "withdrawn_at", "expected_year"
            )
        ),
        list(PipelineFollow.objects.order_by("pk").values_list("item", "organisation", "told_at")),
    )


def test_the_demo_has_plans_across_four_quarters_and_several_wards(demo):
    items = demo_pipeline.seed(**demo)

    assert 6 <= PipelineItem.objects.public().count() <= 8
    quarters = {(i.expected_year, i.expected_quarter) for i in PipelineItem.objects.coming()}
    assert len(quarters) == 4  # the next four quarters
    wards = {w.name for i in PipelineItem.objects.all() for w in i.wards.all()}
    assert len(wards) >= 6
    assert PipelineItem.objects.filter(citywide=True).exists()
    assert all(item.reference.startswith("PIP-") for item in items.values())


def test_one_plan_is_published_as_the_opportunity_and_its_followers_were_told(demo):
    demo_pipeline.seed(**demo)

    published = PipelineItem.objects.published().get()
    assert published.opportunity == demo["opportunity"]
    assert published.published_at == demo["opportunity"].published_at is not None
    assert published.follows.exists()
    assert not published.follows.filter(told_at__isnull=True).exists()
    assert mail.outbox == []


def test_one_plan_is_withdrawn_with_a_reason(demo):
    demo_pipeline.seed(**demo)

    withdrawn = PipelineItem.objects.get(withdrawn_at__isnull=False)
    assert withdrawn.withdrawal_reason


def test_organisations_follow_plans_still_to_come(demo):
    demo_pipeline.seed(**demo)

    coming = PipelineFollow.objects.filter(item__in=PipelineItem.objects.coming())
    assert coming.count() >= 4
    assert not coming.filter(told_at__isnull=False).exists()


def test_plans_come_from_the_projects_given(demo):
    plan = ProjectFactory(publisher=demo["publisher"])
    doing = ProjectFactory(publisher=demo["publisher"])
    demo["projects"] = {Phase.PLAN: plan, Phase.DO: doing}

    demo_pipeline.seed(**demo)

    assert PipelineItem.objects.filter(project=plan).count() >= 1
    assert PipelineItem.objects.published().get().project == doing


def test_seeding_twice_changes_nothing_and_sends_no_email(demo):
    demo_pipeline.seed(**demo)
    before = snapshot()

    demo_pipeline.seed(**demo)

    assert snapshot() == before
    assert mail.outbox == []
