"""Asking for, and stopping, the weekly email of new suggestions for an organisation.

Both are buttons on the organisation's page on the exchange (/exchange/yours/), for
the organisation the member acts for; anyone who is not its member gets 404.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exchange.actions import summaries
from exchange.models import SuggestionSubscription
from exchange.views import done, require_member
from organisations.models import Organisation


def is_subscribed(user, organisation):
    """Whether ``user`` gets the weekly summary for ``organisation``."""
    return SuggestionSubscription.objects.filter(user=user, organisation=organisation).exists()


def _organisation_or_404(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    require_member(request.user, organisation)
    return organisation


@login_required
@require_POST
def subscribe(request, slug):
    """The member asks for the weekly summary of new suggestions for the organisation."""
    organisation = _organisation_or_404(request, slug)
    summaries.subscribe(organisation=organisation, by=request.user)
    return done(
        request,
        _("You will get an email of new suggestions for %(name)s each Monday")
        % {"name": organisation.name},
        "exchange:yours",
    )


@login_required
@require_POST
def unsubscribe(request, slug):
    """The member stops the weekly summary for the organisation."""
    organisation = _organisation_or_404(request, slug)
    summaries.unsubscribe(organisation=organisation, by=request.user)
    return done(
        request,
        _("You will no longer get the weekly email for %(name)s") % {"name": organisation.name},
        "exchange:yours",
    )
