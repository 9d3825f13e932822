"""Saved searches: save one from the search page, list and delete them, unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from opportunities import actions
from opportunities.actions.alerts import clean_query_string
from opportunities.filters import applied_filters
from opportunities.forms_engagement import SavedSearchForm
from opportunities.models import SavedSearch
from opportunities.queries import search_opportunities
from portal.forms import add_errors


def search_url(query_string):
    """The search page showing this saved search's results."""
    path = reverse("opportunities:search")
    return f"{path}?{query_string}" if query_string else path


@login_required
@require_safe
def alerts(request):
    """The signed-in user's saved searches."""
    saved_searches = SavedSearch.objects.filter(user=request.user).order_by("name", "pk")
    return render(
        request,
        "opportunities/alert_list.html",
        {
            "saved_searches": [
                (s, search_url(s.query_string), searched_for(s.query_string))
                for s in saved_searches
            ]
        },
    )


def searched_for(query_string):
    """A saved search's words and filters in plain English (``filters.applied_filters``)."""
    filterset, _opportunities = search_opportunities(QueryDict(query_string))
    return applied_filters(filterset)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def save(request):
    """Save the search in this page's query string (``/opportunities/alerts/save/?q=…``)."""
    query_string = clean_query_string(request.GET.urlencode())
    form = SavedSearchForm(request.POST or None, initial={"name": request.GET.get("q", "")})
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_search(user=request.user, query_string=query_string, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Search saved. We will email you when new opportunities match it."),
            )
            return redirect("opportunities:alerts")
    return render(
        request,
        "opportunities/alert_save.html",
        {
            "form": form,
            "heading": _("Get alerts for this search"),
            "search_url": search_url(query_string),
        },
    )


@login_required
@require_POST
def delete(request, pk):
    saved_search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    actions.delete_saved_search(saved_search=saved_search, by=request.user)
    messages.success(
        request,
        _("‘%(name)s’ is deleted. You will get no more alerts about it.")
        % {"name": saved_search.name},
    )
    return redirect("opportunities:alerts")


# Mail programs send a one-click POST with no CSRF token (RFC 8058); the signed
# token in the address is what authorises it.
# HEAD is refused so a link checker that only peeks does not unsubscribe anyone.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """One click from an alert email stops that alert, signed in or not."""
    try:
        saved_search = actions.unsubscribe(token=token)
    except signing.BadSignature:
        return render(request, "opportunities/alert_unsubscribe_invalid.html", status=400)
    except SavedSearch.DoesNotExist:
        saved_search = None
    return render(request, "opportunities/alert_unsubscribed.html", {"saved_search": saved_search})
