"""Creating a record with the next free reference: a clash with another creation is
retried; any other integrity error is not mistaken for one."""

from decimal import Decimal
from unittest import mock

import pytest
from django.db import IntegrityError
from django.utils import timezone

from commissioning import references
from commissioning.models import Project
from commissioning.references import create_with_reference
from tests.commissioning.factories import ProjectFactory
from tests.factories import PublisherFactory, ServiceCategoryFactory, UserFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def project_fields(**overrides):
    return {
        "publisher": PublisherFactory(),
        "lead_commissioner": UserFactory(),
        "title": "Lunch clubs",
        "summary": "Somewhere to eat together.",
        "category": ServiceCategoryFactory(),
        **overrides,
    }


def test_the_first_reference_of_the_year_is_number_one():
    project = create_with_reference(Project, "PRJ", **project_fields())
    assert project.reference == f"PRJ-{YEAR}-0001"


def test_the_next_reference_follows_the_last():
    ProjectFactory(reference=f"PRJ-{YEAR}-0041")
    project = create_with_reference(Project, "PRJ", **project_fields())
    assert project.reference == f"PRJ-{YEAR}-0042"


def test_a_reference_taken_meanwhile_is_retried_with_the_next_number():
    ProjectFactory(reference=f"PRJ-{YEAR}-0001")
    ProjectFactory(reference=f"PRJ-{YEAR}-0002")
    # The first look saw only 0001 (the other creation had not committed yet).
    stale_then_fresh = [f"PRJ-{YEAR}-0001", f"PRJ-{YEAR}-0002"]
    with mock.patch.object(references, "_last_reference", side_effect=stale_then_fresh):
        project = create_with_reference(Project, "PRJ", **project_fields())
    assert project.reference == f"PRJ-{YEAR}-0003"


def test_gives_up_after_a_few_clashes():
    ProjectFactory(reference=f"PRJ-{YEAR}-0001")
    with (
        mock.patch.object(references, "_last_reference", return_value=None),
        pytest.raises(RuntimeError, match="Could not allocate"),
    ):
        create_with_reference(Project, "PRJ", **project_fields())


def test_another_integrity_error_is_raised_as_it_is():
    with (
        mock.patch.object(references, "_last_reference") as last,
        pytest.raises(IntegrityError, match="budget_not_negative"),
    ):
        last.return_value = None
        create_with_reference(Project, "PRJ", **project_fields(budget=Decimal("-1")))
    assert last.call_count == 1  # not retried
    assert not Project.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_missing_category_is_raised_as_it_is_not_as_a_reference_clash():
    fields = project_fields()
    fields.pop("category")
    with pytest.raises(IntegrityError):
        create_with_reference(Project, "PRJ", category_id=987654, **fields)
    assert not Project.objects.exists()
