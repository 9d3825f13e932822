from datetime import timedelta

import pytest
from django.utils import timezone

from opportunities.models import Amendment, Opportunity, Status
from tests.factories import OpportunityFactory, ServiceCategoryFactory

pytestmark = pytest.mark.django_db


def form_data(weeks=13, **overrides):
    questions = timezone.localtime() + timedelta(weeks=weeks - 2)
    bids = timezone.localtime() + timedelta(weeks=weeks)
    data = {
        "title": "Carers' support service",
        "summary": "Information, advice and breaks for unpaid carers.",
        "description": "## What we want\n\n- advice\n- short breaks",
        "category": ServiceCategoryFactory().pk,
        "value_low": "80000",
        "value_high": "120000",
        "procedure": "light_touch",
        "citywide": "on",
        "clarification_date": questions.strftime("%d/%m/%Y"),
        "clarification_time": "12:00",
        "submission_date": bids.strftime("%d/%m/%Y"),
        "submission_time": "12:00",
        "contact_name": "Carers commissioning",
        "contact_email": "carers@example.org",
        "lots-TOTAL_FORMS": "1",
        "lots-INITIAL_FORMS": "0",
        "lots-0-title": "",
        "lots-0-max_awards": "1",
    }
    return data | overrides


def test_a_commissioner_drafts_and_publishes_an_opportunity(commissioner):
    response = commissioner.post("/opportunities/manage/new/", form_data())
    opportunity = Opportunity.objects.get()
    assert response["Location"] == f"/opportunities/{opportunity.reference}/edit/"
    assert opportunity.publisher == commissioner.organisation
    assert timezone.localtime(opportunity.submission_deadline).hour == 12
    assert not opportunity.lots.exists()
    response = commissioner.post(f"/opportunities/{opportunity.reference}/publish/")
    opportunity.refresh_from_db()
    assert opportunity.status == Status.OPEN


def test_a_draft_can_have_lots(commissioner):
    commissioner.post(
        "/opportunities/manage/new/",
        form_data(**{"lots-0-title": "Lot for north Birmingham", "lots-0-max_awards": "3"}),
    )
    [lot] = Opportunity.objects.get().lots.all()
    assert (lot.title, lot.max_awards) == ("Lot for north Birmingham", 3)


def test_a_six_week_window_asks_for_a_reason_and_keeps_what_was_typed(commissioner):
    response = commissioner.post("/opportunities/manage/new/", form_data(weeks=6))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert 'href="#id_short_window_reason"' in response.text
    assert "less than 12 weeks" in response.text
    assert "Information, advice and breaks for unpaid carers." in response.text
    assert not Opportunity.objects.exists()
    commissioner.post(
        "/opportunities/manage/new/",
        form_data(weeks=6, short_window_reason="The current contract ends in March."),
    )
    assert Opportunity.objects.get().short_window_reason == "The current contract ends in March."


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"submission_date": "31/02/2027"}, "submission_date", "must be a real date, like"),
        ({"submission_time": "25:00"}, "submission_time", "must be a real time, like"),
        ({"value_low": "lots"}, "value_low", "Enter an amount in pounds"),
        ({"value_low": "200000"}, "value_high", "at least the bottom"),
        ({"title": ""}, "title", "Enter a title"),
        ({"clarification_date": "01/01/2020"}, "clarification_date", "must be in the future"),
    ],
)
def test_bad_details_are_summarised(commissioner, change, field, message):
    response = commissioner.post("/opportunities/manage/new/", form_data(**change))
    assert f'href="#id_{field}"' in response.text
    assert message in response.text
    assert not Opportunity.objects.exists()


def test_amending_a_published_opportunity_needs_a_summary_and_is_listed(commissioner):
    opportunity = OpportunityFactory(publisher=commissioner.organisation)
    data = form_data(title="Carers' support service (revised)")
    response = commissioner.post(f"/opportunities/{opportunity.reference}/edit/", data)
    assert "Say what has changed" in response.text
    commissioner.post(
        f"/opportunities/{opportunity.reference}/edit/",
        data | {"amendment_summary": "The title now says revised."},
    )
    opportunity.refresh_from_db()
    assert opportunity.title == "Carers' support service (revised)"
    assert Amendment.objects.get().summary == "The title now says revised."


def test_a_commissioner_cancels_with_a_reason(commissioner):
    opportunity = OpportunityFactory(publisher=commissioner.organisation)
    response = commissioner.post(f"/opportunities/{opportunity.reference}/cancel/", {"reason": ""})
    assert "Give the reason for cancelling" in response.text
    commissioner.post(f"/opportunities/{opportunity.reference}/cancel/", {"reason": "No funding."})
    opportunity.refresh_from_db()
    assert opportunity.status == Status.CANCELLED


def test_a_reason_says_its_limit_and_a_longer_one_is_refused_in_plain_english(commissioner):
    opportunity = OpportunityFactory(publisher=commissioner.organisation)
    path = f"/opportunities/{opportunity.reference}/cancel/"
    assert "You can enter up to 2,000 characters" in commissioner.get(path).text
    response = commissioner.post(path, {"reason": "x" * 2001})
    assert "The reason must be 2,000 characters or fewer" in response.text
    opportunity.refresh_from_db()
    assert opportunity.status == Status.OPEN

    assert (
        "You can enter up to 2,000 characters"
        in commissioner.get("/opportunities/manage/new/").text
    )
    response = commissioner.post(
        "/opportunities/manage/new/", form_data(weeks=6, short_window_reason="x" * 2001)
    )
    assert "The reason must be 2,000 characters or fewer" in response.text
    assert not Opportunity.objects.filter(title="Carers' support service").exists()


@pytest.mark.parametrize("persona", ["member", "other_member", "organisation_admin"])
def test_people_who_cannot_publish_get_404(request, persona):
    client = request.getfixturevalue(persona)
    opportunity = OpportunityFactory()
    for path in (
        "/opportunities/manage/",
        "/opportunities/manage/new/",
        f"/opportunities/{opportunity.reference}/edit/",
        f"/opportunities/{opportunity.reference}/cancel/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/opportunities/{opportunity.reference}/publish/").status_code == 404


def test_another_publishers_commissioner_gets_404(commissioner):
    opportunity = OpportunityFactory()
    assert commissioner.get(f"/opportunities/{opportunity.reference}/edit/").status_code == 404


def test_visitors_are_asked_to_sign_in(visitor):
    response = visitor.get("/opportunities/manage/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
