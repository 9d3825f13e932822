"""Commissioners' pages: their opportunities, drafting, publishing, amending, cancelling."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opportunities import actions, queries
from opportunities.forms import CancelForm, LotFormSet, ManageSearchForm, OpportunityForm
from opportunities.models import Opportunity, Status
from organisations.queries import memberships_of
from organisations.views.manage import acting_organisation
from portal.forms import add_errors


def _publishing_memberships(user):
    return [m for m in memberships_of(user) if m.organisation.can_publish]


def _publisher_or_404(request):
    """The publisher the user acts for, or their first; 404 if they commission for none."""
    publisher = acting_organisation(request, _publishing_memberships(request.user))
    if publisher is None:
        raise Http404
    return publisher


def _own_opportunity(request, reference):
    """An opportunity of one of the user's publishers, or 404 for anyone else."""
    return get_object_or_404(
        Opportunity.objects.select_related("publisher"),
        reference=reference,
        publisher__in=[m.organisation for m in _publishing_memberships(request.user)],
    )


def _lots_initial(opportunity):
    return [
        {
            "title": lot.title,
            "description": lot.description,
            "value": lot.value,
            "max_awards": lot.max_awards,
        }
        for lot in opportunity.lots.all()
    ]


# A page of a publisher's opportunities: short rows, so more than a search's twenty.
PER_PAGE = 50


@login_required
@require_http_methods(["GET", "HEAD"])
def manage(request):
    """The publisher's opportunities, newest first, by status, a page at a time.

    Every one stays reachable: each status (and those with questions waiting) is
    counted and linked, the pages are not bounded as a public search's are, and
    a reference or words of a title find one directly.
    """
    publisher = _publisher_or_404(request)
    shown = Status.values + [queries.ALL, queries.QUESTIONS]
    show = request.GET.get("show")
    show = show if show in shown else queries.ALL
    search = ManageSearchForm(request.GET)
    # Words that cannot be searched for (a NUL character, say) search for nothing.
    words = search.cleaned_data["q"] if search.is_valid() else ""
    counts = queries.publisher_counts(publisher, words=words)
    opportunities = queries.publisher_opportunities(publisher, show=show, words=words)
    page = Paginator(opportunities, PER_PAGE).get_page(request.GET.get("page"))
    views = [(queries.ALL, _("All"))] + list(Status.choices)
    views.append((queries.QUESTIONS, _("With questions to answer")))
    return render(
        request,
        "opportunities/manage.html",
        {
            "publisher": publisher,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "views": [(value, label, counts[value]) for value, label in views],
            "show": show,
            "show_label": dict(views)[show],
            "words": words.strip(),
            "is_status": show in Status.values,
        },
    )


def _save(request, form, formset, save):
    try:
        with transaction.atomic():
            opportunity = save(lots=formset.lots(), **form.fields_for_action())
    except ValidationError as error:
        add_errors(form, error)
        return None
    return opportunity


# What a link may fill in on a new draft (``?title=…&wards=3&wards=7``), as the
# pipeline's "Start an opportunity from this plan" does: only a starting point,
# checked like anything typed when the draft is saved.
PREFILLED = ("title", "summary", "category", "value_low", "value_high", "citywide")
PREFILLED += ("contact_name", "contact_email")


def _initial_from(query):
    initial = {name: query[name] for name in PREFILLED if query.get(name)}
    if wards := query.getlist("wards"):
        initial["wards"] = wards
    return initial


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def create(request):
    publisher = _publisher_or_404(request)
    form = OpportunityForm(request.POST or None, initial=_initial_from(request.GET))
    formset = LotFormSet(request.POST or None, prefix="lots", initial=[])
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        opportunity = _save(
            request,
            form,
            formset,
            lambda **fields: actions.create_draft(publisher=publisher, by=request.user, **fields),
        )
        if opportunity is not None:
            messages.success(request, _("Draft %(ref)s saved.") % {"ref": opportunity.reference})
            return redirect("opportunities:edit", reference=opportunity.reference)
    return render(
        request,
        "opportunities/opportunity_form.html",
        {
            "form": form,
            "formset": formset,
            "publisher": publisher,
            "heading": _("Create an opportunity"),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, reference):
    opportunity = _own_opportunity(request, reference)
    status = opportunity.status
    if status not in {Status.DRAFT, Status.OPEN}:
        messages.error(request, _("Only drafts and open opportunities can be changed."))
        return redirect("opportunities:manage")
    amending = status == Status.OPEN
    form = OpportunityForm(request.POST or None, instance=opportunity, amending=amending)
    formset = LotFormSet(request.POST or None, prefix="lots", initial=_lots_initial(opportunity))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        if amending:

            def save(**fields):
                return actions.amend(
                    opportunity=opportunity,
                    by=request.user,
                    what_changed=form.cleaned_data["amendment_summary"],
                    **fields,
                )
        else:

            def save(**fields):
                return actions.update_draft(opportunity=opportunity, by=request.user, **fields)

        if _save(request, form, formset, save) is not None:
            messages.success(
                request,
                _("The amendment is published.") if amending else _("Your changes are saved."),
            )
            return redirect("opportunities:edit", reference=opportunity.reference)
    return render(
        request,
        "opportunities/opportunity_form.html",
        {
            "form": form,
            "formset": formset,
            "publisher": opportunity.publisher,
            "opportunity": opportunity,
            "amending": amending,
            "heading": (_("Amend %(ref)s") if amending else _("Edit draft %(ref)s"))
            % {"ref": opportunity.reference},
        },
    )


@login_required
@require_POST
def publish(request, reference):
    opportunity = _own_opportunity(request, reference)
    try:
        actions.publish(opportunity=opportunity, by=request.user)
    except ValidationError as error:
        for messages_ in error.message_dict.values():
            for message in messages_:
                messages.error(request, message)
        return redirect("opportunities:edit", reference=reference)
    except ValueError:
        messages.error(request, _("Only a draft can be published."))
        return redirect("opportunities:manage")
    messages.success(request, _("%(ref)s is published.") % {"ref": reference})
    return redirect("opportunities:detail", reference=reference)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request, reference):
    opportunity = _own_opportunity(request, reference)
    if opportunity.status not in {Status.OPEN, Status.CLOSED}:
        raise Http404
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.cancel(opportunity=opportunity, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("%(ref)s is cancelled.") % {"ref": reference})
        return redirect("opportunities:detail", reference=reference)
    return render(
        request,
        "opportunities/cancel.html",
        {
            "form": form,
            "opportunity": opportunity,
            "heading": _("Cancel %(ref)s") % {"ref": reference},
        },
    )
