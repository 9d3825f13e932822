"""Signposting: a councillor sends a live opportunity to an organisation, and sees the log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from councillors import queries
from councillors.actions.signposting import signpost as signpost_action
from councillors.forms import SignpostForm
from councillors.views.digests import councillor_or_404
from opportunities.models import Opportunity, Status
from portal.formats import moment_in_words
from portal.forms import add_errors


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def signpost(request, reference):
    """Send a live opportunity to an organisation in the registry, with a short note.

    Councillors only (404 for anyone else); drafts and unknown references are 404;
    an opportunity no longer open for bids gets a page saying so.
    """
    councillor = councillor_or_404(request)
    opportunity = get_object_or_404(
        Opportunity.objects.published().select_related("publisher"), reference=reference
    )
    status = opportunity.status_at(timezone.now())
    if status != Status.OPEN:
        return render(
            request,
            "councillors/signpost_closed.html",
            {
                "opportunity": opportunity,
                "status": status,
                "Status": Status,
                "deadline": moment_in_words(opportunity.submission_deadline),
            },
        )
    in_wards, others = queries.organisations_to_signpost(councillor, opportunity)
    form = SignpostForm(request.POST or None, in_wards=in_wards, others=others)
    if request.method == "POST" and form.is_valid():
        try:
            signposting = signpost_action(
                councillor=councillor,
                by=request.user,
                opportunity=opportunity,
                organisation=form.cleaned_data["organisation"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Sent to %(name)s. We emailed %(count)s of their contacts.")
                % {"name": signposting.organisation.name, "count": signposting.recipients}
                if signposting.recipients != 1
                else _("Sent to %(name)s. We emailed their contact.")
                % {"name": signposting.organisation.name},
            )
            return redirect("councillors:signposting_log")
    return render(
        request,
        "councillors/signpost_form.html",
        {
            "form": form,
            "opportunity": opportunity,
            "deadline": moment_in_words(opportunity.submission_deadline),
            "heading": _("Tell a local organisation about this opportunity"),
        },
    )


@login_required
@require_safe
def signposting_log(request):
    """The opportunities the councillor has sent to organisations, newest first."""
    councillor = councillor_or_404(request)
    signpostings = [
        {
            "signposting": signposting,
            "sent": moment_in_words(signposting.sent_at, say_uk_time=False),
        }
        for signposting in queries.signpostings_of(councillor)
    ]
    return render(request, "councillors/signposting_log.html", {"signpostings": signpostings})
