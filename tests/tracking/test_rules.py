"""The tracking rules of seed 001, Appendix 1, for the executive and the committee alike."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tracking import actions, rules
from tracking.models import Category

pytestmark = pytest.mark.django_db


def _assessment(tracking_round, reference):
    return tracking_round.assessments.select_related("recommendation").get(
        recommendation__reference=reference
    )


def _submit(assessment, by, category, **kwargs):
    return actions.submit_assessment(
        assessment=assessment, by=by, category=category, evidence="Work done.", **kwargs
    )


def _errors(excinfo):
    return excinfo.value.message_dict


@pytest.mark.parametrize("category", [Category.PROGRESS_MADE, Category.INSUFFICIENT_PROGRESS])
def test_three_and_five_need_an_anticipated_date(tracking_round, responsible, category):
    with pytest.raises(ValidationError) as excinfo:
        _submit(_assessment(tracking_round, "R02"), responsible, category)
    assert "needs one" in _errors(excinfo)["anticipated_on"][0]


def test_anticipated_date_must_be_after_the_meeting(tracking_round, responsible):
    with pytest.raises(ValidationError) as excinfo:
        _submit(
            _assessment(tracking_round, "R02"),
            responsible,
            Category.PROGRESS_MADE,
            anticipated_on=tracking_round.meeting_on,
        )
    assert "after the committee meets" in _errors(excinfo)["anticipated_on"][0]


def test_three_with_a_later_anticipated_date_is_accepted(tracking_round, responsible):
    later = tracking_round.meeting_on + datetime.timedelta(days=90)
    assessment = _submit(
        _assessment(tracking_round, "R03"),
        responsible,
        Category.PROGRESS_MADE,
        anticipated_on=later,
    )
    assert assessment.proposed_category == Category.PROGRESS_MADE
    assert assessment.anticipated_on == later


def test_in_progress_is_refused_once_the_target_has_passed(tracking_round, responsible):
    # R03's target was 30 days ago.
    with pytest.raises(ValidationError) as excinfo:
        _submit(_assessment(tracking_round, "R03"), responsible, Category.IN_PROGRESS)
    assert "target date has not passed" in _errors(excinfo)["category"][0]


def test_in_progress_is_refused_when_the_target_passes_before_the_meeting(officer, responsible):
    from tests.tracking.conftest import make_inquiry, open_next_round

    inquiry = make_inquiry(by=officer, responsible=responsible, slug="soon")
    meeting = datetime.date(2030, 6, 10)
    inquiry.recommendations.get(reference="R01").target_dates.update(
        due_on=meeting - datetime.timedelta(days=1)
    )
    tracking_round = open_next_round(inquiry, by=officer, meeting_on=meeting)
    with pytest.raises(ValidationError):
        _submit(_assessment(tracking_round, "R01"), responsible, Category.IN_PROGRESS)


def test_in_progress_is_refused_without_a_target(tracking_round, responsible):
    assessment = _assessment(tracking_round, "R01")
    assessment.recommendation.target_dates.all().delete()
    with pytest.raises(ValidationError) as excinfo:
        _submit(assessment, responsible, Category.IN_PROGRESS)
    assert "no target date" in _errors(excinfo)["category"][0]


def test_in_progress_is_accepted_before_the_target(tracking_round, responsible):
    assessment = _submit(_assessment(tracking_round, "R01"), responsible, Category.IN_PROGRESS)
    assert assessment.proposed_category == Category.IN_PROGRESS


def test_achieved_fully_after_the_target_is_refused_and_late_suggested(tracking_round, responsible):
    assessment = _assessment(tracking_round, "R03")
    target = assessment.recommendation.completion_target
    with pytest.raises(ValidationError) as excinfo:
        _submit(
            assessment,
            responsible,
            Category.ACHIEVED,
            achieved_on=target + datetime.timedelta(days=1),
        )
    assert "choose Achieved (late)" in _errors(excinfo)["category"][0]


def test_achieved_late_on_time_is_refused_and_fully_suggested(tracking_round, responsible):
    assessment = _assessment(tracking_round, "R03")
    with pytest.raises(ValidationError) as excinfo:
        _submit(
            assessment,
            responsible,
            Category.ACHIEVED_LATE,
            achieved_on=assessment.recommendation.completion_target,
        )
    assert "choose Achieved (fully)" in _errors(excinfo)["category"][0]


def test_a_date_achieved_belongs_only_to_achieved_categories(tracking_round, responsible):
    with pytest.raises(ValidationError) as excinfo:
        _submit(
            _assessment(tracking_round, "R01"),
            responsible,
            Category.OBSTACLE,
            achieved_on=datetime.date(2020, 1, 1),
        )
    assert "achieved_on" in _errors(excinfo)


def test_suggested_category_follows_the_completion_target(tracking_round):
    recommendation = _assessment(tracking_round, "R03").recommendation
    target = recommendation.completion_target
    assert rules.suggested_category(recommendation, target) == Category.ACHIEVED
    late = target + datetime.timedelta(days=1)
    assert rules.suggested_category(recommendation, late) == Category.ACHIEVED_LATE
    assert rules.suggested_category(recommendation, None) is None


def test_completion_target_is_the_latest_target_date(tracking_round):
    recommendation = _assessment(tracking_round, "R01").recommendation
    later = recommendation.completion_target + datetime.timedelta(days=100)
    recommendation.target_dates.create(label="Completed", due_on=later, month_only=False)
    assert recommendation.completion_target == later


def test_the_committee_is_held_to_the_same_rules(tracking_round, officer):
    assessment = _assessment(tracking_round, "R03")
    with pytest.raises(ValidationError) as excinfo:
        actions.record_decision(
            assessment=assessment, by=officer, category=Category.INSUFFICIENT_PROGRESS
        )
    assert "anticipated_on" in _errors(excinfo)
    with pytest.raises(ValidationError):
        actions.record_decision(assessment=assessment, by=officer, category=Category.IN_PROGRESS)


def test_the_committee_may_differ_from_the_executive(tracking_round, responsible, officer):
    assessment = _submit(_assessment(tracking_round, "R01"), responsible, Category.ACHIEVED)
    later = tracking_round.meeting_on + datetime.timedelta(days=60)
    actions.record_decision(
        assessment=assessment,
        by=officer,
        category=Category.PROGRESS_MADE,
        comment="Part c) is not done.",
        anticipated_on=later,
    )
    assessment.refresh_from_db()
    assert assessment.proposed_category == Category.ACHIEVED
    assert assessment.decided_category == Category.PROGRESS_MADE
    assert assessment.decision_comment == "Part c) is not done."
    assert assessment.decision_anticipated_on == later
