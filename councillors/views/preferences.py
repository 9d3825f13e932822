"""When the digest comes: a councillor's preferences, and the email's unsubscribe link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from councillors import queries
from councillors.actions.preferences import save_preferences
from councillors.actions.preferences import unsubscribe as unsubscribe_action
from councillors.forms import PreferencesForm
from councillors.tokens import read_unsubscribe_token
from councillors.views.digests import councillor_or_404
from organisations.models import Councillor
from portal.formats import LONDON, day_in_words, time_in_words


def next_digest_in_words(moment, *, now):
    """``Monday 7 December 2026 at 7am`` in UK time; a moment passed means it goes any time now."""
    if moment <= now:
        return _("this week’s, within the next hour")
    local = timezone.localtime(moment, LONDON)
    return f"{day_in_words(local)} at {time_in_words(local)}"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request):
    """The councillor's choice of digest, day and time, and when the next one comes."""
    councillor = councillor_or_404(request)
    preference = queries.preference_of(councillor)
    form = PreferencesForm(request.POST or None, initial=PreferencesForm.initial_for(preference))
    if request.method == "POST" and form.is_valid():
        preference = save_preferences(councillor=councillor, by=request.user, **form.cleaned_data)
        if preference.enabled:
            now = timezone.now()
            when = next_digest_in_words(queries.next_digest_at(preference, now=now), now=now)
            messages.success(request, _("Saved. Your next digest: %(when)s.") % {"when": when})
        else:
            messages.success(request, _("Saved. We will not send you the weekly digest."))
        return redirect("councillors:preferences")
    now = timezone.now()
    next_at = queries.next_digest_at(preference, now=now)
    return render(
        request,
        "councillors/preferences.html",
        {
            "form": form,
            "councillor": councillor,
            "preference": preference,
            "next_digest": next_digest_in_words(next_at, now=now) if next_at else None,
            "send_at": time_in_words(preference.send_at),
            "heading": _("When you get the weekly digest"),
        },
    )


# Mail programs send a one-click POST with no CSRF token (RFC 8058:
# "List-Unsubscribe=One-Click"). The signed token in the address is what
# authorises it, and someone who has it can only turn off that one digest.
# GET only shows a button: mail scanners and link previews fetch GET addresses,
# and must not unsubscribe anyone.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """Stop the digest from the link in it, without signing in.

    A link whose signature does not match answers 400 Bad Request, since the
    request itself is broken, and changes nothing. A link for a councillor no
    longer on the portal says they are unsubscribed: nothing will be sent.
    """
    try:
        councillor_id = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "councillors/unsubscribe_invalid.html", status=400)
    councillor = Councillor.objects.filter(pk=councillor_id).first()
    if request.method == "POST":
        if councillor is not None:
            unsubscribe_action(councillor=councillor)
        return render(request, "councillors/unsubscribed.html", {"councillor": councillor})
    preference = queries.preference_of(councillor) if councillor is not None else None
    return render(
        request,
        "councillors/unsubscribe.html",
        {"councillor": councillor, "subscribed": preference is not None and preference.enabled},
    )
