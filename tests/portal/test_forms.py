import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory

from accounts.forms import SignInForm
from organisations.models import Ward
from portal.forms import ModelMultipleChoiceField
from tests.factories import WardFactory


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
