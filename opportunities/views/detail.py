"""The public page of one opportunity, and the helpers its sub-pages share."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from opendata import ocds
from opportunities import actions, rules
from opportunities.formats import value_in_words
from opportunities.models import Follow, Opportunity, Question, Status
from organisations.views.manage import acting_organisation
from portal.authorization import Permission, has_permission
from portal.formats import moment_in_words
from portal.markdown import stored
from portal.uploads import file_download

STATUS_TAGS = {
    Status.DRAFT: "govuk-tag--yellow",
    Status.OPEN: "govuk-tag--green",
    Status.CLOSED: "govuk-tag--grey",
    Status.AWARDED: "govuk-tag--blue",
    Status.CANCELLED: "govuk-tag--red",
}


def published_or_404(reference, queryset=None):
    """A published opportunity by reference; drafts and unknown references are 404."""
    queryset = Opportunity.objects.all() if queryset is None else queryset
    return get_object_or_404(queryset.published().select_related("publisher"), reference=reference)


def length_in_words(months):
    if not months:
        return ""
    if months % 12 == 0:
        years = months // 12
        return ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}


def _detail_queryset(user):
    return (
        Opportunity.objects.visible_to(user)
        .select_related("publisher", "category")
        .prefetch_related(
            "lots",
            "documents",
            "amendments",
            "cpv_codes",
            "wards",
            Prefetch(
                "questions",
                queryset=Question.objects.filter(answered_at__isnull=False).order_by(
                    "answered_at", "pk"
                ),
                to_attr="answered_questions",
            ),
        )
    )


@require_safe
def detail(request, reference):
    """Everything public about an opportunity, and what the reader can do about it.

    Drafts are 404 for everyone but the publisher's members. Answered questions
    are shown without anything about who asked them.
    """
    opportunity = get_object_or_404(_detail_queryset(request.user), reference=reference)
    now = timezone.now()
    status = opportunity.status_at(now)
    organisation = acting_organisation(request)
    commissioner = actions.is_commissioner(request.user, opportunity.publisher)
    context = {
        "opportunity": opportunity,
        "status": status,
        "Status": Status,
        "status_tag": STATUS_TAGS[status],
        "description": stored(opportunity.description_html),
        "clarification_deadline": moment_in_words(opportunity.clarification_deadline),
        "submission_deadline": moment_in_words(opportunity.submission_deadline),
        "value": value_in_words(opportunity),
        "length": length_in_words(opportunity.duration_months),
        "publication_rules": rules.publication_rules(opportunity),
        "acting_for": organisation,
        "questions_open": status == Status.OPEN and now < opportunity.clarification_deadline,
        "is_commissioner": commissioner,
        "may_signpost": has_permission(request.user, Permission.SIGNPOST_OPPORTUNITIES),
        # Its open data record: every release since it was published.
        "ocid": ocds.ocid(opportunity.reference) if opportunity.published_at else None,
    }
    if organisation is not None and status != Status.DRAFT:
        context["following"] = Follow.objects.filter(
            opportunity=opportunity, organisation=organisation
        ).exists()
    if commissioner:
        context["unanswered"] = opportunity.questions.filter(answered_at__isnull=True).count()
    return render(request, "opportunities/detail.html", context)


@require_safe
def document(request, reference, pk):
    """Download a tender document: public once the opportunity is published."""
    opportunity = get_object_or_404(
        Opportunity.objects.visible_to(request.user), reference=reference
    )
    document = get_object_or_404(opportunity.documents, pk=pk)
    return file_download(document.file, private=False)


@login_required
@require_POST
def follow(request, reference):
    """Follow or stop following for the organisation the user acts for."""
    opportunity = published_or_404(reference)
    organisation = acting_organisation(request)
    if organisation is None:
        return render(
            request, "opportunities/detail_needs_organisation.html", {"opportunity": opportunity}
        )
    if request.POST.get("action") == "unfollow":
        actions.unfollow(opportunity=opportunity, organisation=organisation, by=request.user)
        messages.success(
            request, _("%(name)s no longer follows this opportunity.") % {"name": organisation}
        )
    else:
        actions.follow(opportunity=opportunity, organisation=organisation, by=request.user)
        messages.success(
            request,
            _("%(name)s follows this opportunity. Its members will get an email about changes.")
            % {"name": organisation},
        )
    return redirect("opportunities:detail", reference=opportunity.reference)
