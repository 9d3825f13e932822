"""Dates on an organisation's profile and documents, typed as people type them."""

import re
from datetime import date

import pytest

from organisations.models import Document, Organisation
from tests.organisations.test_documents import upload
from tests.organisations.test_manage_views import REGISTRATION

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["27/3/2021", "27 3 2021", "27-3-2021"])
def test_the_charter_date_is_accepted_with_slashes_spaces_or_dashes(member, typed):
    response = member.post(
        "/organisations/register/", REGISTRATION | {"charter_signatory_since": typed}
    )
    assert response.status_code == 302
    assert Organisation.objects.get().charter_signatory_since == date(2021, 3, 27)


def test_the_charter_date_hint_and_error_give_the_same_example(member):
    hint = re.search(
        r'id="id_charter_signatory_since_hint"[^>]*>(.*?)</',
        member.get("/organisations/register/").text,
        re.S,
    ).group(1)
    response = member.post(
        "/organisations/register/", REGISTRATION | {"charter_signatory_since": "27 March"}
    )
    error = "The date you signed the charter must be a real date, like 27/3/2027"
    assert error in response.text
    assert "27/3/2027" in hint
    assert 'value="27 March"' in response.text


def test_a_document_expiry_date_is_accepted_with_spaces_and_refused_in_the_same_words(
    organisation_admin, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    organisation = organisation_admin.organisation
    refused = upload(organisation_admin, organisation, expires_on="30 June")
    assert "The expiry date must be a real date, like 27/3/2027" in refused.text
    assert upload(organisation_admin, organisation, expires_on="30 6 2027").status_code == 302
    assert Document.objects.get().expires_on == date(2027, 6, 30)
