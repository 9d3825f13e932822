from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory

from accounts.forms import SignInForm
from opportunities.forms import OpportunityForm
from organisations.forms import DocumentForm, OrganisationForm
from organisations.models import Ward
from portal.forms import DATE_EXAMPLE, DateField, ModelMultipleChoiceField, MoneyField
from tests.factories import WardFactory
from tracking.forms import AssessmentForm, DecisionForm, InquiryForm, RoundForm


def test_labels_of_a_form_without_a_layout_get_the_govuk_size_class():
    form = SignInForm(request=RequestFactory().get("/"))
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))
    assert 'class="govuk-label govuk-label--s"' in html
    assert 'class="govuk-label s"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize("ward_id", ["9" * 40, "-" + "9" * 20])
def test_an_id_too_big_for_any_column_is_not_one_of_the_choices(ward_id):
    # SQLite raises OverflowError on such a number in a query; PostgreSQL finds nothing.
    field = ModelMultipleChoiceField(queryset=Ward.objects.all())
    with pytest.raises(ValidationError) as refused:
        field.clean([str(WardFactory().pk), ward_id])
    assert refused.value.code == "invalid_pk_value"


@pytest.mark.django_db
def test_registering_with_a_made_up_ward_says_so(member):
    response = member.post(
        "/organisations/register/",
        {"name": "Lunch club", "legal_form": "unincorporated", "wards_served": ["9" * 40]},
    )
    assert response.status_code == 200
    assert "wards_served" in response.context["form"].errors


@pytest.mark.parametrize(
    ("typed", "pounds"),
    [
        ("£60,000", "60000"),
        ("60,000.50", "60000.50"),
        (" 60 000 ", "60000"),
        ("£75000", "75000"),
        ("60\u00a0000", "60000"),
        ("-£0", "0"),
        (".5", "0.5"),
    ],
)
def test_money_is_read_as_people_type_it(typed, pounds):
    assert MoneyField(max_digits=12, decimal_places=2).clean(typed) == Decimal(pounds)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("60k", "invalid"),
        ("1.000.000", "invalid"),
        ("£", "invalid"),
        ("NaN", "invalid"),
        ("1e5", "invalid"),
        ("-5", "negative"),
        ("£-5", "negative"),
        ("-£5,000", "negative"),
        ("1.005", "max_decimal_places"),
        ("10,000,000,000", "max_whole_digits"),
        ("1" * 13, "max_digits"),
    ],
)
def test_what_is_not_an_amount_is_refused(typed, code):
    with pytest.raises(ValidationError) as refused:
        MoneyField(max_digits=12, decimal_places=2).clean(typed)
    assert [error.code for error in refused.value.error_list] == [code]


def test_an_amount_too_big_for_the_column_says_the_limit():
    with pytest.raises(ValidationError) as refused:
        MoneyField(max_digits=12, decimal_places=2).clean("£10,000,000,000")
    assert refused.value.messages == ["The amount must be less than £10,000,000,000"]


@pytest.mark.parametrize(
    "typed", ["27/3/2027", "27 3 2027", "27  3  2027", "27-3-2027", "2027-03-27"]
)
def test_a_date_is_read_with_slashes_spaces_or_dashes(typed):
    assert DateField().clean(typed) == date(2027, 3, 27)


@pytest.mark.parametrize("typed", ["27.3.27x", "31/2/2027", "27 March", "2027/3/27"])
def test_what_is_not_a_date_is_refused_with_the_example_of_the_hint(typed):
    field = DateField()
    with pytest.raises(ValidationError) as refused:
        field.clean(typed)
    assert DATE_EXAMPLE in str(field.help_text)
    assert refused.value.messages == [f"The date must be a real date, like {DATE_EXAMPLE}"]


@pytest.mark.django_db
def test_every_date_box_gives_and_accepts_the_same_example():
    target = SimpleNamespace(completion_target=date(2027, 3, 31))
    forms = [
        OpportunityForm(),
        OrganisationForm(),
        DocumentForm(),
        InquiryForm(submit="Save"),
        RoundForm(),
        AssessmentForm(recommendation=target),
        DecisionForm(),
    ]
    date_fields = [
        (type(form).__name__, name, field)
        for form in forms
        for name, field in form.fields.items()
        if isinstance(field, django_forms.DateField)
    ]
    assert len(date_fields) == 11
    for form, name, field in date_fields:
        assert isinstance(field, DateField), (form, name)
        assert DATE_EXAMPLE in str(field.help_text), (form, name, field.help_text)
        assert f"like {DATE_EXAMPLE}" in str(field.error_messages["invalid"]), (form, name)
        assert field.clean("27 3 2027") == date(2027, 3, 27)
