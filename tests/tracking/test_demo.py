"""The demo tracking data: the real inquiry as reported, a fictional one showing every path."""

import pytest

from accounts.actions import ensure_user, set_roles
from home import demo as portal_demo
from tracking import demo
from tracking.models import (
    Assessment,
    Category,
    EvidenceUpdate,
    Inquiry,
    Recommendation,
    Reminder,
    TargetDate,
    TrackingRound,
)

pytestmark = pytest.mark.django_db

REAL = "council-commissioning-third-sector"
FICTIONAL = "community-transport-older-people"


@pytest.fixture
def users():
    """The two demo accounts ``home.demo`` passes in, made the same way."""
    officer = ensure_user(
        email="scrutiny@example.org", full_name="Helen Whitfield", password="demo-portal-2026"
    )
    set_roles(user=officer, by=None, scrutiny_officer=True)
    responsible = ensure_user(
        email="commissioner@example.org", full_name="Joanne Pryce", password="demo-portal-2026"
    )
    return {"officer": officer, "responsible": responsible}


def counts():
    models = [Inquiry, Recommendation, TargetDate, TrackingRound, Assessment, EvidenceUpdate]
    return {model.__name__: model.objects.count() for model in models} | {
        "versions": list(TrackingRound.objects.order_by("pk").values_list("version", flat=True)),
        "moments": list(
            Assessment.objects.order_by("pk").values_list("submitted_at", "decided_at")
        ),
    }


@pytest.fixture
def seeded(users):
    demo.seed(**users)
    return users


def categories(round_, field):
    return {
        a.recommendation.reference: getattr(a, field)
        for a in round_.assessments.select_related("recommendation")
    }


def test_seeding_twice_changes_nothing(users):
    demo.seed(**users)
    before = counts()
    demo.seed(**users)
    assert counts() == before
    assert before["Inquiry"] == 2
    assert before["TrackingRound"] == 4


def test_the_real_inquiry_has_its_recommendations_word_for_word(seeded):
    inquiry = Inquiry.objects.get(slug=REAL)
    assert inquiry.title == "Council Commissioning and Third Sector Organisations"
    assert inquiry.officer.email == "scrutiny@example.org"
    r01 = inquiry.recommendations.get(reference="R01")
    assert "- i) Ensures that during the procurement process" in r01.text
    assert r01.text.endswith(
        "no evidence gathering was carried out with small and medium enterprises (SMEs)."
    )
    assert [str(t) for t in r01.target_dates.all()] == [
        "Interim evaluation report – October 2015",
        "Completed – January 2016",
    ]
    r02 = inquiry.recommendations.get(reference="R02")
    assert "*Find it in Birmingham*" in r02.text
    assert list(r02.responsible_people.values_list("email", flat=True)) == [
        "commissioner@example.org"
    ]
    r05 = inquiry.recommendations.get(reference="R05")
    assert [str(t) for t in r05.target_dates.all()] == [
        "October 2015",
        "January 2016",
        "September 2016",
    ]


def test_the_real_inquirys_first_round_was_all_in_progress_and_decided(seeded):
    first = TrackingRound.objects.get(inquiry__slug=REAL, number=1)
    assert str(first.meeting_on) == "2015-10-27"
    assert set(categories(first, "decided_category").values()) == {Category.IN_PROGRESS}
    assert first.assessments.filter(decided_at__year=2015).count() == 5


def test_the_real_inquirys_second_round_has_the_cabinet_members_assessments(seeded):
    second = TrackingRound.objects.get(inquiry__slug=REAL, number=2)
    assert second.committee.name == "Corporate Resources Overview and Scrutiny Committee"
    assert second.report_of == "Cabinet Member for Value for Money and Efficiency"
    assert second.assessments.filter(submitted_at__isnull=False).count() == 5
    assert categories(second, "proposed_category") == {
        "R01": 1,
        "R02": 1,
        "R03": 2,
        "R04": 2,
        "R05": 1,
    }
    assert not second.assessments.decided().exists()
    r02 = second.assessments.get(recommendation__reference="R02")
    [evidence] = r02.evidence.all()
    assert "c) A weekly email is issued by Corporate Procurement" in evidence.text
    assert evidence.added_at.year == 2016
    # Only the September 2016 updates: the first round's evidence stays in the first round.
    assert "Weekly activity reports" not in evidence.text


def test_the_fictional_inquiry_shows_every_path(seeded):
    inquiry = Inquiry.objects.get(slug=FICTIONAL)
    first, second = inquiry.rounds.order_by("number")
    assert categories(first, "decided_category") == {
        "R01": Category.ACHIEVED,
        "R02": Category.PROGRESS_MADE,
        "R03": Category.OBSTACLE,
        "R04": Category.INSUFFICIENT_PROGRESS,
        "R05": Category.IN_PROGRESS,
    }
    assert set(inquiry.recommendations.unconcluded().values_list("reference", flat=True)) == {
        "R02",
        "R04",
        "R05",
    }
    assert second.deadline_passed
    assert not second.assessments.decided().exists()
    assert categories(second, "proposed_category") == {
        "R02": Category.PROGRESS_MADE,
        "R04": None,
        "R05": Category.IN_PROGRESS,
    }
    assert list(
        second.assessments.awaiting_submission().values_list("recommendation__reference", flat=True)
    ) == ["R04"]


def test_seeding_sends_no_email(users, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(**users)
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_the_whole_portal_demo_still_loads(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        portal_demo.seed()
    assert Inquiry.objects.filter(slug__in=[REAL, FICTIONAL]).count() == 2
    assert Inquiry.objects.get(slug=REAL).officer.email == "scrutiny@example.org"
