"""What commissioners type for money and dates on the opportunity form is understood."""

import re
from datetime import date
from decimal import Decimal

import pytest

from opportunities.models import Opportunity
from tests.opportunities.test_publish_views import form_data

pytestmark = pytest.mark.django_db


def error_summary(response):
    """The error summary's links as (field id, message) pairs."""
    body = re.search(r'govuk-error-summary__list">(.*?)</ul>', response.text, re.S)
    return re.findall(r'<li><a href="#(.*?)">(.*?)</a></li>', body.group(1)) if body else []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("£60,000", Decimal("60000")),
        ("60,000.50", Decimal("60000.50")),
        (" 60 000 ", Decimal("60000")),
        ("£75000", Decimal("75000")),
        ("£ 1,250.5", Decimal("1250.50")),
    ],
)
def test_an_estimated_value_is_accepted_as_people_type_it(commissioner, typed, stored):
    response = commissioner.post(
        "/opportunities/manage/new/", form_data(value_low=typed, value_high="£9,000,000")
    )
    assert response.status_code == 302, error_summary(response)
    opportunity = Opportunity.objects.get()
    assert (opportunity.value_low, opportunity.value_high) == (stored, Decimal("9000000"))


def test_a_lot_value_is_accepted_with_a_pound_sign_and_commas(commissioner):
    commissioner.post(
        "/opportunities/manage/new/",
        form_data(**{"lots-0-title": "North", "lots-0-value": "£40,000.25"}),
    )
    assert Opportunity.objects.get().lots.get().value == Decimal("40000.25")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("sixty thousand", "Enter an amount in pounds, like £75,000"),
        ("60.000.00", "Enter an amount in pounds, like £75,000"),
        ("£", "Enter an amount in pounds, like £75,000"),
        ("-5,000", "The amount must be £0 or more"),
        ("60000.505", "Enter the amount in pounds and pence, like £60,000.50"),
        ("£12,345,678,901", "The amount must be less than £10,000,000,000"),
        ("1" * 13, "The amount must be less than £10,000,000,000"),
    ],
)
def test_what_is_not_an_amount_is_refused_and_shown_as_typed(commissioner, typed, message):
    response = commissioner.post("/opportunities/manage/new/", form_data(value_low=typed))
    assert ("id_value_low", message) in error_summary(response)
    assert f'value="{typed}"' in response.text.replace("&#x27;", "'")
    assert not Opportunity.objects.exists()


def test_the_hint_says_what_can_be_typed_for_money(commissioner):
    response = commissioner.get("/opportunities/manage/new/")
    hint = re.search(r'id="id_value_low_hint"[^>]*>(.*?)</', response.text, re.S)
    assert "£75,000" in hint.group(1)
    assert (
        'inputmode="decimal"' in re.search(r'<input[^>]*id="id_value_low"[^>]*>', response.text)[0]
    )


def test_an_empty_form_says_each_problem_once_and_links_it_to_its_field(commissioner):
    response = commissioner.post(
        "/opportunities/manage/new/", {"lots-TOTAL_FORMS": "1", "lots-INITIAL_FORMS": "0"}
    )
    summary = error_summary(response)
    messages = [message for _field, message in summary]
    assert len(messages) == len(set(messages)), messages
    fields = [field for field, _message in summary]
    assert {"id_value_low", "id_value_high", "id_clarification_time", "id_submission_time"} <= set(
        fields
    )
    for field in fields:
        assert f'id="{field}"' in response.text


def test_two_bad_deadlines_get_a_message_each(commissioner):
    response = commissioner.post(
        "/opportunities/manage/new/",
        form_data(clarification_date="31/2/2027", submission_date="soon"),
    )
    messages = dict(error_summary(response))
    assert messages["id_clarification_date"] != messages["id_submission_date"]


@pytest.mark.parametrize("typed", ["1/4/2027", "1 4 2027", "1-4-2027", "01/04/2027"])
def test_a_date_is_accepted_with_slashes_spaces_or_dashes(commissioner, typed):
    response = commissioner.post("/opportunities/manage/new/", form_data(contract_start=typed))
    assert response.status_code == 302, error_summary(response)
    assert Opportunity.objects.get().contract_start == date(2027, 4, 1)


def test_a_date_hint_and_its_error_give_the_same_example(commissioner):
    page = commissioner.get("/opportunities/manage/new/").text
    response = commissioner.post("/opportunities/manage/new/", form_data(contract_start="1.4.27x"))
    error = dict(error_summary(response))["id_contract_start"]
    [example] = re.findall(r"\d{1,2}/\d{1,2}/\d{4}", error)
    for hint_id in ("id_contract_start", "id_clarification_date", "id_submission_date"):
        hint = re.search(rf'id="{hint_id}_hint"[^>]*>(.*?)</', page, re.S).group(1)
        assert example in hint, (hint_id, hint)
    assert 'value="1.4.27x"' in response.text
