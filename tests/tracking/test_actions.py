"""Inquiries, rounds, submissions and decisions: conclusion and re-tracking across rounds."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import UserFactory
from tests.tracking.conftest import (
    make_inquiry,
    make_inquiry_without_recommendations,
    open_next_round,
)
from tracking import actions
from tracking.models import Category, Recommendation

pytestmark = pytest.mark.django_db


def _assessment(tracking_round, reference):
    return tracking_round.assessments.get(recommendation__reference=reference)


def _decide_all(tracking_round, officer, categories):
    later = tracking_round.meeting_on + datetime.timedelta(days=120)
    for reference, category in categories.items():
        actions.record_decision(
            assessment=_assessment(tracking_round, reference),
            by=officer,
            category=category,
            anticipated_on=later if Category(category).needs_anticipated_date else None,
        )


def test_a_round_includes_every_recommendation(tracking_round):
    assert sorted(
        tracking_round.assessments.values_list("recommendation__reference", flat=True)
    ) == ["R01", "R02", "R03"]
    assert tracking_round.number == 1


def test_concluded_recommendations_leave_tracking_and_the_rest_return(
    inquiry, tracking_round, officer
):
    _decide_all(
        tracking_round,
        officer,
        {"R01": Category.ACHIEVED, "R02": Category.IN_PROGRESS, "R03": Category.PROGRESS_MADE},
    )
    second = open_next_round(
        inquiry, by=officer, meeting_on=tracking_round.meeting_on + datetime.timedelta(days=180)
    )
    assert second.number == 2
    assert sorted(second.assessments.values_list("recommendation__reference", flat=True)) == [
        "R02",
        "R03",
    ]
    assert list(inquiry.recommendations.concluded().values_list("reference", flat=True)) == ["R01"]


@pytest.mark.parametrize("category", [Category.ACHIEVED_LATE, Category.OBSTACLE])
def test_two_and_four_conclude_too(inquiry, tracking_round, officer, category):
    _decide_all(
        tracking_round,
        officer,
        {"R01": Category.IN_PROGRESS, "R02": Category.IN_PROGRESS, "R03": category},
    )
    second = open_next_round(
        inquiry, by=officer, meeting_on=tracking_round.meeting_on + datetime.timedelta(days=30)
    )
    assert "R03" not in set(second.assessments.values_list("recommendation__reference", flat=True))


def test_only_the_committees_decision_concludes_not_the_executives(
    inquiry, tracking_round, officer, responsible
):
    actions.submit_assessment(
        assessment=_assessment(tracking_round, "R01"),
        by=responsible,
        category=Category.ACHIEVED,
        evidence="Done.",
    )
    assert inquiry.recommendations.unconcluded().count() == 3


def test_a_round_cannot_open_while_the_last_has_undecided_assessments(
    inquiry, tracking_round, officer
):
    actions.record_decision(
        assessment=_assessment(tracking_round, "R01"), by=officer, category=Category.ACHIEVED
    )
    with pytest.raises(ValidationError) as excinfo:
        open_next_round(inquiry, by=officer, meeting_on=datetime.date(2099, 1, 1))
    assert excinfo.value.messages == [
        "Record the committee's decision on 2 recommendations before opening the next round"
    ]
    assert inquiry.rounds.count() == 1


def test_a_round_needs_recommendations_to_track(officer):
    inquiry = make_inquiry_without_recommendations(by=officer)
    with pytest.raises(ValidationError) as excinfo:
        open_next_round(inquiry, by=officer, meeting_on=datetime.date(2099, 1, 1))
    assert excinfo.value.messages == [
        "Add the inquiry's recommendations before opening a tracking round"
    ]


def test_no_round_once_everything_is_concluded(inquiry, tracking_round, officer):
    _decide_all(
        tracking_round,
        officer,
        {"R01": Category.ACHIEVED, "R02": Category.ACHIEVED, "R03": Category.OBSTACLE},
    )
    assert actions.proposed_next_round(inquiry) is None
    with pytest.raises(ValidationError) as excinfo:
        open_next_round(inquiry, by=officer, meeting_on=datetime.date(2099, 1, 1))
    assert "nothing left to track" in excinfo.value.messages[0]


def test_the_next_round_is_proposed_six_months_on(inquiry, tracking_round, officer):
    _decide_all(
        tracking_round,
        officer,
        {"R01": Category.IN_PROGRESS, "R02": Category.IN_PROGRESS, "R03": Category.OBSTACLE},
    )
    proposal = actions.proposed_next_round(inquiry)
    meeting = tracking_round.meeting_on
    expected_month = (meeting.month + 5) % 12 + 1
    assert proposal["meeting_on"].month == expected_month
    assert proposal["submission_deadline"].date() < proposal["meeting_on"]
    assert proposal["report_of"] == tracking_round.report_of


def test_adding_months_keeps_to_the_end_of_short_months():
    from tracking.actions.rounds import add_months

    assert add_months(datetime.date(2016, 8, 31), 6) == datetime.date(2017, 2, 28)
    assert add_months(datetime.date(2015, 10, 27), 6) == datetime.date(2016, 4, 27)
    assert add_months(datetime.date(2015, 9, 30), 5) == datetime.date(2016, 2, 29)


def test_a_deadline_on_or_after_the_meeting_day_is_refused(inquiry, officer):
    meeting = datetime.date(2030, 3, 10)
    with pytest.raises(ValidationError) as excinfo:
        actions.open_round(
            inquiry=inquiry,
            by=officer,
            committee_name="Any",
            meeting_on=meeting,
            submission_deadline=datetime.datetime(2030, 3, 10, 9, 0, tzinfo=datetime.UTC),
            report_of="Cabinet Member",
        )
    assert "submission_deadline" in excinfo.value.message_dict


def test_a_meeting_before_the_last_rounds_is_refused(inquiry, tracking_round, officer):
    _decide_all(
        tracking_round,
        officer,
        {"R01": Category.IN_PROGRESS, "R02": Category.IN_PROGRESS, "R03": Category.OBSTACLE},
    )
    with pytest.raises(ValidationError) as excinfo:
        open_next_round(inquiry, by=officer, meeting_on=tracking_round.meeting_on)
    assert "meeting_on" in excinfo.value.message_dict


def test_evidence_is_appended_and_never_overwritten(tracking_round, responsible):
    assessment = _assessment(tracking_round, "R01")
    actions.submit_assessment(
        assessment=assessment, by=responsible, category=Category.IN_PROGRESS, evidence="First."
    )
    actions.submit_assessment(
        assessment=assessment, by=responsible, category=Category.ACHIEVED, evidence="Second."
    )
    assessment.refresh_from_db()
    assert assessment.proposed_category == Category.ACHIEVED
    assert [e.text for e in assessment.evidence.all()] == ["First.", "Second."]


def test_empty_evidence_is_refused(tracking_round, responsible):
    with pytest.raises(ValidationError) as excinfo:
        actions.submit_assessment(
            assessment=_assessment(tracking_round, "R01"),
            by=responsible,
            category=Category.IN_PROGRESS,
            evidence="   ",
        )
    assert "evidence" in excinfo.value.message_dict


def test_no_submission_once_the_committee_has_decided(tracking_round, responsible, officer):
    assessment = _assessment(tracking_round, "R01")
    actions.record_decision(assessment=assessment, by=officer, category=Category.ACHIEVED)
    with pytest.raises(ValidationError):
        actions.submit_assessment(
            assessment=assessment, by=responsible, category=Category.ACHIEVED, evidence="Late."
        )


def test_a_decision_is_locked_once_a_later_round_opens(inquiry, tracking_round, officer):
    _decide_all(
        tracking_round,
        officer,
        {"R01": Category.IN_PROGRESS, "R02": Category.IN_PROGRESS, "R03": Category.OBSTACLE},
    )
    actions.record_decision(
        assessment=_assessment(tracking_round, "R01"), by=officer, category=Category.ACHIEVED
    )
    open_next_round(
        inquiry, by=officer, meeting_on=tracking_round.meeting_on + datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        actions.record_decision(
            assessment=_assessment(tracking_round, "R02"), by=officer, category=Category.OBSTACLE
        )


def test_only_the_responsible_people_and_officers_may_submit(tracking_round, officer):
    assessment = _assessment(tracking_round, "R01")
    with pytest.raises(PermissionError):
        actions.submit_assessment(
            assessment=assessment, by=UserFactory(), category=Category.IN_PROGRESS, evidence="x"
        )
    actions.submit_assessment(
        assessment=assessment, by=officer, category=Category.IN_PROGRESS, evidence="For them."
    )


def test_only_officers_record_decisions_and_manage_inquiries(tracking_round, responsible):
    with pytest.raises(PermissionError):
        actions.record_decision(
            assessment=_assessment(tracking_round, "R01"),
            by=responsible,
            category=Category.ACHIEVED,
        )
    with pytest.raises(PermissionError):
        make_inquiry(by=responsible, responsible=responsible, slug="mine")


def test_changes_make_stored_reports_stale(inquiry, tracking_round, responsible, officer):
    version = tracking_round.version
    actions.submit_assessment(
        assessment=_assessment(tracking_round, "R01"),
        by=responsible,
        category=Category.IN_PROGRESS,
        evidence="x",
    )
    tracking_round.refresh_from_db()
    assert tracking_round.version == version + 1
    actions.update_inquiry(
        inquiry=inquiry, by=officer, committee_name="Renamed Committee", title="New title"
    )
    tracking_round.refresh_from_db()
    assert tracking_round.version == version + 2


@pytest.mark.parametrize("slug", ["manage", "assessments"])
def test_reserved_slugs_are_refused(officer, responsible, slug):
    with pytest.raises(ValidationError) as excinfo:
        make_inquiry(by=officer, responsible=responsible, slug=slug)
    assert "slug" in excinfo.value.message_dict


def test_a_slug_is_used_once(inquiry, officer, responsible):
    with pytest.raises(ValidationError):
        make_inquiry(by=officer, responsible=responsible, slug=inquiry.slug)


def test_a_reference_is_used_once_per_inquiry(inquiry, officer):
    with pytest.raises(ValidationError) as excinfo:
        actions.save_recommendation(
            inquiry=inquiry,
            by=officer,
            reference="r01",
            text="Again",
            responsibility="Someone",
            responsible_people=[],
            target_dates=[],
        )
    assert "reference" in excinfo.value.message_dict


def test_saving_a_recommendation_replaces_its_targets(inquiry, officer, responsible):
    recommendation = inquiry.recommendations.get(reference="R01")
    actions.save_recommendation(
        inquiry=inquiry,
        by=officer,
        recommendation=recommendation,
        reference="R01",
        text="Changed",
        responsibility="Cabinet Member",
        responsible_people=[],
        target_dates=[
            {"label": "Interim", "due_on": datetime.date(2031, 1, 31), "month_only": True},
            {"label": "Completed", "due_on": datetime.date(2031, 6, 30), "month_only": True},
        ],
    )
    recommendation = Recommendation.objects.get(pk=recommendation.pk)
    assert [str(t) for t in recommendation.target_dates.all()] == [
        "Interim – January 2031",
        "Completed – June 2031",
    ]
    assert not recommendation.responsible_people.exists()


def test_committees_are_matched_by_name_whatever_the_case(officer, responsible):
    first = make_inquiry(by=officer, responsible=responsible, slug="one")
    second = actions.create_inquiry(
        by=officer,
        title="Two",
        slug="two",
        committee_name="  sustainability and transport OVERVIEW and scrutiny committee ",
        lead_member="x",
        lead_officer="y",
        approved_on=datetime.date(2020, 1, 1),
        officer=officer,
    )
    assert second.committee == first.committee


def test_responsible_people_may_submit_on_their_own_recommendations_only(
    inquiry, officer, responsible
):
    from portal.authorization import Permission, has_permission

    theirs = inquiry.recommendations.get(reference="R01")
    other = make_inquiry(by=officer, responsible=UserFactory(), slug="other")
    not_theirs = other.recommendations.get(reference="R01")
    assert has_permission(responsible, Permission.SUBMIT_ASSESSMENT, obj=theirs)
    assert not has_permission(responsible, Permission.SUBMIT_ASSESSMENT, obj=not_theirs)
    assert not has_permission(responsible, Permission.MANAGE_SCRUTINY, obj=theirs)
    responsible.is_active = False
    assert not has_permission(responsible, Permission.SUBMIT_ASSESSMENT, obj=theirs)
