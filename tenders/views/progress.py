"""The commissioner's page for what bidders are told during evaluation.

The stage is derived (``tenders.progress``); the commissioner keeps the expected
decision date and a note current. Only the publisher's commissioners, and only
once the box is opened: before that there is no evaluation to tell anyone about.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.forms import add_errors
from tenders import actions
from tenders.forms.progress import ProgressForm
from tenders.progress import progress_of
from tenders.views.method import GET_POST, _commissioned_tender


@GET_POST
def progress(request, reference):
    """Set the expected decision date and the note; back to the tender page when saved."""
    tender = _commissioned_tender(request, reference)
    if tender.opened_at is None:
        raise Http404
    form = ProgressForm(
        request.POST if request.method == "POST" else None,
        initial={
            "decision_expected_on": tender.decision_expected_on,
            "evaluation_note": tender.evaluation_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_progress(tender=tender, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Saved. Bidders will read it on their bid's page and in their next update."),
            )
            return redirect("tenders:tender", reference=reference)
    return render(
        request,
        "tenders/progress/form.html",
        {
            "form": form,
            "opportunity": tender.opportunity,
            "tender": tender,
            "progress": progress_of(tender),
            "heading": _("What bidders are told about the evaluation"),
        },
    )
