"""Commissioning projects through the actions: creation with a reference, edits, the
needs assessment, outcomes, partners, and the stage rules of the cycle."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.actions import projects as actions
from commissioning.models import Phase, PhaseMove, ProjectDocument
from tests.commissioning.factories import ProjectFactory
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PublisherFactory,
    ServiceCategoryFactory,
    UserFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher():
    return PublisherFactory()


@pytest.fixture
def commissioner(publisher):
    return MembershipFactory(organisation=publisher).user


@pytest.fixture
def project(publisher, commissioner):
    return ProjectFactory(publisher=publisher, lead_commissioner=commissioner)


def create(publisher, by, **fields):
    values = {
        "title": "Day opportunities for older people",
        "summary": "Places to meet, eat and keep active.",
        "category": ServiceCategoryFactory(),
        "citywide": True,
        "budget": Decimal("250000"),
    } | fields
    return actions.create_project(publisher=publisher, by=by, **values)


def pdf(name="needs.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


# --- Creating and editing ------------------------------------------------------------------


def test_a_commissioner_creates_a_project_in_analyse_with_a_reference_and_leads_it(
    publisher, commissioner
):
    project = create(publisher, commissioner)
    assert project.reference.startswith("PRJ-") and project.reference.endswith("-0001")
    assert project.phase == Phase.ANALYSE
    assert project.lead_commissioner == commissioner
    assert project.created_by == commissioner
    assert create(publisher, commissioner).reference.endswith("-0002")


def test_another_member_of_the_publisher_can_lead(publisher, commissioner):
    colleague = MembershipFactory(organisation=publisher).user
    assert (
        create(publisher, commissioner, lead_commissioner=colleague).lead_commissioner == colleague
    )


def test_a_lead_from_outside_the_publisher_is_refused(publisher, commissioner):
    with pytest.raises(ValidationError) as error:
        create(publisher, commissioner, lead_commissioner=UserFactory())
    assert "must be a member of" in error.value.message_dict["lead_commissioner"][0]


def test_someone_outside_the_publisher_cannot_create(publisher):
    with pytest.raises(PermissionError):
        create(publisher, MembershipFactory().user)


def test_a_member_of_an_organisation_not_allowed_to_publish_cannot_create():
    membership = MembershipFactory()
    with pytest.raises(PermissionError):
        create(membership.organisation, membership.user)


def test_a_project_needs_wards_unless_it_covers_the_city(publisher, commissioner):
    with pytest.raises(ValidationError) as error:
        create(publisher, commissioner, citywide=False)
    assert "wards" in error.value.message_dict
    ward = WardFactory()
    project = create(publisher, commissioner, citywide=False, wards=[ward])
    assert list(project.wards.all()) == [ward]


def test_update_changes_the_fields_and_wards(project, commissioner):
    ward = WardFactory()
    actions.update_project(
        project=project, by=commissioner, title="New title", citywide=False, wards=[ward]
    )
    project.refresh_from_db()
    assert project.title == "New title" and not project.citywide
    assert list(project.wards.all()) == [ward]


def test_an_outsider_cannot_update(project):
    with pytest.raises(PermissionError):
        actions.update_project(project=project, by=UserFactory(), title="Mine")


def test_a_negative_budget_is_refused(project, commissioner):
    with pytest.raises(ValidationError) as error:
        actions.update_project(project=project, by=commissioner, budget=Decimal("-1"))
    assert "budget" in error.value.message_dict


# --- Needs assessment, documents and outcomes ------------------------------------------------


def test_the_needs_assessment_is_saved_trimmed(project, commissioner):
    actions.set_needs_assessment(project=project, by=commissioner, text="  Loneliness is up.  ")
    project.refresh_from_db()
    assert project.needs_assessment == "Loneliness is up."


def test_documents_are_added_and_removed(project, commissioner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = actions.add_document(
        project=project,
        by=commissioner,
        kind=ProjectDocument.Kind.NEEDS_ASSESSMENT,
        title=" JSNA ",
        file=pdf(),
    )
    assert document.title == "JSNA" and document.uploaded_by == commissioner
    path = document.file.path
    actions.remove_document(document=document, by=commissioner)
    assert not project.documents.exists()
    import os

    assert not os.path.exists(path)


def test_an_outsider_cannot_add_an_outcome(project):
    with pytest.raises(PermissionError):
        actions.add_outcome(project=project, by=UserFactory(), description="Anything")


def test_an_empty_outcome_is_refused(project, commissioner):
    with pytest.raises(ValidationError):
        actions.add_outcome(project=project, by=commissioner, description="  ")


def test_the_last_outcome_of_a_project_in_do_cannot_be_removed(project, commissioner):
    outcome = actions.add_outcome(project=project, by=commissioner, description="Less loneliness")
    actions.set_needs_assessment(project=project, by=commissioner, text="Evidence")
    actions.move_phase(project=project, by=commissioner)
    actions.move_phase(project=project, by=commissioner)
    with pytest.raises(ValidationError, match="at least one outcome"):
        actions.remove_outcome(outcome=outcome, by=commissioner)
    second = actions.add_outcome(project=project, by=commissioner, description="More activity")
    actions.remove_outcome(outcome=outcome, by=commissioner)
    assert list(project.outcomes.all()) == [second]


# --- The cycle -------------------------------------------------------------------------------


def test_analyse_to_plan_without_a_needs_assessment_is_refused_naming_it(project, commissioner):
    with pytest.raises(ValidationError) as error:
        actions.move_phase(project=project, by=commissioner)
    assert "needs assessment" in error.value.messages[0]
    project.refresh_from_db()
    assert project.phase == Phase.ANALYSE
    assert not PhaseMove.objects.exists()


def test_a_needs_assessment_document_is_enough_to_plan(project, commissioner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    actions.add_document(
        project=project, by=commissioner, kind=ProjectDocument.Kind.OTHER, title="Map", file=pdf()
    )
    with pytest.raises(ValidationError):
        actions.move_phase(project=project, by=commissioner)
    actions.add_document(
        project=project,
        by=commissioner,
        kind=ProjectDocument.Kind.NEEDS_ASSESSMENT,
        title="JSNA",
        file=pdf(),
    )
    assert actions.move_phase(project=project, by=commissioner).phase == Phase.PLAN


def test_plan_to_do_without_an_outcome_is_refused_naming_it(project, commissioner):
    actions.set_needs_assessment(project=project, by=commissioner, text="Evidence")
    actions.move_phase(project=project, by=commissioner)
    with pytest.raises(ValidationError) as error:
        actions.move_phase(project=project, by=commissioner)
    assert "outcome" in error.value.messages[0]
    project.refresh_from_db()
    assert project.phase == Phase.PLAN


def test_the_whole_cycle_is_recorded_and_review_starts_again_at_analyse(project, commissioner):
    actions.set_needs_assessment(project=project, by=commissioner, text="Evidence")
    actions.add_outcome(project=project, by=commissioner, description="Less loneliness")
    when = datetime(2026, 5, 1, 9, tzinfo=UTC)
    for expected in (Phase.PLAN, Phase.DO, Phase.REVIEW, Phase.ANALYSE):
        project = actions.move_phase(project=project, by=commissioner, note=" why ", now=when)
        assert project.phase == expected
    moves = list(
        project.moves.values_list("from_phase", "to_phase", "note", "moved_by", "moved_at")
    )
    assert moves == [
        ("analyse", "plan", "why", commissioner.pk, when),
        ("plan", "do", "why", commissioner.pk, when),
        ("do", "review", "why", commissioner.pk, when),
        ("review", "analyse", "why", commissioner.pk, when),
    ]


def test_an_outsider_cannot_move_a_project(project, commissioner):
    actions.set_needs_assessment(project=project, by=commissioner, text="Evidence")
    with pytest.raises(PermissionError):
        actions.move_phase(project=project, by=MembershipFactory().user)
    project.refresh_from_db()
    assert project.phase == Phase.ANALYSE


def test_a_note_too_long_is_refused(project, commissioner):
    actions.set_needs_assessment(project=project, by=commissioner, text="Evidence")
    with pytest.raises(ValidationError) as error:
        actions.move_phase(project=project, by=commissioner, note="x" * 2001)
    assert "note" in error.value.message_dict


# --- Co-production partners ------------------------------------------------------------------


def test_partners_are_named_once_and_removed(project, commissioner):
    organisation = OrganisationFactory()
    partner = actions.add_partner(
        project=project,
        by=commissioner,
        organisation=organisation,
        kind="service_users",
        contribution=" Reference group ",
    )
    assert partner.contribution == "Reference group" and partner.added_by == commissioner
    with pytest.raises(ValidationError, match="already a co-production partner"):
        actions.add_partner(
            project=project, by=commissioner, organisation=organisation, kind="provider"
        )
    actions.remove_partner(partner=partner, by=commissioner)
    assert not project.partners.exists()


def test_an_outsider_cannot_name_partners(project):
    with pytest.raises(PermissionError):
        actions.add_partner(
            project=project, by=UserFactory(), organisation=OrganisationFactory(), kind="provider"
        )
