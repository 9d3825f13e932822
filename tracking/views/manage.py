"""For scrutiny officers: the dashboard, inquiries and recommendations, and the CSV history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.authorization import Permission, has_permission
from portal.csv import csv_response
from portal.forms import add_errors
from tracking import actions, queries
from tracking.forms import InquiryForm, RecommendationForm
from tracking.models import Category, Committee, Inquiry


def require_officer(request):
    """Anyone but a scrutiny officer gets 404: the management pages do not exist for them."""
    if not has_permission(request.user, Permission.MANAGE_SCRUTINY):
        raise Http404


def _inquiry(request, slug):
    require_officer(request)
    return get_object_or_404(Inquiry.objects.select_related("committee"), slug=slug)


@login_required
@require_safe
def dashboard(request):
    """All inquiries, rounds coming up, late submissions and decisions over time."""
    require_officer(request)
    return render(
        request,
        "tracking/dashboard.html",
        {
            "inquiries": queries.inquiry_summaries(),
            "upcoming": queries.upcoming_rounds(),
            "late": queries.late_submissions(),
            "by_year": queries.decisions_by_year(),
            "categories": list(Category),
        },
    )


def _form_page(request, form, heading, **context):
    return render(
        request,
        "tracking/form.html",
        {"form": form, "heading": heading, "committees": Committee.objects.all(), **context},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def create_inquiry(request):
    require_officer(request)
    form = InquiryForm(
        request.POST or None, initial={"officer": request.user}, submit=_("Add inquiry")
    )
    if request.method == "POST" and form.is_valid():
        try:
            inquiry = actions.create_inquiry(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Inquiry added. Now add its recommendations."))
            return redirect("tracking:add_recommendation", slug=inquiry.slug)
    return _form_page(request, form, _("Add an inquiry"), back_url=reverse("tracking:dashboard"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_inquiry(request, slug):
    inquiry = _inquiry(request, slug)
    initial = {
        name: getattr(inquiry, name)
        for name in (
            "title",
            "slug",
            "lead_member",
            "lead_officer",
            "approved_on",
            "summary",
            "report_url",
            "officer",
        )
    }
    initial["committee_name"] = inquiry.committee.name
    form = InquiryForm(request.POST or None, initial=initial, submit=_("Save changes"))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_inquiry(inquiry=inquiry, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Inquiry saved."))
            return redirect(inquiry)
    return _form_page(
        request, form, _("Change the inquiry"), inquiry=inquiry, back_url=inquiry.get_absolute_url()
    )


def _save_recommendation(request, inquiry, form, recommendation=None):
    data = form.cleaned_data
    return actions.save_recommendation(
        inquiry=inquiry,
        by=request.user,
        recommendation=recommendation,
        reference=data["reference"],
        text=data["text"],
        responsibility=data["responsibility"],
        responsible_people=data["people"],
        target_dates=data["targets"],
    )


def _next_reference(inquiry):
    return f"R{inquiry.recommendations.count() + 1:02d}"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def add_recommendation(request, slug):
    inquiry = _inquiry(request, slug)
    form = RecommendationForm(
        request.POST or None,
        initial={"reference": _next_reference(inquiry)},
        submit=_("Add recommendation"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            recommendation = _save_recommendation(request, inquiry, form)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(reference)s added. Add the next, or go back to the inquiry.")
                % {"reference": recommendation.reference},
            )
            return redirect("tracking:add_recommendation", slug=inquiry.slug)
    return _form_page(
        request,
        form,
        _("Add a recommendation"),
        inquiry=inquiry,
        existing=inquiry.recommendations.all(),
        back_url=inquiry.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_recommendation(request, slug, reference):
    inquiry = _inquiry(request, slug)
    recommendation = get_object_or_404(inquiry.recommendations, reference=reference)
    initial = {
        "reference": recommendation.reference,
        "text": recommendation.text,
        "responsibility": recommendation.responsibility,
        "people": "\n".join(u.email for u in recommendation.responsible_people.all()),
        "targets": "\n".join(str(t) for t in recommendation.target_dates.all()),
    }
    form = RecommendationForm(request.POST or None, initial=initial, submit=_("Save changes"))
    if request.method == "POST" and form.is_valid():
        try:
            _save_recommendation(request, inquiry, form, recommendation)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Recommendation saved."))
            return redirect(f"{inquiry.get_absolute_url()}#{recommendation.reference}")
    return _form_page(
        request,
        form,
        _("Change %(reference)s") % {"reference": recommendation.reference},
        inquiry=inquiry,
        back_url=inquiry.get_absolute_url(),
    )


@login_required
@require_safe
def history_csv(request, slug):
    """Every assessment of the inquiry, one row each, for a spreadsheet."""
    inquiry = _inquiry(request, slug)
    stamp = timezone.localdate().isoformat()
    columns = queries.HISTORY_COLUMNS
    return csv_response(
        f"{inquiry.slug}-tracking-{stamp}.csv",
        columns,
        ([row[column] for column in columns] for row in queries.history_rows(inquiry)),
    )
