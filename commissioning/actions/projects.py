"""Commissioning projects: create and edit them, write the needs assessment, set
the outcomes, name co-production partners, and move through the cycle.

Only the publisher's commissioners may change a project; every action raises
``PermissionError`` for anyone else and ``ValidationError`` (with a message
naming what is wrong) for a change the rules refuse.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commissioning.models import (
    CoProductionPartner,
    Outcome,
    Phase,
    PhaseMove,
    Project,
    ProjectDocument,
)
from commissioning.models.projects import NEXT_PHASE
from commissioning.references import create_with_reference
from opportunities.actions import is_commissioner, require_commissioner

# What a project's fields may be set to by ``create_project`` and ``update_project``.
PROJECT_FIELDS = ("title", "summary", "category", "citywide", "budget", "lead_commissioner")


def require_project_commissioner(project, by):
    """Raise ``PermissionError`` unless ``by`` is one of the project's publisher's commissioners."""
    require_commissioner(project.publisher, by)


def can_manage(user, project):
    """Whether ``user`` may edit and move ``project``: its publisher's commissioners."""
    return user is not None and user.is_authenticated and is_commissioner(user, project.publisher)


def _check_project(*, publisher, lead_commissioner, citywide, wards, budget):
    errors = {}
    if not is_commissioner(lead_commissioner, publisher):
        errors["lead_commissioner"] = _(
            "The lead commissioner must be a member of %(publisher)s"
        ) % {"publisher": publisher.name}
    if not citywide and not wards:
        errors["wards"] = _("Choose the wards the project covers, or say it covers the whole city")
    if budget is not None and budget < 0:
        errors["budget"] = _("The budget must be £0 or more")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_project(*, publisher, by, wards=(), lead_commissioner=None, **fields):
    """Create a project in the analyse phase for ``publisher`` with the next
    ``PRJ-YYYY-NNNN`` reference; ``by`` must be one of its commissioners and leads it
    unless ``lead_commissioner`` (another of them) is given."""
    require_commissioner(publisher, by)
    lead_commissioner = lead_commissioner or by
    wards = list(wards)
    _check_project(
        publisher=publisher,
        lead_commissioner=lead_commissioner,
        citywide=fields.get("citywide", False),
        wards=wards,
        budget=fields.get("budget"),
    )
    project = create_with_reference(
        Project,
        "PRJ",
        publisher=publisher,
        lead_commissioner=lead_commissioner,
        created_by=by,
        **{key: value for key, value in fields.items() if key in PROJECT_FIELDS},
    )
    project.wards.set([] if project.citywide else wards)
    return project


@transaction.atomic
def update_project(*, project, by, wards=(), **fields):
    """Change the project's title, summary, category, wards, budget or lead commissioner."""
    require_project_commissioner(project, by)
    wards = list(wards)
    for name, value in fields.items():
        if name not in PROJECT_FIELDS:
            raise TypeError(f"update_project cannot set {name}")
        setattr(project, name, value)
    _check_project(
        publisher=project.publisher,
        lead_commissioner=project.lead_commissioner,
        citywide=project.citywide,
        wards=wards,
        budget=project.budget,
    )
    project.save(update_fields=list(fields))
    project.wards.set([] if project.citywide else wards)
    return project


@transaction.atomic
def set_needs_assessment(*, project, by, text):
    """Save the needs assessment's text (blank clears it)."""
    require_project_commissioner(project, by)
    limit = Project._meta.get_field("needs_assessment").max_length
    text = text.strip()
    if len(text) > limit:
        raise ValidationError(
            {
                "needs_assessment": _("The needs assessment must be %(limit)s characters or less")
                % {"limit": limit}
            }
        )
    project.needs_assessment = text
    project.save(update_fields=["needs_assessment"])
    return project


@transaction.atomic
def add_document(*, project, by, kind, title, file):
    """Attach a document (already checked by ``portal.uploads.validate_upload``)."""
    require_project_commissioner(project, by)
    return ProjectDocument.objects.create(
        project=project, kind=kind, title=title.strip(), file=file, uploaded_by=by
    )


@transaction.atomic
def remove_document(*, document, by):
    """Remove a document and its stored file."""
    require_project_commissioner(document.project, by)
    document.file.delete(save=False)
    document.delete()


@transaction.atomic
def add_outcome(*, project, by, description, measure=""):
    """Add an outcome the project sets out to achieve, and how it will be measured."""
    require_project_commissioner(project, by)
    description = description.strip()
    if not description:
        raise ValidationError({"description": _("Enter the outcome the project should achieve")})
    return Outcome.objects.create(project=project, description=description, measure=measure.strip())


@transaction.atomic
def remove_outcome(*, outcome, by):
    """Remove an outcome. A project in do or review keeps at least one."""
    project = (
        Project.objects.select_for_update().select_related("publisher").get(pk=outcome.project_id)
    )
    require_project_commissioner(project, by)
    if project.phase in {Phase.DO, Phase.REVIEW} and project.outcomes.count() == 1:
        raise ValidationError(
            _("A project in %(phase)s needs at least one outcome: add another before removing this")
            % {"phase": project.get_phase_display().lower()}
        )
    outcome.delete()


def has_needs_assessment(project):
    """A written needs assessment, or a needs-assessment document."""
    return (
        bool(project.needs_assessment.strip())
        or project.documents.filter(kind=ProjectDocument.Kind.NEEDS_ASSESSMENT).exists()
    )


def missing_for_next_phase(project):
    """What the project lacks before it may move on, as sentences; empty when it may move."""
    missing = []
    if project.phase == Phase.ANALYSE and not has_needs_assessment(project):
        missing.append(
            _("A needs assessment: write it or upload a needs-assessment document before planning")
        )
    if project.phase == Phase.PLAN and not project.outcomes.exists():
        missing.append(_("At least one outcome: say what the project should achieve before doing"))
    return missing


@transaction.atomic
def move_phase(*, project, by, note="", now=None):
    """Move the project to the next phase of the cycle (review goes round to analyse)
    and record the move with who, when and ``note``.

    Analyse → plan needs a needs assessment; plan → do needs an outcome. A move
    that lacks them raises ``ValidationError`` naming what is missing.
    """
    project = Project.objects.select_for_update().select_related("publisher").get(pk=project.pk)
    require_project_commissioner(project, by)
    note = note.strip()
    limit = PhaseMove._meta.get_field("note").max_length
    if len(note) > limit:
        raise ValidationError(
            {"note": _("The note must be %(limit)s characters or less") % {"limit": limit}}
        )
    missing = missing_for_next_phase(project)
    if missing:
        raise ValidationError(missing)
    from_phase, to_phase = project.phase, NEXT_PHASE[Phase(project.phase)]
    project.phase = to_phase
    project.save(update_fields=["phase"])
    PhaseMove.objects.create(
        project=project,
        from_phase=from_phase,
        to_phase=to_phase,
        note=note,
        moved_at=now or timezone.now(),
        moved_by=by,
    )
    return project


@transaction.atomic
def add_partner(*, project, by, organisation, kind, contribution=""):
    """Name ``organisation`` as a co-production partner of the project, once."""
    require_project_commissioner(project, by)
    try:
        with transaction.atomic():
            return CoProductionPartner.objects.create(
                project=project,
                organisation=organisation,
                kind=kind,
                contribution=contribution.strip(),
                added_by=by,
            )
    except IntegrityError:
        raise ValidationError(
            {
                "organisation": _("%(name)s is already a co-production partner of this project")
                % {"name": organisation.name}
            }
        ) from None


@transaction.atomic
def remove_partner(*, partner, by):
    """Stop naming an organisation as a co-production partner."""
    require_project_commissioner(partner.project, by)
    partner.delete()
