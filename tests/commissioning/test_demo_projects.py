"""The demo projects and events: a project in each phase, a full market day with a
waiting list, a past forum with what it changed; idempotent and silent."""

import pytest
from django.core import mail

from commissioning import demo_projects
from commissioning.actions.engagement import confirmed, waiting
from commissioning.models import (
    CoProductionPartner,
    EngagementEvent,
    Phase,
    PhaseMove,
    Project,
    Registration,
)
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PublisherFactory,
    ServiceCategoryFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(django_capture_on_commit_callbacks):
    for name in ("Ladywood", "Nechells", "Erdington", "Handsworth", "Small Heath"):
        WardFactory(name=name)
    ServiceCategoryFactory(name="Older people's services")
    publisher = PublisherFactory(name="Birmingham City Council – Adults and Social Care")
    commissioner = MembershipFactory(organisation=publisher).user
    organisations = [MembershipFactory().organisation for _ in range(4)] + [OrganisationFactory()]

    def seed():
        with django_capture_on_commit_callbacks(execute=True):
            return demo_projects.seed(
                publisher=publisher, commissioner=commissioner, organisations=organisations
            )

    return seed


def test_a_project_in_each_phase_with_its_moves(seeded):
    projects = seeded()
    assert {phase: project.phase for phase, project in projects.items()} == {
        "analyse": Phase.ANALYSE,
        "plan": Phase.PLAN,
        "do": Phase.DO,
        "review": Phase.REVIEW,
    }
    assert [projects[p].moves.count() for p in ("analyse", "plan", "do", "review")] == [0, 1, 2, 3]
    assert all(project.needs_assessment for project in projects.values())
    assert projects["do"].outcomes.count() == 2
    assert projects["plan"].partners.count() == 2
    assert not projects["analyse"].citywide and projects["plan"].citywide is True


def test_the_market_day_is_full_with_a_waiting_list_from_several_organisations(seeded):
    projects = seeded()
    market_day = EngagementEvent.objects.get(title="Carers' breaks market day")
    assert market_day.project == projects["plan"]
    assert confirmed(market_day).count() == market_day.capacity == 6
    assert waiting(market_day).count() == 2
    assert market_day.registrations.values("organisation").distinct().count() >= 3


def test_the_past_forum_records_what_it_changed(seeded):
    projects = seeded()
    forum = EngagementEvent.objects.get(title="Mental health hubs provider forum")
    assert forum.project == projects["do"]
    assert "three lots" in forum.what_changed and forum.what_changed_at > forum.starts_at


def test_seeding_twice_changes_nothing_and_sends_no_email(seeded):
    seeded()
    counts = [
        model.objects.count()
        for model in (Project, PhaseMove, EngagementEvent, Registration, CoProductionPartner)
    ]
    seeded()
    assert counts == [
        model.objects.count()
        for model in (Project, PhaseMove, EngagementEvent, Registration, CoProductionPartner)
    ]
    assert mail.outbox == []
