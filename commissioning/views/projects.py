"""Commissioning projects, planned in the open: ``/projects/`` and ``/projects/<reference>/``.

Anyone reads a project; only its publisher's commissioners see the controls and
reach the pages that change it (anyone else gets 404). Every write goes
through ``commissioning.actions.projects``.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from commissioning.actions import projects as actions
from commissioning.forms.projects import (
    DocumentForm,
    MoveForm,
    NeedsAssessmentForm,
    OutcomeForm,
    PartnerForm,
    ProjectForm,
)
from commissioning.models import CoProductionPartner, Outcome, Project, ProjectDocument
from commissioning.models.projects import NEXT_PHASE, Phase
from commissioning.queries.projects import project_for_page, search_projects
from opportunities.queries import without_nul
from organisations.models import Organisation
from portal.forms import add_errors
from portal.pagination import BoundedPaginator
from portal.uploads import file_download

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
PROJECTS_PER_PAGE = 20


def publishers_of(user):
    """The publishing organisations ``user`` commissions for, by name."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, publishing_allowed_at__isnull=False
    ).order_by("name")


def managed_project(request, reference):
    """The project, if ``request.user`` is one of its publisher's commissioners; else 404."""
    project = get_object_or_404(
        Project.objects.select_related("publisher", "lead_commissioner"), reference=reference
    )
    if not actions.can_manage(request.user, project):
        raise Http404
    return project


@require_safe
def project_list(request):
    """Every commissioning project, newest first, filtered by phase, publisher, category, ward."""
    filterset, projects = search_projects(request.GET)
    page = BoundedPaginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "commissioning/projects/list.html",
        {
            "form": filterset.form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "filtered": any(value.strip() for key, value in request.GET.items() if key != "page"),
            "can_create": publishers_of(request.user).exists(),
        },
    )


@require_safe
def project_detail(request, reference):
    """A project's public page: its phase in the cycle and everything planned so far."""
    project = project_for_page(reference)
    if project is None:
        raise Http404
    phases = list(Phase)
    current = phases.index(Phase(project.phase))
    return render(
        request,
        "commissioning/projects/detail.html",
        {
            "project": project,
            "phases": [
                (phase, "done" if i < current else "current" if i == current else "to come")
                for i, phase in enumerate(phases)
            ],
            "next_phase": NEXT_PHASE[Phase(project.phase)],
            "missing": actions.missing_for_next_phase(project),
            "can_manage": actions.can_manage(request.user, project),
            "pipeline_items": project.pipeline_items.public()
            .select_related("opportunity")
            .order_by("pk"),
            "contracts": project.contracts.order_by("pk"),
        },
    )


@GET_POST
def project_create(request):
    """A commissioner starts a project for one of their publishing organisations."""
    publishers = publishers_of(request.user)
    chosen = without_nul(request.GET).get("publisher", "")
    publisher = publishers.filter(slug=chosen).first() or publishers.first()
    if publisher is None:
        raise Http404
    form = ProjectForm(
        request.POST if request.method == "POST" else None,
        publisher=publisher,
        initial={"lead_commissioner": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = actions.create_project(
                publisher=publisher, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Project %(reference)s created.") % {"reference": project.reference}
            )
            return redirect(project)
    return render(
        request,
        "commissioning/projects/form.html",
        {
            "form": form,
            "heading": _("Start a commissioning project"),
            "publisher": publisher,
            "other_publishers": publishers.exclude(pk=publisher.pk),
        },
    )


@GET_POST
def project_edit(request, reference):
    project = managed_project(request, reference)
    form = ProjectForm(
        request.POST if request.method == "POST" else None,
        publisher=project.publisher,
        initial=ProjectForm.initial_for(project),
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_project(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The project is saved."))
            return redirect(project)
    return render(
        request,
        "commissioning/projects/form.html",
        {"form": form, "heading": _("Change the project"), "project": project},
    )


@GET_POST
def needs_assessment(request, reference):
    project = managed_project(request, reference)
    form = NeedsAssessmentForm(
        request.POST if request.method == "POST" else None,
        initial={"needs_assessment": project.needs_assessment},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_needs_assessment(
                project=project, by=request.user, text=form.cleaned_data["needs_assessment"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The needs assessment is saved."))
            return redirect(project)
    return render(
        request,
        "commissioning/projects/form.html",
        {"form": form, "heading": _("Needs assessment"), "project": project},
    )


@GET_POST
def document_add(request, reference):
    project = managed_project(request, reference)
    form = DocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        actions.add_document(project=project, by=request.user, **form.cleaned_data)
        messages.success(request, _("The document is uploaded."))
        return redirect(project)
    return render(
        request,
        "commissioning/projects/form.html",
        {"form": form, "heading": _("Upload a document"), "project": project, "upload": True},
    )


@require_safe
def document_download(request, reference, pk):
    """Project documents are public, as the project is."""
    document = get_object_or_404(ProjectDocument, pk=pk, project__reference=reference)
    return file_download(document.file, private=False)


def _confirm_remove(request, project, thing, what, remove):
    if request.method == "POST":
        try:
            remove()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(what)s removed.") % {"what": what})
        return redirect(project)
    return render(
        request,
        "commissioning/projects/remove.html",
        {"project": project, "thing": thing, "what": what},
    )


@GET_POST
def document_remove(request, reference, pk):
    project = managed_project(request, reference)
    document = get_object_or_404(ProjectDocument, pk=pk, project=project)
    document.project = project
    return _confirm_remove(
        request,
        project,
        document.title,
        _("The document"),
        lambda: actions.remove_document(document=document, by=request.user),
    )


@GET_POST
def outcome_add(request, reference):
    project = managed_project(request, reference)
    form = OutcomeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_outcome(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The outcome is added."))
            return redirect(project)
    return render(
        request,
        "commissioning/projects/form.html",
        {"form": form, "heading": _("Add an outcome"), "project": project},
    )


@GET_POST
def outcome_remove(request, reference, pk):
    project = managed_project(request, reference)
    outcome = get_object_or_404(Outcome, pk=pk, project=project)
    outcome.project = project
    return _confirm_remove(
        request,
        project,
        outcome.description,
        _("The outcome"),
        lambda: actions.remove_outcome(outcome=outcome, by=request.user),
    )


@GET_POST
def move(request, reference):
    """Move the project on to the next phase, or say what it still needs."""
    project = managed_project(request, reference)
    next_phase = NEXT_PHASE[Phase(project.phase)]
    form = MoveForm(
        request.POST if request.method == "POST" else None,
        submit=_("Move to %(phase)s") % {"phase": next_phase.label.lower()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.move_phase(project=project, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The project is now in %(phase)s.") % {"phase": next_phase.label.lower()}
            )
            return redirect(project)
    return render(
        request,
        "commissioning/projects/move.html",
        {
            "form": form,
            "project": project,
            "next_phase": next_phase,
            "missing": actions.missing_for_next_phase(project),
        },
    )


@GET_POST
def partner_add(request, reference):
    project = managed_project(request, reference)
    form = PartnerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_partner(project=project, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The co-production partner is added."))
            return redirect(project)
    return render(
        request,
        "commissioning/projects/form.html",
        {"form": form, "heading": _("Add a co-production partner"), "project": project},
    )


@GET_POST
def partner_remove(request, reference, pk):
    project = managed_project(request, reference)
    partner = get_object_or_404(
        CoProductionPartner.objects.select_related("organisation"), pk=pk, project=project
    )
    partner.project = project
    return _confirm_remove(
        request,
        project,
        partner.organisation.name,
        _("The co-production partner"),
        lambda: actions.remove_partner(partner=partner, by=request.user),
    )
