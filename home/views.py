"""The front page, composed from every app: what each role has to do first, then the
public search, counts and open opportunities."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from councillors import queries as councillor_queries
from opendata import bulk as opendata_bulk
from opendata import packages as opendata_packages
from opendata import queries as opendata_queries
from opendata.ocds import absolute
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


@require_safe
def open_data(request):
    """What the portal publishes as open data, when, under which licence, and what it
    never publishes; the bulk file's size and date once one is made."""
    prefix = settings.OCDS_PREFIX
    example = f"{prefix}-{settings.OPPORTUNITY_REFERENCE_PREFIX}-2026-0001"
    return render(
        request,
        "pages/open_data.html",
        {
            "prefix": prefix,
            "example_ocid": example,
            "bulk": opendata_bulk.latest_bulk_file(),
            "licence": opendata_packages.LICENCE,
            "releases_url": absolute(reverse("opendata:releases")),
            "page_size": opendata_queries.PAGE_SIZE,
            "record_url": absolute(reverse("opendata:record", args=[example])),
            "bulk_url": absolute(reverse("opendata:bulk")),
            "site_url": absolute(""),
        },
    )
