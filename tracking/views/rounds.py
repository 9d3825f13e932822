"""Tracking rounds: officers open them and record decisions; the executive submits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.authorization import Permission, has_permission
from portal.formats import moment_in_words
from portal.forms import add_errors
from tracking import actions, queries
from tracking.forms import AssessmentForm, DecisionForm, RoundForm
from tracking.models import Assessment, Committee, TrackingRound
from tracking.views.manage import _inquiry, require_officer


def _round(slug, number):
    return get_object_or_404(
        TrackingRound.objects.select_related("inquiry", "committee"),
        inquiry__slug=slug,
        number=number,
    )


def _assessment(slug, number, reference):
    return get_object_or_404(
        Assessment.objects.select_related("round__inquiry", "round__committee", "recommendation"),
        round__inquiry__slug=slug,
        round__number=number,
        recommendation__reference=reference,
    )


@login_required
@require_safe
def my_assessments(request):
    """The assessments the signed-in person answers for that the committee has not decided."""
    return render(
        request,
        "tracking/my_assessments.html",
        {
            "rounds": [
                (r, moment_in_words(r.submission_deadline), assessments)
                for r, assessments in queries.assessments_for(request.user)
            ]
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def open_round(request, slug):
    """Open the next round with the proposed meeting, committee and deadline filled in.

    While the round cannot open, there is no form: the page says what is left to
    do, with links to do it, whether it was asked for or posted to.
    """
    inquiry = _inquiry(request, slug)
    refusal = queries.next_round_refusal(inquiry)
    form = None
    if refusal is None:
        form = RoundForm(request.POST or None, initial=actions.proposed_next_round(inquiry))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                tracking_round = actions.open_round(
                    inquiry=inquiry,
                    by=request.user,
                    committee_name=data["committee_name"],
                    meeting_on=data["meeting_on"],
                    submission_deadline=data["submission_deadline"],
                    report_of=data["report_of"],
                )
            except ValidationError as error:
                # Another officer may have opened a round since this form was shown.
                refusal = queries.next_round_refusal(inquiry)
                if refusal is None:
                    add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Round %(number)s is open. The people responsible have been emailed.")
                    % {"number": tracking_round.number},
                )
                return redirect(tracking_round)
    return render(
        request,
        "tracking/round_form.html",
        {
            "form": form if refusal is None else None,
            "refusal": refusal,
            "inquiry": inquiry,
            "first_round": not inquiry.rounds.exists(),
            "committees": Committee.objects.all(),
            "heading": _("Open a tracking round"),
        },
    )


def _may_see_round(user, tracking_round):
    return has_permission(user, Permission.MANAGE_SCRUTINY) or queries.answers_for_inquiry(
        user, tracking_round.inquiry
    )


@login_required
@require_safe
def round_detail(request, slug, number):
    """A round's assessments and decisions, for officers and the people responsible."""
    tracking_round = _round(slug, number)
    if not _may_see_round(request.user, tracking_round):
        raise Http404
    assessments = list(
        tracking_round.assessments.select_related("recommendation").prefetch_related(
            "recommendation__responsible_people"
        )
    )
    for assessment in assessments:
        assessment.may_submit = not assessment.is_decided and has_permission(
            request.user, Permission.SUBMIT_ASSESSMENT, obj=assessment.recommendation
        )
    is_last = not tracking_round.inquiry.rounds.filter(number__gt=tracking_round.number).exists()
    return render(
        request,
        "tracking/round.html",
        {
            "round": tracking_round,
            "inquiry": tracking_round.inquiry,
            "assessments": assessments,
            "deadline": moment_in_words(tracking_round.submission_deadline),
            "is_officer": has_permission(request.user, Permission.MANAGE_SCRUTINY),
            "may_decide": is_last,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def submit_assessment(request, slug, number, reference):
    """The executive's assessment of one recommendation, with evidence appended."""
    assessment = _assessment(slug, number, reference)
    recommendation = assessment.recommendation
    if not has_permission(request.user, Permission.SUBMIT_ASSESSMENT, obj=recommendation):
        raise Http404
    tracking_round = assessment.round
    if assessment.is_decided:
        messages.info(
            request,
            _("The committee has decided %(ref)s, so it cannot change.") % {"ref": reference},
        )
        return redirect(tracking_round)
    initial = {
        "category": assessment.proposed_category,
        "achieved_on": assessment.achieved_on,
        "anticipated_on": assessment.anticipated_on,
    }
    form = AssessmentForm(request.POST or None, initial=initial, recommendation=recommendation)
    if request.method == "POST" and form.is_valid():
        try:
            actions.submit_assessment(assessment=assessment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your assessment of %(ref)s is submitted. You can add to it until the "
                    "committee decides."
                )
                % {"ref": reference},
            )
            # An officer submitting for someone else goes back to the round.
            if recommendation.responsible_people.filter(pk=request.user.pk).exists():
                return redirect("tracking:my_assessments")
            return redirect(tracking_round)
    return render(
        request,
        "tracking/assessment_form.html",
        {
            "form": form,
            "assessment": assessment,
            "recommendation": recommendation,
            "round": tracking_round,
            "inquiry": tracking_round.inquiry,
            "history": queries.evidence_so_far(assessment),
            "deadline": moment_in_words(tracking_round.submission_deadline),
            "heading": _("Assess %(ref)s") % {"ref": reference},
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def record_decision(request, slug, number, reference):
    """The committee's decision on one recommendation, recorded by a scrutiny officer."""
    require_officer(request)
    assessment = _assessment(slug, number, reference)
    initial = {
        "category": assessment.decided_category or assessment.proposed_category,
        "anticipated_on": assessment.decision_anticipated_on or assessment.anticipated_on,
        "comment": assessment.decision_comment,
    }
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_decision(assessment=assessment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("The committee's decision on %(ref)s is recorded.") % {"ref": reference}
            )
            return redirect(assessment.round)
    return render(
        request,
        "tracking/decision_form.html",
        {
            "form": form,
            "assessment": assessment,
            "recommendation": assessment.recommendation,
            "round": assessment.round,
            "inquiry": assessment.round.inquiry,
            "history": queries.evidence_so_far(assessment),
            "heading": _("Record the committee's decision on %(ref)s") % {"ref": reference},
        },
    )
