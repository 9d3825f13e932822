"""The pipeline's pages: the public list and an item's page; commissioners add, edit,
withdraw and link items; organisations follow them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from commissioning.actions import pipeline as actions
from commissioning.forms.pipeline import LinkForm, PipelineItemForm, WithdrawForm
from commissioning.models import PipelineItem
from commissioning.queries import pipeline as queries
from opportunities.actions import is_commissioner
from organisations.queries import memberships_of
from organisations.views.manage import acting_organisation
from portal.forms import add_errors
from portal.pagination import BoundedPaginator

ITEMS_PER_PAGE = 20


def _publishers_of(user):
    if not user.is_authenticated:
        return []
    return [m.organisation for m in memberships_of(user) if m.organisation.can_publish]


def _own_item(request, reference):
    """An item of one of the user's publishers, or 404 for anyone else."""
    return get_object_or_404(
        PipelineItem.objects.select_related("publisher", "opportunity"),
        reference=reference,
        publisher__in=_publishers_of(request.user),
    )


@require_safe
def pipeline(request):
    """The public pipeline: planned procurements, searchable, soonest expected first."""
    filterset, items = queries.search_pipeline(request.GET)
    page = BoundedPaginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    page_range = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return render(
        request,
        "commissioning/pipeline/list.html",
        {
            "form": filterset.form,
            "searched_for": filterset.form.cleaned_data.get("q", ""),
            "page": page,
            "page_range": page_range,
            "applied": queries.applied(filterset),
            "filtered": any(value.strip() for key, value in request.GET.items() if key != "page"),
            "may_add": bool(_publishers_of(request.user)),
        },
    )


def start_opportunity_url(item):
    """The opportunity create page, filled in from ``item`` through its query string."""
    query = QueryDict(mutable=True)
    query.update(
        {
            "title": item.title,
            "summary": item.summary[:500],
            "category": item.category_id,
            "value_low": item.estimated_value,
            "value_high": item.estimated_value,
            "contact_name": item.contact_name,
            "contact_email": item.contact_email,
        }
    )
    if item.citywide:
        query["citywide"] = "on"
    query.setlist("wards", [ward.pk for ward in item.wards.all()])
    return f"{reverse('opportunities:create')}?{query.urlencode()}"


@require_safe
def item(request, reference):
    """One planned procurement, public (withdrawn ones say so), and what the reader can do."""
    item = queries.item_for_page(reference)
    if item is None:
        raise Http404
    commissioner = is_commissioner(request.user, item.publisher)
    organisation = acting_organisation(request)
    context = {
        "item": item,
        "is_commissioner": commissioner,
        "acting_for": organisation,
    }
    if organisation is not None and organisation.pk != item.publisher_id:
        context["following"] = queries.is_followed_by(item, organisation)
    if commissioner and not item.is_withdrawn and not item.is_published:
        context["link_form"] = LinkForm(opportunities=actions.linkable_opportunities(item))
        context["start_url"] = start_opportunity_url(item)
    return render(request, "commissioning/pipeline/item.html", context)


def _form_page(request, form, *, heading, publisher, item=None):
    return render(
        request,
        "commissioning/pipeline/item_form.html",
        {"form": form, "heading": heading, "publisher": publisher, "item": item},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def add(request):
    """A commissioner adds a planned procurement for the publisher they act for."""
    publisher = acting_organisation(
        request, [m for m in memberships_of(request.user) if m.organisation.can_publish]
    )
    if publisher is None:
        raise Http404
    form = PipelineItemForm(request.POST or None, publisher=publisher)
    if request.method == "POST" and form.is_valid():
        try:
            item = actions.add_item(
                publisher=publisher, by=request.user, **form.fields_for_action()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("%(ref)s is on the pipeline.") % {"ref": item.reference})
            return redirect(item)
    return _form_page(request, form, heading=_("Add a planned procurement"), publisher=publisher)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, reference):
    item = _own_item(request, reference)
    if item.is_withdrawn:
        raise Http404
    form = PipelineItemForm(request.POST or None, instance=item, publisher=item.publisher)
    if request.method == "POST" and form.is_valid():
        # The form changed the instance while validating; the action starts afresh.
        fresh = _own_item(request, reference)
        try:
            actions.update_item(item=fresh, by=request.user, **form.fields_for_action())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(fresh)
    return _form_page(
        request,
        form,
        heading=_("Change %(ref)s") % {"ref": reference},
        publisher=item.publisher,
        item=item,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, reference):
    item = _own_item(request, reference)
    if item.is_withdrawn or item.is_published:
        raise Http404
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.withdraw_item(item=item, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("%(ref)s is withdrawn from the pipeline.") % {"ref": reference})
        return redirect(item)
    return render(
        request,
        "commissioning/pipeline/withdraw.html",
        {"form": form, "item": item, "heading": _("Withdraw %(ref)s") % {"ref": reference}},
    )


@login_required
@require_POST
def link(request, reference):
    """Link the plan to the opportunity it became; followers hear once it is published."""
    item = _own_item(request, reference)
    if item.is_withdrawn or item.is_published:
        raise Http404
    form = LinkForm(request.POST, opportunities=actions.linkable_opportunities(item))
    if form.is_valid():
        try:
            actions.link_opportunity(
                item=item, opportunity=form.cleaned_data["opportunity"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(ref)s is linked to %(opportunity)s.")
                % {"ref": reference, "opportunity": form.cleaned_data["opportunity"].reference},
            )
            return redirect(item)
    for error in form.errors.get("opportunity", []):
        messages.error(request, error)
    return redirect(item)


@login_required
@require_POST
def follow(request, reference):
    """Follow or stop following for the organisation the user acts for."""
    item = get_object_or_404(PipelineItem.objects.public(), reference=reference)
    organisation = acting_organisation(request)
    if organisation is None:
        return render(request, "commissioning/pipeline/needs_organisation.html", {"item": item})
    if request.POST.get("action") == "unfollow":
        actions.unfollow(item=item, organisation=organisation, by=request.user)
        messages.success(
            request, _("%(name)s no longer follows this plan.") % {"name": organisation}
        )
        return redirect(item)
    try:
        actions.follow(item=item, organisation=organisation, by=request.user)
    except ValueError:
        messages.error(request, _("This plan can no longer be followed."))
    else:
        messages.success(
            request,
            _(
                "%(name)s follows this plan. Its members will get one email when it is "
                "published as an opportunity."
            )
            % {"name": organisation},
        )
    return redirect(item)
