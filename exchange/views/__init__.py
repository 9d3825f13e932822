"""The exchange's pages. Writes go through ``exchange.actions``; a page about a match
is for the two organisations only, and anyone else gets 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from exchange.actions import matching
from organisations.views.manage import acting_organisation
from portal.authorization import membership_role
from portal.forms import add_errors


def is_member(user, organisation):
    return user.is_authenticated and membership_role(user, organisation) is not None


def require_member(user, organisation):
    """404 for anyone who is not a member of ``organisation``."""
    if not is_member(user, organisation):
        raise Http404


def acting_for(request):
    """The organisation the user acts for, or ``None``."""
    return acting_organisation(request)


def run(form, action, **kwargs):
    """Call ``action(**kwargs)``; a ``ValidationError`` is shown on ``form`` and gives None."""
    try:
        return action(**kwargs)
    except ValidationError as error:
        add_errors(form, error)
        return None


def form_page(request, form, heading, lead="", **context):
    return render(
        request,
        "exchange/form_page.html",
        {"form": form, "heading": heading, "lead": lead, **context},
    )


def propose_page(request, form, *, need=None, offer=None, side, sent, heading, lead, caption):
    """The page proposing a match with ``need`` or ``offer``: the form's ``choice`` is the
    other one. A valid proposal goes to the match's page with ``sent`` as the message."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pair = {"need": need or data["choice"], "offer": offer or data["choice"]}
        match = run(
            form,
            matching.propose_match,
            **pair,
            by=request.user,
            quantity=data["quantity"],
            message=data["message"],
            side=side,
        )
        if match:
            return done(request, sent, match.get_absolute_url())
    return form_page(request, form, heading, lead, caption=caption)


def done(request, message, to):
    messages.success(request, message)
    return redirect(to)
