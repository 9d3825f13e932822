"""An inquiry with three recommendations and an open round, built through the actions."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from tracking import actions
from tracking.actions.rounds import default_deadline


@pytest.fixture
def officer():
    return UserFactory(is_scrutiny_officer=True, full_name="Helen Whitfield")


@pytest.fixture
def responsible():
    """The person who answers for every recommendation of ``inquiry``."""
    return UserFactory(full_name="Joanne Pryce")


def make_inquiry_without_recommendations(*, by):
    """An inquiry the committee approved with no recommendations entered yet."""
    return actions.create_inquiry(
        by=by,
        title="Libraries",
        slug="libraries",
        committee_name="Learning Overview and Scrutiny Committee",
        lead_member="Councillor Jane Doe",
        lead_officer="Rose Kiely",
        approved_on=datetime.date(2026, 1, 5),
        officer=by,
        summary="",
    )


def make_inquiry(*, by, responsible, title="Parks and Open Spaces", slug="parks", targets=None):
    """An inquiry with R01–R03; ``targets`` maps reference to its completion target date."""
    today = timezone.localdate()
    targets = targets or {
        "R01": today + datetime.timedelta(days=90),
        "R02": today + datetime.timedelta(days=400),
        "R03": today - datetime.timedelta(days=30),
    }
    inquiry = actions.create_inquiry(
        by=by,
        title=title,
        slug=slug,
        committee_name="Sustainability and Transport Overview and Scrutiny Committee",
        lead_member="Councillor Jane Doe",
        lead_officer="Rose Kiely",
        approved_on=today - datetime.timedelta(days=200),
        officer=by,
        summary="How the council looks after its parks.",
    )
    for reference, due_on in targets.items():
        actions.save_recommendation(
            inquiry=inquiry,
            by=by,
            reference=reference,
            text=f"Recommendation {reference}:\n\n- a) first part\n- b) second part",
            responsibility="Cabinet Member for Environment",
            responsible_people=[responsible],
            target_dates=[{"label": "Completed", "due_on": due_on, "month_only": False}],
        )
    return inquiry


def open_next_round(inquiry, *, by, meeting_on=None):
    meeting_on = meeting_on or timezone.localdate() + datetime.timedelta(days=60)
    return actions.open_round(
        inquiry=inquiry,
        by=by,
        committee_name=inquiry.committee.name,
        meeting_on=meeting_on,
        submission_deadline=default_deadline(meeting_on),
        report_of="Cabinet Member for Environment",
    )


@pytest.fixture
def inquiry(officer, responsible):
    return make_inquiry(by=officer, responsible=responsible)


@pytest.fixture
def tracking_round(inquiry, officer):
    """Round 1 of ``inquiry``: meeting in 60 days, assessments due 21 days before."""
    return open_next_round(inquiry, by=officer)
