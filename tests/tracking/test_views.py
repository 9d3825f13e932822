"""Tracking pages: each tried by the persona it is for and by outsiders."""

import csv
import datetime
import html
import io

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.tracking.conftest import make_inquiry_without_recommendations, open_next_round
from tracking import actions
from tracking.models import Assessment, Category, Inquiry

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def _round_url(name, tracking_round, reference):
    return reverse(name, args=[tracking_round.inquiry.slug, tracking_round.number, reference])


def test_anyone_reads_the_list_and_an_inquirys_history(client, tracking_round, responsible):
    assessment = tracking_round.assessments.get(recommendation__reference="R01")
    actions.submit_assessment(
        assessment=assessment,
        by=responsible,
        category=Category.IN_PROGRESS,
        evidence="<script>alert(1)</script> Parks **survey** done.",
    )
    listing = client.get(reverse("tracking:list"))
    assert "Parks and Open Spaces" in listing.content.decode()
    page = client.get(reverse("tracking:inquiry", args=["parks"])).content.decode()
    assert "6 – In progress" in page
    assert "<strong>survey</strong>" in page
    assert "<script>alert" not in page
    assert "Open the next tracking round" not in page


def test_the_list_counts_categories_and_flags_overdue_rounds(
    client, tracking_round, officer, time_machine
):
    actions.record_decision(
        assessment=tracking_round.assessments.get(recommendation__reference="R01"),
        by=officer,
        category=Category.ACHIEVED,
    )
    time_machine.move_to(tracking_round.submission_deadline + datetime.timedelta(hours=1))
    page = client.get(reverse("tracking:list")).content.decode()
    assert "1 Achieved (fully)" in page
    assert "2 not yet assessed by the committee" in page
    assert "Round 1: 3 assessments not submitted by the deadline" in page


@pytest.mark.parametrize(
    "name,args",
    [
        ("tracking:dashboard", []),
        ("tracking:create_inquiry", []),
        ("tracking:edit_inquiry", ["parks"]),
        ("tracking:add_recommendation", ["parks"]),
        ("tracking:edit_recommendation", ["parks", "R01"]),
        ("tracking:open_round", ["parks"]),
        ("tracking:history_csv", ["parks"]),
        ("tracking:record_decision", ["parks", 1, "R01"]),
    ],
)
def test_management_pages_are_for_scrutiny_officers_only(
    client, tracking_round, officer, responsible, name, args
):
    url = reverse(name, args=args)
    assert client.get(url).status_code == 302  # to sign in
    assert _as(client, responsible).get(url).status_code == 404
    assert _as(client, UserFactory(is_superuser=True)).get(url).status_code == 404
    assert _as(client, officer).get(url).status_code == 200


def test_round_and_assessment_pages_are_for_the_people_responsible(
    client, tracking_round, officer, responsible
):
    round_url = tracking_round.get_absolute_url()
    assess_url = _round_url("tracking:submit_assessment", tracking_round, "R01")
    for url in (round_url, assess_url):
        assert _as(client, UserFactory()).get(url).status_code == 404
        assert _as(client, responsible).get(url).status_code == 200
        assert _as(client, officer).get(url).status_code == 200


def test_a_responsible_person_submits_and_sees_it_listed(client, tracking_round, responsible):
    _as(client, responsible)
    assert "R01" in client.get(reverse("tracking:my_assessments")).content.decode()
    response = client.post(
        _round_url("tracking:submit_assessment", tracking_round, "R01"),
        {
            "category": "6",
            "evidence": "Survey of 40 parks finished.",
            "achieved_on": "",
            "anticipated_on": "",
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(round=tracking_round, recommendation__reference="R01")
    assert assessment.proposed_category == Category.IN_PROGRESS
    assert assessment.submitted_by == responsible
    page = client.get(reverse("tracking:my_assessments")).content.decode()
    assert "6 – In progress" in page


def test_a_rule_broken_in_the_form_is_shown_beside_the_field(client, tracking_round, responsible):
    response = _as(client, responsible).post(
        _round_url("tracking:submit_assessment", tracking_round, "R02"),
        {"category": "3", "evidence": "Some progress."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Enter an anticipated completion date: category Not achieved (progress made) needs one"
        in page
    )
    assert not Assessment.objects.filter(submitted_at__isnull=False).exists()


def test_an_officer_records_a_decision(client, tracking_round, officer):
    response = _as(client, officer).post(
        _round_url("tracking:record_decision", tracking_round, "R03"),
        {"category": "4", "comment": "Needs legislation.", "anticipated_on": ""},
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(round=tracking_round, recommendation__reference="R03")
    assert assessment.decided_category == Category.OBSTACLE
    assert assessment.decided_by == officer


def test_an_officer_adds_an_inquiry_and_a_recommendation(client, officer, responsible):
    _as(client, officer)
    response = client.post(
        reverse("tracking:create_inquiry"),
        {
            "title": "Libraries",
            "slug": "libraries",
            "committee_name": "Learning Overview and Scrutiny Committee",
            "lead_member": "Councillor Ali",
            "lead_officer": "Sam Lee",
            "approved_on": "14/4/2015",
            "summary": "",
            "report_url": "",
            "officer": officer.pk,
        },
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get(slug="libraries")
    assert inquiry.approved_on == datetime.date(2015, 4, 14)
    response = client.post(
        reverse("tracking:add_recommendation", args=["libraries"]),
        {
            "reference": "r01",
            "text": "Open longer:\n\n- a) evenings\n- b) weekends",
            "responsibility": "Cabinet Member for Culture",
            "people": responsible.email.upper(),
            "targets": "Interim report – October 2015\nCompleted – 31/1/2016",
        },
    )
    assert response.status_code == 302
    recommendation = inquiry.recommendations.get()
    assert recommendation.reference == "R01"
    assert list(recommendation.responsible_people.all()) == [responsible]
    assert [str(t) for t in recommendation.target_dates.all()] == [
        "Interim report – October 2015",
        "Completed – 31 January 2016",
    ]


def test_unknown_people_and_unreadable_targets_are_named(client, inquiry, officer):
    response = _as(client, officer).post(
        reverse("tracking:add_recommendation", args=["parks"]),
        {
            "reference": "R09",
            "text": "x",
            "responsibility": "y",
            "people": "nobody@example.org",
            "targets": "Completed – someday",
        },
    )
    page = response.content.decode()
    assert "nobody@example.org" in page
    assert "Line 1, “Completed – someday”, is not a date" in page


def test_an_officer_opens_the_next_round_from_the_proposal(client, tracking_round, officer):
    for assessment in tracking_round.assessments.all():
        actions.record_decision(assessment=assessment, by=officer, category=Category.OBSTACLE)
    assert (
        _as(client, officer).get(reverse("tracking:open_round", args=["parks"])).status_code == 200
    )
    page = client.get(reverse("tracking:open_round", args=["parks"])).content.decode()
    assert "nothing left to track" in page


def test_opening_a_round_by_form(client, inquiry, officer, mailoutbox):
    response = _as(client, officer).post(
        reverse("tracking:open_round", args=["parks"]),
        {
            "committee_name": inquiry.committee.name,
            "report_of": "Cabinet Member for Environment",
            "meeting_on": "10/6/2031",
            "submission_date": "20/5/2031",
            "submission_time": "17:00",
        },
    )
    assert response.status_code == 302
    tracking_round = inquiry.rounds.get()
    assert tracking_round.assessments.count() == 3


def test_the_history_csv_has_a_row_per_assessment(client, tracking_round, officer, responsible):
    actions.submit_assessment(
        assessment=tracking_round.assessments.get(recommendation__reference="R01"),
        by=responsible,
        category=Category.IN_PROGRESS,
        evidence="Line one,\nline two",
    )
    response = _as(client, officer).get(reverse("tracking:history_csv", args=["parks"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["recommendation"] for row in rows] == ["R01", "R02", "R03"]
    assert rows[0]["evidence"] == "Line one,\nline two"
    assert rows[0]["executive's category"] == "6"


def test_the_history_csv_writes_formulas_as_text(client, tracking_round, officer):
    hostile = UserFactory(full_name='=HYPERLINK("https://evil.example","Pay")')
    recommendation = tracking_round.inquiry.recommendations.get(reference="R01")
    recommendation.responsible_people.add(hostile)
    actions.submit_assessment(
        assessment=tracking_round.assessments.get(recommendation=recommendation),
        by=hostile,
        category=Category.IN_PROGRESS,
        evidence="+cmd|' /C calc'!A0",
    )
    actions.record_decision(
        assessment=tracking_round.assessments.get(recommendation=recommendation),
        by=officer,
        category=Category.IN_PROGRESS,
        comment="@SUM(1+1)",
    )

    response = _as(client, officer).get(reverse("tracking:history_csv", args=["parks"]))

    row = next(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert row["submitted by"] == '\'=HYPERLINK("https://evil.example","Pay")'
    assert row["evidence"] == "'+cmd|' /C calc'!A0"
    assert row["committee's comment"] == "'@SUM(1+1)"
    assert row["round"] == "1"


def test_the_dashboard_shows_late_submissions(client, tracking_round, officer, time_machine):
    time_machine.move_to(tracking_round.submission_deadline + datetime.timedelta(days=1))
    page = _as(client, officer).get(reverse("tracking:dashboard")).content.decode()
    assert "Late submissions" in page
    assert page.count("Joanne Pryce") == 3


def test_navigation_offers_each_role_its_pages(client, tracking_round, officer, responsible):
    def navigation(client):
        return {entry["label"]: entry["url"] for entry in client.get("/").context["navigation"]}

    assert navigation(client)["Scrutiny"] == "/tracking/"
    assert navigation(_as(client, officer))["Dashboard"] == "/tracking/manage/"
    entries = navigation(_as(client, responsible))
    assert entries["Assessments"] == "/tracking/assessments/" and "Dashboard" not in entries


def test_an_officer_submits_for_the_executive_and_returns_to_the_round(
    client, tracking_round, officer
):
    response = _as(client, officer).post(
        _round_url("tracking:submit_assessment", tracking_round, "R01"),
        {"category": "6", "evidence": "Sent in by email; entered by the scrutiny office."},
    )
    assert response.status_code == 302
    assert response["Location"] == tracking_round.get_absolute_url()
    assessment = Assessment.objects.get(round=tracking_round, recommendation__reference="R01")
    assert assessment.submitted_by == officer


def _page(response):
    """The page's text, with the entities autoescaping writes (&#x27; for ') read back."""
    return html.unescape(response.content.decode())


def _decide(tracking_round, officer, categories):
    later = tracking_round.meeting_on + datetime.timedelta(days=120)
    for reference, category in categories.items():
        actions.record_decision(
            assessment=tracking_round.assessments.get(recommendation__reference=reference),
            by=officer,
            category=category,
            anticipated_on=later if Category(category).needs_anticipated_date else None,
        )


ROUND_FORM = {
    "committee_name": "Sustainability and Transport Overview and Scrutiny Committee",
    "report_of": "Cabinet Member for Environment",
    "meeting_on": "10/6/2031",
    "submission_date": "20/5/2031",
    "submission_time": "17:00",
}


def test_the_inquiry_page_lists_the_decisions_left_instead_of_offering_the_round(
    client, tracking_round, officer
):
    _decide(tracking_round, officer, {"R01": Category.ACHIEVED})
    page = _page(_as(client, officer).get(reverse("tracking:inquiry", args=["parks"])))
    assert "Open the next tracking round" not in page
    assert reverse("tracking:open_round", args=["parks"]) not in page
    assert (
        "Record the committee's decision on 2 recommendations before opening the next round" in page
    )
    assert _round_url("tracking:record_decision", tracking_round, "R01") not in page
    for reference in ("R02", "R03"):
        link = _round_url("tracking:record_decision", tracking_round, reference)
        assert f'href="{link}"' in page
        assert client.get(link).status_code == 200


def test_the_inquiry_page_offers_the_round_once_every_decision_is_recorded(
    client, tracking_round, officer
):
    _decide(
        tracking_round,
        officer,
        {"R01": Category.IN_PROGRESS, "R02": Category.IN_PROGRESS, "R03": Category.OBSTACLE},
    )
    page = _page(_as(client, officer).get(reverse("tracking:inquiry", args=["parks"])))
    assert "Open the next tracking round" in page
    assert reverse("tracking:open_round", args=["parks"]) in page
    assert "before opening" not in page
    form = client.get(reverse("tracking:open_round", args=["parks"]))
    assert 'name="committee_name"' in _page(form)


def test_opening_a_round_is_refused_with_what_is_left_while_decisions_are_missing(
    client, tracking_round, officer
):
    _decide(tracking_round, officer, {"R01": Category.ACHIEVED, "R02": Category.OBSTACLE})
    url = reverse("tracking:open_round", args=["parks"])
    for response in (_as(client, officer).get(url), client.post(url, ROUND_FORM)):
        page = _page(response)
        assert response.status_code == 200
        assert 'name="committee_name"' not in page  # no form to fill in and lose
        assert (
            "Record the committee's decision on 1 recommendation before opening the next round"
            in page
        )
        assert f'href="{_round_url("tracking:record_decision", tracking_round, "R03")}"' in page
    assert tracking_round.inquiry.rounds.count() == 1


def test_opening_a_round_is_refused_once_everything_is_concluded(client, tracking_round, officer):
    _decide(
        tracking_round,
        officer,
        {"R01": Category.ACHIEVED, "R02": Category.ACHIEVED, "R03": Category.OBSTACLE},
    )
    inquiry_page = _as(client, officer).get(reverse("tracking:inquiry", args=["parks"]))
    assert "nothing left to track" in _page(inquiry_page)
    url = reverse("tracking:open_round", args=["parks"])
    for response in (client.get(url), client.post(url, ROUND_FORM)):
        page = _page(response)
        assert "nothing left to track" in page
        assert 'name="committee_name"' not in page
    assert tracking_round.inquiry.rounds.count() == 1


def test_an_inquiry_without_recommendations_asks_for_them_first(client, officer):
    inquiry = make_inquiry_without_recommendations(by=officer)
    add = reverse("tracking:add_recommendation", args=["libraries"])
    page = _page(_as(client, officer).get(inquiry.get_absolute_url()))
    assert reverse("tracking:open_round", args=["libraries"]) not in page
    assert "Add the inquiry's recommendations before opening a tracking round" in page
    response = client.post(reverse("tracking:open_round", args=["libraries"]), ROUND_FORM)
    page = _page(response)
    assert "Add the inquiry's recommendations before opening a tracking round" in page
    assert f'href="{add}"' in page
    assert 'name="committee_name"' not in page
    assert not inquiry.rounds.exists()


def test_a_round_opened_meanwhile_refuses_the_form_with_what_is_left(
    client, tracking_round, officer
):
    """Two officers: the page offered the round to both; the second one's form is refused."""
    _decide(
        tracking_round,
        officer,
        {"R01": Category.IN_PROGRESS, "R02": Category.IN_PROGRESS, "R03": Category.OBSTACLE},
    )
    url = reverse("tracking:open_round", args=["parks"])
    assert 'name="committee_name"' in _page(_as(client, officer).get(url))
    second = open_next_round(
        tracking_round.inquiry,
        by=officer,
        meeting_on=tracking_round.meeting_on + datetime.timedelta(days=180),
    )
    page = _page(client.post(url, ROUND_FORM))
    assert "Record the committee's decision on 2 recommendations" in page
    assert f'href="{_round_url("tracking:record_decision", second, "R02")}"' in page
    assert 'name="committee_name"' not in page
    assert tracking_round.inquiry.rounds.count() == 2


def test_the_home_page_tells_a_responsible_person_what_to_submit_first(
    client, tracking_round, responsible, officer
):
    banner = _as(client, responsible).get("/").content.decode().split('id="to-do-title"')[1]
    assert "3 assessments to submit, the first by" in banner.split("</ul>")[0]
    assert f'href="{reverse("tracking:my_assessments")}"' in banner
    assert 'id="to-do-title"' not in _as(client, officer).get("/").content.decode()
