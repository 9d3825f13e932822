"""Clarification questions: organisations ask, the publisher's commissioners answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opportunities import actions
from opportunities.forms_engagement import AnswerForm, QuestionForm
from opportunities.views.detail import published_or_404
from organisations.views.manage import acting_organisation
from portal import ratelimit
from portal.formats import moment_in_words
from portal.forms import add_errors


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def ask(request, reference):
    """Ask a question for the organisation the user acts for, while questions are open."""
    opportunity = published_or_404(reference)
    organisation = acting_organisation(request)
    if organisation is None:
        return render(
            request, "opportunities/detail_needs_organisation.html", {"opportunity": opportunity}
        )
    if not opportunity.questions_open:
        return render(
            request,
            "opportunities/question_closed.html",
            {
                "opportunity": opportunity,
                "deadline": moment_in_words(opportunity.clarification_deadline),
                "still_open": opportunity.is_open,
            },
        )
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if refused := ratelimit.limit(request, "question", **ratelimit.QUESTIONS):
            return refused
        try:
            actions.ask_question(
                opportunity=opportunity,
                organisation=organisation,
                by=request.user,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your question has been sent. The answer will be published on this page "
                    "without saying who asked."
                ),
            )
            return redirect("opportunities:detail", reference=opportunity.reference)
    return render(
        request,
        "opportunities/question_form.html",
        {
            "form": form,
            "opportunity": opportunity,
            "organisation": organisation,
            "deadline": moment_in_words(opportunity.clarification_deadline),
            "heading": _("Ask a question"),
        },
    )


def _commissioners_opportunity(request, reference):
    opportunity = published_or_404(reference)
    if not actions.is_commissioner(request.user, opportunity.publisher):
        raise Http404
    return opportunity


@login_required
@require_http_methods(["GET", "HEAD"])
def questions(request, reference):
    """The publisher's commissioners see every question, who asked it, and answer forms."""
    opportunity = _commissioners_opportunity(request, reference)
    all_questions = list(opportunity.questions.select_related("organisation"))
    unanswered = [q for q in all_questions if not q.is_answered]
    return render(
        request,
        "opportunities/question_list.html",
        {
            "opportunity": opportunity,
            "unanswered": [(q, AnswerForm(question=q)) for q in unanswered],
            "answered": [q for q in all_questions if q.is_answered],
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def answer(request, reference, pk):
    """Publish an answer; a mistake re-shows that one question's form with the error."""
    opportunity = _commissioners_opportunity(request, reference)
    question = get_object_or_404(
        opportunity.questions.select_related("organisation"), pk=pk, answered_at__isnull=True
    )
    form = AnswerForm(request.POST, question=question)
    if form.is_valid():
        try:
            actions.answer_question(
                question=question, by=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            add_errors(form, error)
        except ValueError:
            messages.error(request, _("That question has already been answered."))
            return redirect("opportunities:questions", reference=opportunity.reference)
        else:
            messages.success(request, _("The answer is published and followers have been emailed."))
            return redirect("opportunities:questions", reference=opportunity.reference)
    return render(
        request,
        "opportunities/question_answer.html",
        {"opportunity": opportunity, "question": question, "form": form},
    )
