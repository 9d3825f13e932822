"""Public pages: the directory and each organisation's profile."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from organisations import queries
from portal.authorization import Permission, has_permission
from portal.pagination import BoundedPaginator

RESULTS_PER_PAGE = 20


@require_safe
def directory(request):
    """Search and filter the registry; the query string holds the whole filter state."""
    filterset, organisations = queries.search_directory(request.GET)
    # get_page turns a page that is not a number into the first page and one past
    # the end into the last, so an edited or stale link still shows results.
    page = BoundedPaginator(organisations, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/directory.html",
        {
            "form": filterset.form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "filtered": any(
                value for key, value in request.GET.items() if key != "page" and value.strip()
            ),
        },
    )


@require_safe
def profile(request, slug):
    """Everything public about an organisation; its own members also see members-only details."""
    organisation = get_object_or_404(queries.profile_queryset(), slug=slug)
    members_only = has_permission(
        request.user, Permission.VIEW_ORGANISATION_PRIVATE, obj=organisation
    )
    context = {
        "organisation": organisation,
        "members_only": members_only,
        "can_edit": has_permission(request.user, Permission.EDIT_ORGANISATION, obj=organisation),
        "public_contacts": [c for c in organisation.key_contacts.all() if c.is_public],
    }
    if members_only:
        queries.load_members_only(organisation)
        context |= {
            "private_contacts": [c for c in organisation.key_contacts.all() if not c.is_public],
            "missing_for_bids": queries.missing_for_bids(organisation),
            "completeness": queries.profile_completeness(organisation),
            "today": timezone.localdate(),
        }
    return render(request, "organisations/profile.html", context)
