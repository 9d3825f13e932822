"""Clarification questions: organisations ask, the publisher answers in public.

An answer is published for everyone without saying who asked, so one bidder's
question cannot give another an advantage or reveal who is bidding.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opportunities import emails, tasks
from opportunities.actions.publishing import require_commissioner
from opportunities.models import Question, Status
from portal import batch
from portal.authorization import membership_role
from portal.formats import moment_in_words


def require_member(organisation, by):
    """Raise ``PermissionError`` unless ``by`` belongs to ``organisation``."""
    if membership_role(by, organisation) is None:
        raise PermissionError("Only the organisation's members can do this.")


@transaction.atomic
def ask_question(*, opportunity, organisation, by, text):
    """Put a question to the publisher for ``organisation``; ``by`` must be its member.

    Refused with a ``ValidationError`` on ``text`` that gives the deadline in
    words once the deadline for questions has passed or the opportunity is no
    longer open.
    """
    require_member(organisation, by)
    now = timezone.now()
    if opportunity.status_at(now) != Status.OPEN:
        raise ValidationError({"text": _("This opportunity is no longer taking questions or bids")})
    if now >= opportunity.clarification_deadline:
        raise ValidationError(
            {
                "text": _("Questions closed at %(deadline)s")
                % {"deadline": moment_in_words(opportunity.clarification_deadline)}
            }
        )
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Enter your question")})
    return Question.objects.create(
        opportunity=opportunity, organisation=organisation, asked_by=by, text=text
    )


@transaction.atomic
def answer_question(*, question, by, answer):
    """Publish the publisher's answer and email every follower of the opportunity.

    Only the publisher's commissioners may answer, once. The email quotes the
    question and answer and nothing about who asked.
    """
    opportunity = question.opportunity
    require_commissioner(opportunity.publisher, by)
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Enter the answer")})
    # Lock the row so two commissioners answering at once cannot both publish.
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.answered_at is not None:
        raise ValueError("This question has already been answered.")
    question.answer, question.answered_at, question.answered_by = answer, timezone.now(), by
    question.save(update_fields=["answer", "answered_at", "answered_by"])
    tasks.notify_followers_of_answer.delay_on_commit(question.pk)
    return question


def send_question_notices(*, now=None):
    """Email each opportunity's contact the questions asked since its last notice.

    Periodic (hourly): one email per opportunity however many questions came
    in, listing those still unanswered, with the link to answer them. Each
    opportunity is sent in its own transaction; one that fails is recorded on
    its questions and tried again next run while the others are sent. Returns
    how many emails were sent.
    """
    now = now or timezone.now()
    waiting = Question.objects.filter(contact_told_at__isnull=True)
    return batch.each_in_its_own_transaction(
        Question,
        waiting.values_list("opportunity_id", flat=True).distinct().order_by(),
        lambda opportunity_id: _tell_contact(opportunity_id, now=now),
        job="question notices",
        rows_of=lambda opportunity_id: waiting.filter(opportunity_id=opportunity_id),
    )


def _tell_contact(opportunity_id, *, now):
    questions = list(
        Question.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("opportunity")
        .filter(opportunity_id=opportunity_id, contact_told_at__isnull=True)
        .order_by("asked_at", "pk")
    )
    unanswered = [question for question in questions if not question.is_answered]
    if unanswered:
        emails.send_questions_waiting(unanswered[0].opportunity, unanswered)
    Question.objects.filter(pk__in=[question.pk for question in questions]).update(
        contact_told_at=now, failed_attempts=0
    )
    return bool(unanswered)
