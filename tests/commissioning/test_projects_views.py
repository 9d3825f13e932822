"""The project pages: the public list and project page, and the commissioner's pages
that change a project, each tried by the right persona and by an outsider."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning.actions import projects as actions
from commissioning.models import Phase, Project, ProjectDocument
from tests.commissioning.factories import (
    ContractFactory,
    EngagementEventFactory,
    PipelineItemFactory,
    ProjectFactory,
)
from tests.factories import (
    OpportunityFactory,
    OrganisationFactory,
    ServiceCategoryFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db

PROJECTS = reverse("commissioning:projects")


@pytest.fixture
def project(commissioner):
    return ProjectFactory(publisher=commissioner.organisation, lead_commissioner=commissioner.user)


def url(name, project, *args):
    return reverse(f"commissioning:{name}", args=[project.reference, *args])


# --- The public list -------------------------------------------------------------------------


def test_a_visitor_lists_projects_with_their_phase(visitor):
    ProjectFactory(title="Lunch clubs in Ladywood")
    page = visitor.get(PROJECTS).content.decode()
    assert "Lunch clubs in Ladywood" in page and "Analyse" in page
    assert "Start a project" not in page


def test_the_list_filters_by_phase_publisher_category_and_ward(visitor):
    ward = WardFactory()
    wanted = ProjectFactory(citywide=False, phase=Phase.PLAN)
    wanted.wards.set([ward])
    ProjectFactory(category=wanted.category, publisher=wanted.publisher)  # analyse
    ProjectFactory(phase=Phase.PLAN, citywide=False)  # another ward, publisher, category
    query = (
        f"?phase=plan&publisher={wanted.publisher.slug}&category={wanted.category.slug}"
        f"&ward={ward.slug}"
    )
    response = visitor.get(PROJECTS + query)
    assert [p.pk for p in response.context["page"]] == [wanted.pk]


def test_a_citywide_project_is_listed_in_every_ward(visitor):
    citywide = ProjectFactory(citywide=True)
    response = visitor.get(f"{PROJECTS}?ward={WardFactory().slug}")
    assert [p.pk for p in response.context["page"]] == [citywide.pk]


def test_an_unknown_filter_is_reported_and_left_out(visitor):
    project = ProjectFactory()
    response = visitor.get(f"{PROJECTS}?phase=nonsense")
    assert "Select a phase from the list" in response.content.decode()
    assert [p.pk for p in response.context["page"]] == [project.pk]


def test_the_list_pages_with_queries_that_do_not_grow(visitor):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = visitor.get(PROJECTS)
        assert response.status_code == 200
        return len(queries)

    ProjectFactory.create_batch(2)
    few = count()
    ProjectFactory.create_batch(30)
    assert count() == few
    response = visitor.get(PROJECTS)
    assert len(response.context["page"]) == 20 and "32 projects" in response.content.decode()


def test_a_commissioner_is_offered_to_start_a_project(commissioner):
    assert "Start a project" in commissioner.get(PROJECTS).content.decode()


# --- The project page ------------------------------------------------------------------------


def test_a_visitor_reads_the_project_with_its_cycle_and_links(visitor):
    project = ProjectFactory(needs_assessment="Loneliness among older people is rising.")
    project.outcomes.create(description="Fewer people feel lonely", measure="Annual survey")
    partner = OrganisationFactory(name="Ladywood Elders Forum")
    project.partners.create(organisation=partner, kind="service_users", contribution="Panel")
    EngagementEventFactory(project=project, title="Older people's market day")
    PipelineItemFactory(project=project, title="Befriending across the city")
    ContractFactory(project=project, title="Lunch club grant")
    project.moves.create(from_phase="analyse", to_phase="plan", moved_at=project.created_at)
    page = visitor.get(project.get_absolute_url()).content.decode()
    for text in (
        project.title,
        "govuk-task-list",
        "Loneliness among older people is rising.",
        "Fewer people feel lonely",
        "Ladywood Elders Forum",
        "Older people&#x27;s market day",
        "Befriending across the city",
        "Lunch club grant",
        "Analyse → Plan",
        "£250,000<",
    ):
        assert text in page, text
    assert "Change the project" not in page and "Move to" not in page


def test_the_project_page_links_what_came_from_it(visitor):
    project = ProjectFactory()
    published = OpportunityFactory(title="Befriending for older people")
    PipelineItemFactory(project=project, title="Befriending plan", opportunity=published)
    PipelineItemFactory(
        project=project,
        title="Draft plan",
        opportunity=OpportunityFactory(title="Still a draft", published_at=None),
    )
    PipelineItemFactory(project=project, title="Dropped plan", withdrawn_at=published.published_at)
    contract = ContractFactory(project=project, title="Befriending contract")
    page = visitor.get(project.get_absolute_url()).content.decode()
    assert reverse("opportunities:detail", args=[published.reference]) in page
    assert "Draft plan" in page and "Still a draft" not in page
    assert "Dropped plan" not in page
    assert f'href="{contract.get_absolute_url()}"' in page


def test_an_unknown_project_is_404(visitor):
    assert visitor.get(reverse("commissioning:project", args=["PRJ-2026-9999"])).status_code == 404


def test_the_commissioner_sees_the_controls_and_what_is_missing(commissioner, project):
    page = commissioner.get(project.get_absolute_url()).content.decode()
    assert "Change the project" in page
    assert "A needs assessment" in page and "Move to plan" not in page
    project.needs_assessment = "Evidence"
    project.save()
    assert "Move to plan" in commissioner.get(project.get_absolute_url()).content.decode()


def test_another_publishers_commissioner_sees_no_controls(commissioner):
    project = ProjectFactory()
    assert commissioner.get(project.get_absolute_url()).status_code == 200
    assert "Change the project" not in commissioner.get(project.get_absolute_url()).content.decode()
    assert commissioner.get(url("project_edit", project)).status_code == 404


# --- Creating and changing -------------------------------------------------------------------


def test_a_commissioner_creates_a_project(commissioner):
    category = ServiceCategoryFactory()
    response = commissioner.post(
        reverse("commissioning:project_create"),
        {
            "title": "Carers' breaks",
            "summary": "Short breaks for unpaid carers.",
            "category": category.pk,
            "citywide": "on",
            "budget": "£120,000",
            "lead_commissioner": commissioner.user.pk,
        },
    )
    project = Project.objects.get()
    assert response.url == project.get_absolute_url()
    assert project.publisher == commissioner.organisation and project.budget == 120000


def test_a_project_without_wards_is_refused_and_keeps_what_was_typed(commissioner):
    response = commissioner.post(
        reverse("commissioning:project_create"),
        {"title": "Carers' breaks", "summary": "Breaks", "category": ServiceCategoryFactory().pk},
    )
    page = response.content.decode()
    assert "Choose the wards the project covers" in page and "Carers&#x27; breaks" in page
    assert not Project.objects.exists()


@pytest.mark.parametrize("persona", ["visitor", "member", "other_member"])
def test_only_commissioners_reach_the_create_page(persona, request):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("commissioning:project_create")).status_code == 404


def test_the_commissioner_edits_the_project(commissioner, project):
    response = commissioner.post(
        url("project_edit", project),
        {
            "title": "New title",
            "summary": project.summary,
            "category": project.category.pk,
            "citywide": "on",
            "lead_commissioner": commissioner.user.pk,
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "New title" and project.budget is None


@pytest.mark.parametrize(
    "name",
    [
        "project_edit",
        "project_needs",
        "project_move",
        "project_document_add",
        "project_outcome_add",
        "project_partner_add",
    ],
)
def test_an_outsider_gets_404_on_every_commissioner_page(name, other_member, client):
    project = ProjectFactory()
    assert other_member.get(url(name, project)).status_code == 404
    assert other_member.post(url(name, project), {"title": "x"}).status_code == 404
    client.logout()
    assert client.get(url(name, project)).status_code == 404


def test_the_commissioner_writes_the_needs_assessment(commissioner, project):
    commissioner.post(url("project_needs", project), {"needs_assessment": "Evidence here"})
    project.refresh_from_db()
    assert project.needs_assessment == "Evidence here"


def test_a_document_is_uploaded_and_downloaded_by_anyone(
    commissioner, project, settings, tmp_path, client
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("jsna.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    commissioner.post(
        url("project_document_add", project),
        {"kind": "needs_assessment", "title": "JSNA", "file": upload},
    )
    document = ProjectDocument.objects.get()
    client.logout()
    response = client.get(url("project_document", project, document.pk))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 evidence"


def test_a_renamed_program_is_refused(commissioner, project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("jsna.pdf", b"MZ\x90\x00 program")
    response = commissioner.post(
        url("project_document_add", project),
        {"kind": "needs_assessment", "title": "JSNA", "file": upload},
    )
    assert "The file must be a PDF" in response.content.decode()
    assert not ProjectDocument.objects.exists()


def test_the_commissioner_removes_a_document(commissioner, project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = actions.add_document(
        project=project,
        by=commissioner.user,
        kind="other",
        title="Map",
        file=SimpleUploadedFile("map.png", b"\x89PNG map"),
    )
    remove = url("project_document_remove", project, document.pk)
    assert "Are you sure" in commissioner.get(remove).content.decode()
    commissioner.post(remove)
    assert not ProjectDocument.objects.exists()


def test_outcomes_are_added_and_removed(commissioner, project):
    commissioner.post(
        url("project_outcome_add", project), {"description": "Less loneliness", "measure": "Survey"}
    )
    outcome = project.outcomes.get()
    assert outcome.measure == "Survey"
    commissioner.post(url("project_outcome_remove", project, outcome.pk))
    assert not project.outcomes.exists()


def test_moving_without_what_is_needed_names_it(commissioner, project):
    page = commissioner.get(url("project_move", project)).content.decode()
    assert "cannot move on yet" in page and "A needs assessment" in page
    response = commissioner.post(url("project_move", project), {"note": "Go"})
    assert "A needs assessment" in response.content.decode()
    project.refresh_from_db()
    assert project.phase == Phase.ANALYSE


def test_the_commissioner_moves_the_project_on(commissioner, project):
    project.needs_assessment = "Evidence"
    project.save()
    response = commissioner.post(url("project_move", project), {"note": "Evidence agreed"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.phase == Phase.PLAN
    page = commissioner.get(project.get_absolute_url()).content.decode()
    assert "Evidence agreed" in page and "Analyse → Plan" in page


def test_partners_are_added_and_removed(commissioner, project):
    organisation = OrganisationFactory()
    data = {"organisation": organisation.pk, "kind": "provider", "contribution": "Venues"}
    commissioner.post(url("project_partner_add", project), data)
    partner = project.partners.get()
    response = commissioner.post(url("project_partner_add", project), data)
    assert "already a co-production partner" in response.content.decode()
    commissioner.post(url("project_partner_remove", project, partner.pk))
    assert not project.partners.exists()


def test_the_commissioners_home_panel_links_to_their_projects_and_events(commissioner):
    page = commissioner.get(reverse("home")).content.decode()
    own = f"{PROJECTS}?publisher={commissioner.organisation.slug}"
    assert own in page and reverse("commissioning:events") in page
    response = commissioner.get(own)
    assert not response.context["form"].errors


def test_a_commissioner_for_two_publishers_starts_a_project_for_either(commissioner):
    from tests.factories import MembershipFactory, PublisherFactory

    second = MembershipFactory(user=commissioner.user, organisation=PublisherFactory()).organisation
    create = reverse("commissioning:project_create")
    first = commissioner.organisation
    page = commissioner.get(f"{create}?publisher={first.slug}").content.decode()
    assert f"?publisher={second.slug}" in page
    response = commissioner.get(f"{create}?publisher={second.slug}")
    assert response.context["publisher"] == second
