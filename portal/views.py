from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_safe

from councillors import queries as councillor_queries
from opportunities import queries as opportunity_queries
from opportunities.queries import kept_home_page_summary
from organisations.queries import memberships_of, wards_represented_by
from organisations.views.manage import acting_organisation
from portal.authorization import Role, held_roles
from tenders import queries as tender_queries
from tracking import queries as tracking_queries


@require_safe
def home(request):
    """The front page: search, counts and open opportunities for everyone.

    A signed-in user also sees what each of their roles offers.
    """
    roles = held_roles(request.user)
    memberships = memberships_of(request.user) if Role.ORGANISATION_MEMBER in roles else []
    to_do = (
        opportunity_queries.to_do_for(request.user, memberships)
        + tracking_queries.to_do_for(request.user)
        + councillor_queries.to_do_for(request.user)
        + tender_queries.to_do_for(request.user, memberships)
        if request.user.is_authenticated
        else []
    )
    return render(
        request,
        "home.html",
        {
            "roles": roles,
            "to_do": to_do,
            "councillor_wards": (
                wards_represented_by(request.user) if Role.COUNCILLOR in roles else []
            ),
            "memberships": memberships,
            "acting_for": acting_organisation(request, memberships),
            "publishers": [m.organisation for m in memberships if m.organisation.can_publish],
            **kept_home_page_summary(),
        },
    )


def page(template_name):
    """A view for a static information page (accessibility, privacy, cookies)."""

    @require_safe
    def view(request):
        return render(request, template_name)

    return view


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # The styled page needs the database (for the signed-in user); if that is
    # what failed, fall back to a page that needs nothing.
    try:
        return render(request, "errors/500.html", status=500)
    except Exception:
        return HttpResponseServerError(loader.render_to_string("errors/500_plain.html"))


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)
